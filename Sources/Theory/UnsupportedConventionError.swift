import Optim

/// A theory routine was given an optimizer (Optim's typed hyperparameters) whose convention its formulas
/// do not cover, e.g. Adam with ε outside the square root for paper 001's memory correction. The message
/// is one line naming the setting, the value received and the value the theory needs:
/// `eps_placement=outsideSqrt is not covered by paper 001's memory rules; they need eps_placement=insideSqrt`.
public struct UnsupportedConventionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The setting's key as `biaslab optimizers` lists it (`eps_placement`), or `optimizer` for a family.
    public let setting: String
    /// The value received.
    public let value: String
    /// What the theory needs.
    public let required: String
    /// The theory, e.g. `paper 001's memory rules`.
    public let theory: String

    public init(setting: String, value: String, required: String, theory: String) {
        self.setting = setting
        self.value = value
        self.required = required
        self.theory = theory
    }

    public var description: String {
        "\(setting)=\(value) is not covered by \(theory); they need \(setting)=\(required)"
    }

    /// Throws unless `value == required` (for the conventions, which are `SettingChoice` enums).
    static func require<T: RawRepresentable & Equatable>(_ setting: String, _ value: T, _ required: T,
                                                         theory: String) throws where T.RawValue == String {
        guard value == required else {
            throw UnsupportedConventionError(setting: setting, value: value.rawValue, required: required.rawValue, theory: theory)
        }
    }

    /// Throws unless the number `value` (a weight decay, a dampening) is 0.
    static func requireZero(_ setting: String, _ value: Double, theory: String) throws {
        guard value == 0 else { throw UnsupportedConventionError(setting: setting, value: "\(value)", required: "0", theory: theory) }
    }

    /// Heavy ball in the papers' form m ← βm + g (dampening τ = 0) without weight decay.
    static func requirePlainHeavyBall(_ h: HeavyBall.Hyperparameters, theory: String) throws {
        try requireZero("dampening", h.dampening, theory: theory)
        try requireZero("weight_decay", h.weightDecay, theory: theory)
    }

    /// Cattaneo & Shigida's Adam-type conventions (paper 000 Def. 3.1, paper 001 Ex. 1.3): ε inside the
    /// square root, bias-corrected, the current v.
    static func requireInsideRootAdam(epsilonPlacement: EpsilonPlacement, biasCorrection: BiasCorrection,
                                      timing: SecondMomentTiming, theory: String) throws {
        try require("eps_placement", epsilonPlacement, .insideSqrt, theory: theory)
        try require("bias_correction", biasCorrection, .on, theory: theory)
        try require("v_timing", timing, .current, theory: theory)
    }

    /// The error for an optimizer family a theory does not cover; `covered` lists the families it does.
    static func family(_ settings: any OptimizerSettings, covered: String, theory: String) -> UnsupportedConventionError {
        UnsupportedConventionError(setting: "optimizer", value: type(of: settings).optimizerName, required: covered, theory: theory)
    }
}
