/// Attaching learning-rate and weight-decay schedules to an optimizer chosen by name (an
/// ``OptimizerSpec`` always builds constant schedules).
extension AnyOptimizer {
    /// The same optimizer with `schedules` in place of its own.
    public func with(schedules: Schedules) -> AnyOptimizer {
        switch self {
        case .sgd(var o): o.schedules = schedules; return .sgd(o)
        case .heavyBall(var o): o.schedules = schedules; return .heavyBall(o)
        case .generalizedMomentum(var o): o.schedules = schedules; return .generalizedMomentum(o)
        case .adam(var o): o.schedules = schedules; return .adam(o)
        case .nadam(var o): o.schedules = schedules; return .nadam(o)
        case .rmsprop(var o): o.schedules = schedules; return .rmsprop(o)
        case .adamE(var o): o.schedules = schedules; return .adamE(o)
        case .adamMini(var o): o.schedules = schedules; return .adamMini(o)
        case .adalayer(var o): o.schedules = schedules; return .adalayer(o)
        case .adaSGD(var o): o.schedules = schedules; return .adaSGD(o)
        case .adafactor(var o): o.schedules = schedules; return .adafactor(o)
        case .lion(var o): o.schedules = schedules; return .lion(o)
        case .lionK(var o): o.schedules = schedules; return .lionK(o)
        case .signum(var o): o.schedules = schedules; return .signum(o)
        }
    }
}
