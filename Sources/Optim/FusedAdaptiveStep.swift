import Tensor

extension AdaptiveRule {
    /// The step of a per-coordinate rule (Adam, AdamW, NAdam, RMSprop, AdamE-λ) as one pass over the
    /// coordinates. For each i, with t = `rates.number`:
    ///
    /// ```
    /// θᵢ ← (1 − η_t λ_t) θᵢ                       weight decay = decoupled
    /// gᵢ ← gᵢ + λ_t θᵢ                            weight decay = coupled
    /// mᵢ ← β₁ mᵢ + (1 − β₁) gᵢ                    (numerator ≠ gradient)
    /// v_old ← vᵢ
    /// vᵢ ← β₂ vᵢ + (1 − β₂) gᵢ²
    /// v̂ᵢ ← vᵢ/(1 − β₂ᵗ)          (timing current)  or  v_old/(1 − β₂^{t−1})  (timing lagged)
    /// θᵢ ← θᵢ − η_t nᵢ / D(v̂ᵢ)
    /// ```
    ///
    /// It reads gᵢ, θᵢ, mᵢ, vᵢ once and writes θᵢ, mᵢ, vᵢ once, in place (θ and the state's buffers are not
    /// copied when uniquely referenced, as `AnyOptimizer.step` arranges), allocating nothing. The conventions
    /// (decay mode, numerator, D, timing) are chosen once, outside the loop, by specializing the loop on
    /// their kernels; each coordinate performs the operations of the multi-pass form
    /// (`UpdateRules.step` with `update`) in the same order, so the results are bit-identical.
    func fusedStep(parameters theta: inout [Double], gradient: [Double], rates: StepRates, state: inout MomentState) {
        let d = theta.count
        precondition(gradient.count == d, "gradient has \(gradient.count) entries, parameters \(d)")
        precondition(state.secondMoment.count == d, "optimizer state has \(state.secondMoment.count) entries, gradient \(d)")
        precondition(numerator == .gradient || state.firstMoment.count == d,
                     "optimizer state has \(state.firstMoment.count) entries, gradient \(d)")
        let t = rates.number
        let c = biasCorrection.factor(beta: beta2, step: timing == .current ? t : t - 1)
        guard d > 0 else { return }
        theta.withUnsafeMutableBufferPointer { theta in
            gradient.withUnsafeBufferPointer { g in
                state.firstMoment.withUnsafeMutableBufferPointer { m in
                    state.secondMoment.withUnsafeMutableBufferPointer { v in
                        // Without a first moment (RMSprop) m is never read or written; any pointer will do.
                        let pass = CoordinatePass(count: d, theta: theta.baseAddress!, gradient: g.baseAddress!,
                                                  firstMoment: m.baseAddress ?? v.baseAddress!,
                                                  secondMoment: v.baseAddress!, beta1: beta1, beta2: beta2,
                                                  biasCorrection2: c, learningRate: rates.learningRate)
                        let lambda = rates.weightDecay
                        // Coordinates are independent: large vectors are cut into one part per core.
                        let ranges = BatchParallelism.ranges(count: d, parts: BatchParallelism.partCount(forBatchOf: d, minimumPartSize: Self.parallelThreshold))
                        _ = BatchParallelism.run(parts: ranges.count) { k in
                            let part = pass.part(ranges[k])
                            switch weightDecayMode {
                            case .decoupled where lambda != 0:
                                runPass(part, DecoupledDecay(factor: 1 - rates.learningRate * lambda), step: t)
                            case .coupled where lambda != 0:
                                runPass(part, CoupledDecay(lambda: lambda), step: t)
                            default:
                                runPass(part, NoDecay(), step: t)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Each core gets at least this many coordinates (shorter vectors are updated on one core).
    static let parallelThreshold = 1 << 15

    /// Chooses the numerator, the denominator and the timing, then runs the loop specialized on all four.
    private func runPass<W: DecayKernel>(_ pass: CoordinatePass, _ decay: W, step t: Int) {
        withNumeratorKernel(step: t, NumeratorStage(pass: pass, decay: decay, rule: self))
    }
}

/// The buffers and scalars of one fused step.
private struct CoordinatePass {
    let count: Int
    let theta: UnsafeMutablePointer<Double>
    let gradient: UnsafePointer<Double>
    let firstMoment: UnsafeMutablePointer<Double>
    let secondMoment: UnsafeMutablePointer<Double>
    let beta1: Double
    let beta2: Double
    /// 1 − β₂ᵗ, or 1 − β₂^{t−1} for the lagged timing (1 without bias correction).
    let biasCorrection2: Double
    let learningRate: Double

    /// The same pass over coordinates `range` only.
    func part(_ range: Range<Int>) -> CoordinatePass {
        CoordinatePass(count: range.count, theta: theta + range.lowerBound, gradient: gradient + range.lowerBound,
                       firstMoment: firstMoment + range.lowerBound, secondMoment: secondMoment + range.lowerBound,
                       beta1: beta1, beta2: beta2, biasCorrection2: biasCorrection2, learningRate: learningRate)
    }

    /// The loop of `AdaptiveRule.fusedStep`. Every convention is a type parameter, so the body has no
    /// branch, and (but for AdamE's `pow`) it vectorizes. The bias corrections are applied as products
    /// with their reciprocals, computed once per step, which leaves one division and one √ per coordinate:
    /// these, not memory, are the cost. For Adam at d = 269,322 (`biaslab-bench engine adam`): 964 → 606 µs
    /// per step when the two bias-correction divisions became products, → 350 µs with the coordinates cut
    /// into two parts on two cores; 7 streams of 8 bytes in cache cost 0.8 ns per coordinate (≈ 215 µs on
    /// one core; measured on this project's 2-core AMD EPYC).
    func run<W: DecayKernel, N: NumeratorKernel, D: DenominatorKernel, T: MomentTiming>(
        _ decay: W, _ numerator: N, _ denominator: D, _: T.Type) {
        let theta = theta, g = gradient, m = firstMoment, v = secondMoment
        let beta1 = beta1, w1 = 1 - beta1, beta2 = beta2, w2 = 1 - beta2
        let inverseC = 1 / biasCorrection2, eta = learningRate
        for i in 0..<count {
            let parameter = decay.parameter(theta[i])
            let gi = decay.gradient(g[i], parameter: parameter)
            var mi = 0.0
            if N.usesFirstMoment {
                mi = beta1 * m[i] + w1 * gi
                m[i] = mi
            }
            let old = v[i]
            let new = beta2 * old + w2 * (gi * gi)
            v[i] = new
            theta[i] = parameter - eta * (numerator(m: mi, g: gi) / denominator(T.select(old: old, new: new) * inverseC))
        }
    }
}

/// Which second moment divides the step (`SecondMomentTiming`).
private protocol MomentTiming {
    static func select(old: Double, new: Double) -> Double
}

/// v after this step's update.
private enum CurrentMoment: MomentTiming {
    static func select(old: Double, new: Double) -> Double { new }
}

/// v before this step's update.
private enum LaggedMoment: MomentTiming {
    static func select(old: Double, new: Double) -> Double { old }
}

private struct NumeratorStage<W: DecayKernel>: NumeratorVisitor {
    let pass: CoordinatePass
    let decay: W
    let rule: AdaptiveRule

    func visit<N: NumeratorKernel>(_ numerator: N) {
        rule.denominator.withKernel(epsilon: rule.epsilon,
                                    DenominatorStage(pass: pass, decay: decay, numerator: numerator, timing: rule.timing))
    }
}

private struct DenominatorStage<W: DecayKernel, N: NumeratorKernel>: DenominatorVisitor {
    let pass: CoordinatePass
    let decay: W
    let numerator: N
    let timing: SecondMomentTiming

    func visit<D: DenominatorKernel>(_ denominator: D) {
        switch timing {
        case .current: pass.run(decay, numerator, denominator, CurrentMoment.self)
        case .lagged: pass.run(decay, numerator, denominator, LaggedMoment.self)
        }
    }
}
