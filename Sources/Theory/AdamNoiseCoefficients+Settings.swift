import Optim

extension AdamNoiseCoefficients {
    /// Paper 000's Adam, as named in the errors.
    static let theory = "paper 000's Adam (Def. 3.1)"

    /// The coefficients of an Adam given by Optim's typed hyperparameters. Prop. 3.3 is derived for Adam
    /// with ε inside the square root, bias correction and the current v (paper 000 Def. 3.1,
    /// `adam:paper000`), without weight decay; other conventions throw `UnsupportedConventionError` naming
    /// the setting.
    public init(_ settings: any OptimizerSettings) throws {
        guard let h = settings as? Adam.Hyperparameters else {
            throw UnsupportedConventionError.family(settings, covered: "Adam", theory: Self.theory)
        }
        try UnsupportedConventionError.requireInsideRootAdam(epsilonPlacement: h.epsilonPlacement, biasCorrection: h.biasCorrection,
                                                             timing: h.secondMomentTiming, theory: Self.theory)
        try UnsupportedConventionError.requireZero("weight_decay", h.weightDecay, theory: Self.theory)
        try self.init(beta1: h.beta1, beta2: h.beta2)
    }
}
