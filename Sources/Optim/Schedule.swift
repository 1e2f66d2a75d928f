import Foundation

/// A schedule maps a step index k = 0, 1, 2, … to a multiplier s(k) of the learning rate or of the
/// weight decay: η_k = η·s(k). Step k is the (k+1)-th update (the index is `state.step` before the step).
///
/// ```
/// constant                      s(k) = 1
/// stepDecay(milestones, γ)      s(k) = γ^{#{m ∈ milestones : m ≤ k}}
/// linearWarmup(W, s₀)           s(k) = s₀ + (1 − s₀)·k/W  for k < W,  1 after
/// exponentialWarmup(W, a)       s(k) = a^{1 − k/W}         for k < W,  1 after
/// linearDecay(K₀, K₁, s₁)       s(k) = 1 for k ≤ K₀; 1 + (s₁ − 1)(k − K₀)/(K₁ − K₀) on (K₀, K₁); s₁ after
/// product(a, b)                 s(k) = a(k)·b(k)
/// ```
///
/// `exponentialWarmup` with a = 10⁻³ is paper 004's warm-up (App. J.1–J.2: LR = η·10⁻³·(10³)^{e/E_w}, a
/// ramp from η/1000 to η over E_w epochs; convert epochs to steps). Its step decays are `stepDecay` with
/// γ = 0.1 (e.g. milestones at 80 % and 90 % of training for RMSprop, 60 % for Adam). `linearWarmup`
/// with s₀ = 0 is Hugging Face's `get_linear_schedule_with_warmup` warm-up (the first step has s = 0);
/// combine with `linearDecay` for the RoBERTa/GPT recipes of paper 004 Tables 2 and 5.
public indirect enum Schedule: Codable, Equatable, Sendable {
    case constant
    case stepDecay(milestones: [Int], factor: Double)
    case linearWarmup(steps: Int, initialFraction: Double)
    case exponentialWarmup(steps: Int, initialFactor: Double)
    case linearDecay(start: Int, end: Int, finalFraction: Double)
    case product(Schedule, Schedule)

    /// s(k) for step index k ≥ 0.
    public func multiplier(atStep k: Int) -> Double {
        switch self {
        case .constant:
            return 1
        case .stepDecay(let milestones, let factor):
            return pow(factor, Double(milestones.filter { $0 <= k }.count))
        case .linearWarmup(let steps, let s0):
            guard k < steps else { return 1 }
            return s0 + (1 - s0) * Double(k) / Double(steps)
        case .exponentialWarmup(let steps, let a):
            guard k < steps else { return 1 }
            return pow(a, 1 - Double(k) / Double(steps))
        case .linearDecay(let start, let end, let s1):
            if k <= start { return 1 }
            if k >= end { return s1 }
            return 1 + (s1 - 1) * Double(k - start) / Double(end - start)
        case .product(let a, let b):
            return a.multiplier(atStep: k) * b.multiplier(atStep: k)
        }
    }
}

/// The learning-rate and weight-decay schedules of one optimizer (both constant by default).
public struct Schedules: Codable, Equatable, Sendable {
    public var learningRate: Schedule
    public var weightDecay: Schedule

    public init(learningRate: Schedule = .constant, weightDecay: Schedule = .constant) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }

    public static let constant = Schedules()

    /// η_k = η·s_η(k), the learning rate of the step with index k (0-based).
    public func learningRate(atStep index: Int, base eta: Double) -> Double {
        eta * learningRate.multiplier(atStep: index)
    }

    /// The rates of the step with index `index` (0-based).
    func rates(index: Int, learningRate eta: Double, weightDecay lambda: Double) -> StepRates {
        StepRates(number: index + 1,
                  learningRate: learningRate(atStep: index, base: eta),
                  weightDecay: lambda * weightDecay.multiplier(atStep: index))
    }
}

/// η_t and λ_t of one step, and its 1-based number t.
struct StepRates {
    let number: Int
    let learningRate: Double
    let weightDecay: Double
}
