import Foundation

/// The pieces every optimizer shares, written once: the moment EMA, the bias-correction factor
/// (`BiasCorrection.factor`), the denominator with its ε placement, how weight decay is applied, the
/// second-moment granularity (per coordinate, per block, per layer, factored), and the adaptive step that
/// Adam, NAdam, RMSprop, AdamE-λ, Adam-mini, Adalayer, AdaSGD and Adafactor are settings of.
enum UpdateRules {
    /// b ← β·b + w·x, element-wise (w = 1 − β for an EMA, w = 1 for a heavy-ball sum).
    static func accumulate(_ buffer: inout [Double], _ x: [Double], decay beta: Double, inputWeight w: Double) {
        precondition(buffer.count == x.count, "optimizer state has \(buffer.count) entries, gradient \(x.count)")
        buffer.withUnsafeMutableBufferPointer { b in
            x.withUnsafeBufferPointer { x in
                for i in 0..<b.count { b[i] = beta * b[i] + w * x[i] }
            }
        }
    }

    /// The gradient with coupled (L2) weight decay folded in: g + λ·θ when `mode == .coupled`, else g.
    static func coupledGradient(_ g: [Double], parameters theta: [Double], mode: WeightDecayMode,
                                rates: StepRates) -> [Double] {
        precondition(g.count == theta.count, "gradient has \(g.count) entries, parameters \(theta.count)")
        guard mode == .coupled, rates.weightDecay != 0 else { return g }
        var out = g
        for i in out.indices { out[i] += rates.weightDecay * theta[i] }
        return out
    }

    /// Decoupled decay θ ← (1 − η_t·λ_t)·θ when `mode == .decoupled` (PyTorch AdamW order: before the step).
    static func decoupledDecay(_ theta: inout [Double], mode: WeightDecayMode, rates: StepRates) {
        guard mode == .decoupled, rates.weightDecay != 0 else { return }
        let factor = 1 - rates.learningRate * rates.weightDecay
        for i in theta.indices { theta[i] *= factor }
    }

    /// θ ← θ − η·u.
    static func descend(_ theta: inout [Double], along u: [Double], learningRate eta: Double) {
        precondition(theta.count == u.count, "update has \(u.count) entries, parameters \(theta.count)")
        theta.withUnsafeMutableBufferPointer { t in
            u.withUnsafeBufferPointer { u in
                for i in 0..<t.count { t[i] -= eta * u[i] }
            }
        }
    }
}

/// How the denominator of an adaptive step is formed from the bias-corrected second moment v̂.
enum Denominator: Codable, Equatable, Sendable {
    /// √v̂ + ε or √(v̂ + ε).
    case root(EpsilonPlacement)
    /// v̂^λ + ε (AdamE-λ, paper 002 App. G).
    case power(Double)

    func value(_ vhat: Double, epsilon: Double) -> Double {
        withKernel(epsilon: epsilon, Evaluate(vhat: vhat))
    }

    /// nᵢ / value(vᵢ · (1/c), ε) for every coordinate (the reciprocal of the bias correction c computed
    /// once), with the convention chosen once outside the loop
    /// (the same kernel as ``value(_:epsilon:)``, so results are identical).
    func divide(_ numerators: [Double], by v: [Double], biasCorrection c: Double, epsilon: Double) -> [Double] {
        precondition(numerators.count == v.count, "Denominator.divide: \(numerators.count) numerators for \(v.count) moments")
        return withKernel(epsilon: epsilon, Divide(numerators: numerators, moments: v, biasCorrection: c))
    }

    private struct Evaluate: DenominatorVisitor {
        let vhat: Double
        func visit<D: DenominatorKernel>(_ denominator: D) -> Double { denominator(vhat) }
    }

    private struct Divide: DenominatorVisitor {
        let numerators: [Double]
        let moments: [Double]
        let biasCorrection: Double

        func visit<D: DenominatorKernel>(_ denominator: D) -> [Double] {
            [Double](unsafeUninitializedCapacity: moments.count) { out, initialized in
                numerators.withUnsafeBufferPointer { n in
                    moments.withUnsafeBufferPointer { v in
                        let inverse = 1 / biasCorrection
                        for i in 0..<v.count { out[i] = n[i] / denominator(v[i] * inverse) }
                    }
                }
                initialized = moments.count
            }
        }
    }
}

/// A dense matrix-shaped slice of θ (row-major), for Adafactor's factored second moment.
public struct MatrixShape: Codable, Equatable, Sendable {
    public let range: Range<Int>
    public let rows: Int
    public let columns: Int

    public init(range: Range<Int>, rows: Int, columns: Int) {
        precondition(rows * columns == range.count, "MatrixShape: \(rows)×\(columns) does not cover \(range)")
        self.range = range
        self.rows = rows
        self.columns = columns
    }

    /// True when Adafactor factors it (both sides > 1); vectors keep one v per entry.
    var isFactored: Bool { rows > 1 && columns > 1 }
}

/// The granularity of the second moment v.
enum SecondMomentGrouping: Codable, Equatable, Sendable {
    /// One v per coordinate (Adam, RMSprop, AdamE-λ).
    case perCoordinate
    /// One v per group, the mean of g² over the group's ranges (Adam-mini: a group per block; Adalayer: per
    /// layer; AdaSGD: one group). Paper 002 Table 1: V(M)_i = (1/|B(i)|) Σ_{j∈B(i)} M_jj.
    case groups([[Range<Int>]])
    /// Adafactor (Shazeer & Stern 2018): per matrix, row sums R and column sums C of g² + ε₁, and
    /// V̂_{rc} = R_r·C_c / Σ_r R_r; per vector entry (and coordinates outside every matrix), v of g² + ε₁.
    case factored([MatrixShape], epsilon1: Double)

    func storageCount(dimension d: Int) -> Int {
        switch self {
        case .perCoordinate: return d
        case .groups(let groups): return groups.count
        case .factored(let shapes, _):
            let factoredCount = shapes.filter(\.isFactored).reduce(0) { $0 + $1.range.count }
            let factorCount = shapes.filter(\.isFactored).reduce(0) { $0 + $1.rows + $1.columns }
            return d - factoredCount + factorCount
        }
    }

    /// The statistic each storage entry averages at this step (same layout as the storage).
    func statistic(of g: [Double]) -> [Double] {
        switch self {
        case .perCoordinate:
            return [Double](unsafeUninitializedCapacity: g.count) { out, initialized in
                g.withUnsafeBufferPointer { g in for i in 0..<g.count { out[i] = g[i] * g[i] } }
                initialized = g.count
            }
        case .groups(let groups):
            return groups.map { ranges in
                var sum = 0.0
                var count = 0
                for r in ranges { for i in r { sum += g[i] * g[i] }; count += r.count }
                return sum / Double(count)
            }
        case .factored(let shapes, let eps1):
            var out: [Double] = []
            forEachSegment(shapes: shapes, dimension: g.count) { range, shape in
                if let shape {
                    var rowSums = [Double](repeating: 0, count: shape.rows)
                    var columnSums = [Double](repeating: 0, count: shape.columns)
                    for r in 0..<shape.rows {
                        for c in 0..<shape.columns {
                            let x = g[range.lowerBound + r * shape.columns + c]
                            let s = x * x + eps1
                            rowSums[r] += s
                            columnSums[c] += s
                        }
                    }
                    out += rowSums + columnSums
                } else {
                    for i in range { out.append(g[i] * g[i] + eps1) }
                }
            }
            return out
        }
    }

    /// The per-coordinate second moment implied by the storage (length d).
    func expand(_ storage: [Double], dimension d: Int) -> [Double] {
        switch self {
        case .perCoordinate:
            return storage
        case .groups(let groups):
            var out = [Double](repeating: 0, count: d)
            for (k, ranges) in groups.enumerated() { for r in ranges { for i in r { out[i] = storage[k] } } }
            return out
        case .factored(let shapes, _):
            var out = [Double](repeating: 0, count: d)
            var cursor = 0
            forEachSegment(shapes: shapes, dimension: d) { range, shape in
                if let shape {
                    let rowFactors = storage[cursor..<(cursor + shape.rows)]
                    let columnFactors = storage[(cursor + shape.rows)..<(cursor + shape.rows + shape.columns)]
                    let total = rowFactors.reduce(0, +)
                    for r in 0..<shape.rows {
                        for c in 0..<shape.columns {
                            out[range.lowerBound + r * shape.columns + c] =
                                rowFactors[rowFactors.startIndex + r] * columnFactors[columnFactors.startIndex + c] / total
                        }
                    }
                    cursor += shape.rows + shape.columns
                } else {
                    for i in range { out[i] = storage[cursor]; cursor += 1 }
                }
            }
            return out
        }
    }

    /// Walks 0..<d in order: each factored matrix as one segment, every other coordinate as its own.
    private func forEachSegment(shapes: [MatrixShape], dimension d: Int,
                                _ body: (Range<Int>, MatrixShape?) -> Void) {
        let factored = shapes.filter(\.isFactored).sorted { $0.range.lowerBound < $1.range.lowerBound }
        var i = 0
        for shape in factored {
            while i < shape.range.lowerBound { body(i..<(i + 1), nil); i += 1 }
            body(shape.range, shape)
            i = shape.range.upperBound
        }
        while i < d { body(i..<(i + 1), nil); i += 1 }
    }
}

/// The numerator of an adaptive step.
enum Numerator: Codable, Equatable, Sendable {
    /// No first moment: the (coupled-decayed) gradient g (RMSprop).
    case gradient
    /// m̂_t = m_t/(1 − β₁ᵗ) (Adam).
    case momentum
    /// Nesterov look-ahead of NAdam.
    case nesterov(NAdamNumerator)
}

/// The adaptive step that every Adam-family optimizer is a setting of:
///
/// ```
/// θ ← (1 − η_t λ_t) θ                         weight decay = decoupled
/// g ← g + λ_t θ                               weight decay = coupled
/// m ← β₁ m + (1 − β₁) g                       (numerator ≠ gradient)
/// v_old ← v
/// v ← β₂ v + (1 − β₂) V(g)                    V: per coordinate g², block mean, or factored
/// v̂ ← v/(1 − β₂ᵗ)          (timing current)  or  v_old/(1 − β₂^{t−1})  (timing lagged)
/// u ← numerator / D(v̂)                         D = √v̂ + ε, √(v̂ + ε) or v̂^λ + ε
/// θ ← θ − η_t u
/// ```
struct AdaptiveRule: Sendable {
    var learningRate: Double
    var beta1: Double
    var beta2: Double
    var epsilon: Double
    var numerator: Numerator
    var denominator: Denominator
    var biasCorrection: BiasCorrection
    var timing: SecondMomentTiming
    var weightDecayMode: WeightDecayMode
    var weightDecay: Double
    var grouping: SecondMomentGrouping
    var schedules: Schedules

    func initialState(dimension d: Int) -> MomentState {
        MomentState(step: 0,
                    firstMoment: numerator == .gradient ? [] : [Double](repeating: 0, count: d),
                    secondMoment: [Double](repeating: 0, count: grouping.storageCount(dimension: d)))
    }

    /// One step: per coordinate as one pass over memory (`fusedStep`); per block, per layer or factored
    /// through the frame `UpdateRules.step` and `update`.
    func step(parameters theta: inout [Double], gradient: [Double], state: inout MomentState) {
        if case .perCoordinate = grouping {
            let rates = schedules.rates(index: state.step, learningRate: learningRate, weightDecay: weightDecay)
            fusedStep(parameters: &theta, gradient: gradient, rates: rates, state: &state)
        } else {
            UpdateRules.step(parameters: &theta, gradient: gradient, stepIndex: state.step, schedules: schedules,
                             hyperparameters: self) { theta, g, rates in
                update(&theta, g, rates: rates, state: &state)
            }
        }
        state.step += 1
    }

    private func update(_ theta: inout [Double], _ g: [Double], rates: StepRates, state: inout MomentState) {
        let d = theta.count
        let t = rates.number
        if numerator != .gradient {
            UpdateRules.accumulate(&state.firstMoment, g, decay: beta1, inputWeight: 1 - beta1)
        }
        // The lagged timing needs v before this step's update; the current timing updates v in place.
        let previous = timing == .current ? nil : state.secondMoment
        UpdateRules.accumulate(&state.secondMoment, grouping.statistic(of: g), decay: beta2, inputWeight: 1 - beta2)
        let (storage, vStep) = previous.map { ($0, t - 1) } ?? (state.secondMoment, t)
        let v = grouping.expand(storage, dimension: d)
        let bc2 = biasCorrection.factor(beta: beta2, step: vStep)
        let numerators = numeratorValues(g: g, m: state.firstMoment, t: t)
        let u = denominator.divide(numerators, by: v, biasCorrection: bc2, epsilon: epsilon)
        UpdateRules.descend(&theta, along: u, learningRate: rates.learningRate)
    }

    /// The numerator of every coordinate, with the bias-correction factors computed once per step.
    private func numeratorValues(g: [Double], m: [Double], t: Int) -> [Double] {
        withNumeratorKernel(step: t, NumeratorValues(g: g, m: m))
    }

    private struct NumeratorValues: NumeratorVisitor {
        let g: [Double]
        let m: [Double]

        func visit<N: NumeratorKernel>(_ numerator: N) -> [Double] {
            guard N.usesFirstMoment else { return g }
            return [Double](unsafeUninitializedCapacity: g.count) { out, initialized in
                g.withUnsafeBufferPointer { g in
                    m.withUnsafeBufferPointer { m in for i in 0..<g.count { out[i] = numerator(m: m[i], g: g[i]) } }
                }
                initialized = g.count
            }
        }
    }

    /// The diagonal preconditioner P_t after t = `state.step` steps:
    ///
    /// ```
    /// P_t = (1 − β₁ᵗ) · D(v_t/(1 − β₂ᵗ))
    /// ```
    ///
    /// with the optimizer's own denominator D (√v̂ + ε for ε outside, √(v̂ + ε) inside, v̂^λ + ε for AdamE),
    /// block or factored v expanded to coordinates, and each bias factor replaced by 1 when bias
    /// correction is off, when the optimizer has no first moment (RMSprop), or at t = 0. With this P the
    /// (current-timing) Adam step t reads θ_t = θ_{t−1} − η·P_t⁻¹·m_t: preconditioned momentum with EMA
    /// momentum m. For PyTorch's Adam (ε outside, bias-corrected) it is Cohen et al. (2022, arXiv
    /// 2207.14484, App. M.1) P_t = (1 − β₁ᵗ)[diag(√(ν_t/(1 − β₂ᵗ))) + εI], as quoted in paper 001 App. M.1
    /// (digest 001 §5), whose preconditioned sharpness λ₁(P⁻¹H) oscillates around (2 + 2β₁)/((1 − β₁)η).
    /// For the lagged timing it is the P that the *next* step divides by.
    func preconditionerDiagonal(state: MomentState, dimension d: Int) -> [Double] {
        let t = state.step
        let bc1 = numerator == .gradient ? 1 : biasCorrection.factor(beta: beta1, step: t)
        let bc2 = biasCorrection.factor(beta: beta2, step: t)
        return grouping.expand(state.secondMoment, dimension: d).map { bc1 * denominator.value($0 / bc2, epsilon: epsilon) }
    }
}

/// Adaptive optimizers are `AdaptiveRule` settings; this supplies their protocol requirements.
protocol AdaptiveOptimizer: Optimizer where State == MomentState {
    var rule: AdaptiveRule { get }
}

extension AdaptiveOptimizer {
    public func initialState(dimension: Int) -> MomentState { rule.initialState(dimension: dimension) }

    public func step(parameters: inout [Double], gradient: [Double], state: inout MomentState) {
        rule.step(parameters: &parameters, gradient: gradient, state: &state)
    }

    public func preconditionerDiagonal(state: MomentState) -> [Double]? {
        rule.preconditionerDiagonal(state: state, dimension: state.dimensionHint)
    }
}

extension MomentState {
    /// θ's dimension: the expanded size of the second moment; m carries it when present.
    var dimensionHint: Int { firstMoment.isEmpty ? secondMoment.count : firstMoment.count }
}

/// An optimizer that is Adam's settings with one change to Adam's rule (NAdam's numerator, AdamE-λ's
/// denominator, the second-moment grouping of Adam-mini, Adalayer, AdaSGD and Adafactor).
protocol AdamVariant: AdaptiveOptimizer {
    var hyperparameters: Adam.Hyperparameters { get }
    var schedules: Schedules { get }
    /// This optimizer's change to Adam's rule.
    func adjust(_ rule: inout AdaptiveRule)
}

extension AdamVariant {
    var rule: AdaptiveRule {
        var rule = Adam(hyperparameters, schedules: schedules).rule
        adjust(&rule)
        return rule
    }
}

/// The hyperparameters every optimizer has: η, the weight-decay mode and λ.
protocol DecayingHyperparameters {
    var learningRate: Double { get }
    var weightDecayMode: WeightDecayMode { get }
    var weightDecay: Double { get }
}

extension Validate {
    /// η ≥ 0 and λ ≥ 0, the checks every optimizer's settings share.
    static func rates(_ h: some DecayingHyperparameters) throws {
        try nonNegative(h.learningRate, "lr")
        try nonNegative(h.weightDecay, "weight_decay")
    }
}

extension UpdateRules {
    /// The frame of every step, written once: η_t and λ_t from the schedules at index `stepIndex`; decoupled
    /// decay before (or, for `.updateThenDecay`, after) the update; coupled decay folded into g; then
    /// `update(θ, g, rates)`. The caller counts the step.
    static func step(parameters theta: inout [Double], gradient: [Double], stepIndex: Int, schedules: Schedules,
                     hyperparameters h: some DecayingHyperparameters, order: LionStepOrder = .decayThenUpdate,
                     update: (inout [Double], [Double], StepRates) -> Void) {
        let rates = schedules.rates(index: stepIndex, learningRate: h.learningRate, weightDecay: h.weightDecay)
        if order == .decayThenUpdate { decoupledDecay(&theta, mode: h.weightDecayMode, rates: rates) }
        let g = coupledGradient(gradient, parameters: theta, mode: h.weightDecayMode, rates: rates)
        update(&theta, g, rates)
        if order == .updateThenDecay { decoupledDecay(&theta, mode: h.weightDecayMode, rates: rates) }
    }
}

extension UpdateRules {
    /// A step of the momentum family (SGD, heavy ball, generalized momentum, Signum, Lion-𝒦): the frame
    /// above around `update(θ, g, rates, state)` (with `state.step` still this step's index), then the step
    /// count.
    static func momentumStep(parameters: inout [Double], gradient: [Double], state: inout MomentumState,
                             schedules: Schedules, hyperparameters h: some DecayingHyperparameters,
                             order: LionStepOrder = .decayThenUpdate,
                             update: (inout [Double], [Double], StepRates, inout MomentumState) -> Void) {
        step(parameters: &parameters, gradient: gradient, stepIndex: state.step, schedules: schedules,
             hyperparameters: h, order: order) { theta, g, rates in
            update(&theta, g, rates, &state)
        }
        state.step += 1
    }
}

extension AdaptiveRule: DecayingHyperparameters {}
