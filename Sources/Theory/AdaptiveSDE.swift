import Foundation
import Optim

/// Which SDE: SGD's (paper 004 eq. (2)), RMSprop's (Def. 4.1) or Adam's (Def. 4.3).
public enum SDEProcess: String, Codable, CaseIterable, Sendable {
    case sgd, rmsprop, adam

    /// The optimizer family whose hyperparameters and time map it uses.
    public var family: OptimizerFamily {
        switch self {
        case .sgd: .sgd
        case .rmsprop: .rmsprop
        case .adam: .adam
        }
    }
}

/// A point of the SDE state space at continuous time t: θ, and m (Adam) and u = v/σ² (RMSprop, Adam);
/// the unused moments are empty.
public struct SDEState: Codable, Equatable, Sendable {
    public var time: Double
    public var theta: [Double]
    /// m (Adam only), in gradient units (not rescaled).
    public var firstMoment: [Double]
    /// u = v/σ² (RMSprop, Adam).
    public var secondMoment: [Double]

    public init(time: Double, theta: [Double], firstMoment: [Double] = [], secondMoment: [Double] = []) {
        self.time = time
        self.theta = theta
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
    }
}

/// A drift or diffusion increment of the state (same layout as `SDEState`, without time).
public struct SDEIncrement: Equatable, Sendable {
    public var theta: [Double]
    public var firstMoment: [Double]
    public var secondMoment: [Double]
}

/// The drift b and diffusion σ of the SGD, RMSprop and Adam SDEs of Malladi, Lyu, Panigrahi & Arora
/// (NeurIPS 2022, arXiv 2205.10287; digest 004 §3), in the invariants (σ₀, c₁, c₂, ε₀) of
/// `SDEInvariants`:
///
/// ```
/// SGD (eq. 2, t = kη):       dθ = −∇f dt + √(ησ²) Σ^{1/2} dW
/// RMSprop (Def. 4.1, t = kη²): dθ = −P⁻¹(∇f dt + σ₀ Σ^{1/2} dW),  du = c₂(diag Σ − u) dt,
///                             P = σ₀ diag(u)^{1/2} + ε₀ I
/// Adam (Def. 4.3, t = kη²):    dθ = −(√γ₂/γ₁) P⁻¹ m dt,  dm = c₁(∇f − m) dt + σ₀c₁ Σ^{1/2} dW,
///                             du = c₂(diag Σ − u) dt,  P = σ₀ diag(u)^{1/2} + ε₀√γ₂ I,
///                             γᵢ(t) = 1 − e^{−cᵢt}  (bias correction; γᵢ ≡ 1 without it)
/// ```
///
/// Adam with bias correction needs t > 0 (γ₁(0) = 0): start it at t₀ = k₀η² from a discrete state (Thm 4.4).
public struct AdaptiveSDE: Codable, Equatable, Sendable {
    public let process: SDEProcess
    public let invariants: SDEInvariants
    /// Adam: `.on` uses γ₁(t), γ₂(t) (the paper's SDE, matching bias-corrected Adam); `.off` sets γ ≡ 1 (Adam
    /// without bias correction, as in paper 002). Always `.off` for SGD and RMSprop.
    public let biasCorrection: BiasCorrection

    /// Checks that the invariants the process needs are present: RMSprop c₂ and ε₀, Adam also c₁.
    public init(process: SDEProcess, invariants: SDEInvariants, biasCorrection: BiasCorrection = .on) throws {
        switch process {
        case .sgd:
            try Check.positive(invariants.learningRateOverBatch, "learningRateOverBatch")
        case .rmsprop, .adam:
            try Check.positive(invariants.sigma0, "sigma0")
            guard let c2 = invariants.c2 else { throw TheoryInputError(name: "c2", value: nil, expected: "given for \(process)") }
            try Check.nonNegative(c2, "c2")
            guard let eps0 = invariants.eps0 else { throw TheoryInputError(name: "eps0", value: nil, expected: "given for \(process)") }
            try Check.nonNegative(eps0, "eps0")
            if process == .adam {
                guard let c1 = invariants.c1 else { throw TheoryInputError(name: "c1", value: nil, expected: "given for adam") }
                try Check.positive(c1, "c1")
            }
        }
        self.process = process
        self.invariants = invariants
        self.biasCorrection = process == .adam ? biasCorrection : .off
    }

    /// The SDE of a discrete run at learning rate η on an oracle of noise scale σ (digest 004 §3.2):
    /// σ₀ = ση, c = (1−β)/η², ε₀ = εη. RMSprop's β is `beta2`.
    public init(process: SDEProcess, learningRate: Double, noiseScale: Double, beta1: Double? = nil,
                beta2: Double? = nil, epsilon: Double? = nil, biasCorrection: BiasCorrection = .on) throws {
        try Check.positive(learningRate, "learningRate")
        try Check.positive(noiseScale, "noiseScale")
        if let beta1 { try Check.beta(beta1, "beta1") }
        if let beta2 { try Check.beta(beta2, "beta2") }
        let invariants = SDEInvariants(learningRate: learningRate, noiseScale: noiseScale,
                                       beta1: process == .adam ? beta1 : nil,
                                       beta2: process == .sgd ? nil : beta2,
                                       epsilon: process == .sgd ? nil : epsilon)
        try self.init(process: process, invariants: invariants, biasCorrection: biasCorrection)
    }

    /// (γ₁(t), γ₂(t)) = (1 − e^{−c₁t}, 1 − e^{−c₂t}), or (1, 1) without bias correction.
    public func biasFactors(at time: Double) -> (gamma1: Double, gamma2: Double) {
        guard biasCorrection == .on else { return (1, 1) }
        return (-expm1(-(invariants.c1 ?? 0) * time), -expm1(-(invariants.c2 ?? 0) * time))
    }

    /// The diagonal of P = σ₀√u + ε₀√γ₂ (RMSprop: γ₂ = 1).
    public func preconditioner(_ x: SDEState) -> [Double] {
        let sigma0 = invariants.sigma0, eps0 = invariants.eps0 ?? 0
        let root2 = process == .adam ? biasFactors(at: x.time).gamma2.squareRoot() : 1
        return x.secondMoment.map { sigma0 * max($0, 0).squareRoot() + eps0 * root2 }
    }

    /// b(x): the drift at state x given ∇f(θ) and diag Σ(θ).
    public func drift(_ x: SDEState, gradient: [Double], covarianceDiagonal: [Double]) -> SDEIncrement {
        switch process {
        case .sgd:
            return SDEIncrement(theta: gradient.map { -$0 }, firstMoment: [], secondMoment: [])
        case .rmsprop:
            let p = preconditioner(x)
            return SDEIncrement(theta: gradient.indices.map { -gradient[$0] / p[$0] }, firstMoment: [],
                                secondMoment: momentDrift(x.secondMoment, target: covarianceDiagonal, rate: invariants.c2!))
        case .adam:
            let p = preconditioner(x)
            let (g1, g2) = biasFactors(at: x.time)
            let a = g2.squareRoot() / g1
            return SDEIncrement(theta: x.firstMoment.indices.map { -a * x.firstMoment[$0] / p[$0] },
                                firstMoment: momentDrift(x.firstMoment, target: gradient, rate: invariants.c1!),
                                secondMoment: momentDrift(x.secondMoment, target: covarianceDiagonal, rate: invariants.c2!))
        }
    }

    /// σ(x)·dW given one draw `noise` = Σ^{1/2}(θ)·dW (the caller scales dW by √Δt).
    public func diffusion(_ x: SDEState, noise: [Double]) -> SDEIncrement {
        let sigma0 = invariants.sigma0
        switch process {
        case .sgd:
            let c = invariants.learningRateOverBatch.squareRoot()
            return SDEIncrement(theta: noise.map { c * $0 }, firstMoment: [], secondMoment: [])
        case .rmsprop:
            let p = preconditioner(x)
            return SDEIncrement(theta: noise.indices.map { -sigma0 * noise[$0] / p[$0] }, firstMoment: [],
                                secondMoment: [Double](repeating: 0, count: noise.count))
        case .adam:
            let c = sigma0 * invariants.c1!
            return SDEIncrement(theta: [Double](repeating: 0, count: noise.count), firstMoment: noise.map { c * $0 },
                                secondMoment: [Double](repeating: 0, count: noise.count))
        }
    }

    /// One Euler–Maruyama step x ← x + b(x)Δt + σ(x)√Δt ξ with the oracle's coefficients at θ (digest 004 §6.2).
    public func eulerMaruyamaStep(_ x: inout SDEState, coefficients: SDECoefficients, timeStep dt: Double) {
        let b = drift(x, gradient: coefficients.gradient, covarianceDiagonal: coefficients.covarianceDiagonal)
        let root = dt.squareRoot()
        let s = diffusion(x, noise: coefficients.gaussianNoise)
        for i in x.theta.indices { x.theta[i] += b.theta[i] * dt + s.theta[i] * root }
        for i in x.firstMoment.indices { x.firstMoment[i] += b.firstMoment[i] * dt + s.firstMoment[i] * root }
        for i in x.secondMoment.indices { x.secondMoment[i] += b.secondMoment[i] * dt + s.secondMoment[i] * root }
        x.time += dt
    }

    /// The SDE state of a discrete optimizer state (digest 004 §3.2, Thm 4.4 warm start): t = k·η_e
    /// (η_e = η for SGD, η² otherwise), m = m_k, u = v_k/σ². `state` is nil for SGD.
    public func state(theta: [Double], optimizerState state: MomentState?, learningRate: Double,
                      noiseScale: Double) -> SDEState {
        let k = Double(state?.step ?? 0)
        let time = TimeMaps.continuousTime(steps: k, learningRate: learningRate, optimizer: process.family)
        guard process != .sgd, let state else { return SDEState(time: time, theta: theta) }
        let sigmaSquared = noiseScale * noiseScale
        return SDEState(time: time, theta: theta, firstMoment: process == .adam ? state.firstMoment : [],
                        secondMoment: state.secondMoment.map { $0 / sigmaSquared })
    }

    /// c(target − x), coordinatewise.
    private func momentDrift(_ x: [Double], target: [Double], rate: Double) -> [Double] {
        x.indices.map { rate * (target[$0] - x[$0]) }
    }
}
