import ArgumentParser
import Optim

/// The optimizer of a command and its hyperparameter flags, documented once for every command that
/// takes them. `--optimizer NAME[:preset][,key=value…]` names a preset of `biaslab optimizers`; each flag
/// overrides the setting of the same name as a typed number (no text round trip), after the spec's own
/// `key=value` pairs:
///
/// | Flag | Setting | Meaning |
/// |---|---|---|
/// | `--lr` | `lr` | η |
/// | `--beta1` | `beta1` | β₁ (Adam family; Lion's ρ₁; paper 003's β₁) |
/// | `--beta2` | `beta2` | β₂ (Adam family, RMSprop; Lion's ρ₂) |
/// | `--momentum` or `--beta` (the same) | `momentum` | β of heavy ball, Nesterov and Signum |
/// | `--eps` | `eps` | ε |
/// | `--weight-decay` | `weight_decay` | λ (coupled or decoupled as the preset's `weight_decay_mode` says) |
///
/// A flag the chosen optimizer has no setting for is a usage error naming the flag and listing the
/// optimizer's settings.
struct OptimizerOptions: OptimizerFlags {
    @OptionGroup var core: CoreOptimizerOptions
    @Option(help: "β of heavy ball, Nesterov and Signum (setting momentum); --beta is the same.") var momentum: Double?
    @Option(help: "β of heavy ball, Nesterov and Signum: the same as --momentum.") var beta: Double?
    @Option(name: .customLong("weight-decay"), help: "Weight decay λ, coupled or decoupled as the preset says (setting weight_decay).")
    var weightDecay: Double?

    var optimizer: String? { core.optimizer }

    var flags: [(flag: String, key: String, value: Double?)] {
        core.flags + [("--momentum", "momentum", momentum), ("--beta", "momentum", beta), ("--weight-decay", "weight_decay", weightDecay)]
    }

    func validate() throws {
        if momentum != nil && beta != nil { throw ValidationError("--momentum and --beta set the same β; give one") }
    }
}

/// `--optimizer`, `--lr`, `--beta1`, `--beta2` and `--eps` alone: the flags of the commands whose theory
/// covers SGD, RMSprop and Adam without weight decay (`scale`, `sde simulate`, `sde svag`,
/// `theory adam-noise`), which have no use for `--momentum`, `--beta` or `--weight-decay`.
struct CoreOptimizerOptions: OptimizerFlags {
    @Option(help: "Optimizer NAME[:preset][,key=value…] (see 'biaslab optimizers'; default sgd).")
    var optimizer: String?
    @Option(help: "Learning rate η (setting lr).") var lr: Double?
    @Option(help: "β₁: Adam's first-moment decay, Lion's ρ₁ (setting beta1).") var beta1: Double?
    @Option(help: "β₂: the second-moment decay of Adam and RMSprop, Lion's ρ₂ (setting beta2).") var beta2: Double?
    @Option(help: "ε (setting eps).") var eps: Double?

    var flags: [(flag: String, key: String, value: Double?)] {
        [("--lr", "lr", lr), ("--beta1", "beta1", beta1), ("--beta2", "beta2", beta2), ("--eps", "eps", eps)]
    }
}

/// An optimizer flag group: `--optimizer` and each flag with its setting key.
protocol OptimizerFlags: ParsableArguments {
    var optimizer: String? { get }
    var flags: [(flag: String, key: String, value: Double?)] { get }
}

extension OptimizerFlags {
    /// The spec of `--optimizer` (or `defaultName` when it is not given) with the flags applied; a usage
    /// error names the flag or `--optimizer` it comes from.
    func spec(defaultName: String = "sgd") throws -> OptimizerSpec {
        let base: OptimizerSpec
        do { base = try OptimizerSpec(parsing: optimizer ?? defaultName) } catch { throw UsageError("--optimizer: \(error)") }
        let keys = base.orderedSettings.map(\.key)
        var overrides: [String: SettingValue] = [:]
        for (flag, key, value) in flags {
            guard let value else { continue }
            guard keys.contains(key) else {
                throw UsageError("\(flag): \(base.preset) has no setting \(key); its settings: \(keys.joined(separator: ", "))")
            }
            overrides[key] = .number(value)
        }
        do {
            return try base.applying(overrides)
        } catch let error as HyperparameterError {
            let flag = flags.first { $0.key == error.parameter && $0.value != nil }?.flag ?? "--optimizer"
            throw UsageError("\(flag): \(error)")
        } catch {
            throw UsageError("--optimizer: \(error)")
        }
    }
}
