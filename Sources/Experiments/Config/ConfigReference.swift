import DataIO

/// One key of a run config as docs/CONFIG.md lists it.
public struct ConfigKey: Codable, Equatable, Sendable {
    /// The key path (`training.sampling`, `probes[i].every`).
    public let path: String
    /// The accepted values.
    public let accepts: String
    /// The value used when the key is absent (`required` when it must be given).
    public let defaultValue: String
    public let meaning: String

    init(_ path: String, _ accepts: String, _ defaultValue: String, _ meaning: String) {
        self.path = path
        self.accepts = accepts
        self.defaultValue = defaultValue
        self.meaning = meaning
    }

    /// The mapping the key belongs to (`training`, `probes[i]`; empty at the top level).
    public var section: String {
        guard let dot = path.lastIndex(of: ".") else { return "" }
        return String(path[..<dot])
    }

    /// The key's own name (`sampling`).
    public var name: String { String(path.split(separator: ".").last ?? "") }
}

/// The run-config and sweep-file schema, and docs/CONFIG.md generated from it (`biaslab config-reference`).
///
/// Defaults come from ``RunConfig/Defaults`` (the values ``RunConfig`` itself applies), accepted values
/// of enumerations from the enums (``BatchSampling``, ``LastBatchPolicy``), data sources from
/// ``DataSource/keys`` and probes from their ``ProbeDescription``s, so the reference cannot drift from
/// the reader; ExperimentsTests checks that each mapping's keys are the ones RunConfig reads and that
/// docs/CONFIG.md equals ``markdown(registry:)``.
public enum ConfigReference {
    /// Every key ``RunConfig`` reads, in document order. `optimizer` also takes any setting of its preset.
    public static var keys: [ConfigKey] {
        let d = RunConfig.Defaults.self
        return [
            ConfigKey("name", "string", "the config file's base name", "the run's name in the results store"),
            ConfigKey("model", "a model spec: mlp, cnn, linear, dln, deeplinear, transformer, or an analytic objective: quadratic, toy-quadratic, ellipse (`biaslab models`)", "required",
                      "the network, e.g. `mlp:784-200-200-10:tanh`, or the objective, e.g. `toy-quadratic`"),
            ConfigKey("data", "a data source spec (training set only) or the mapping below", "required for models; refused for analytic objectives", "the data (see Data sources)"),
            ConfigKey("data.train", "a data source spec", "required", "the training set"),
            ConfigKey("data.test", "a data source spec", "none", "the held-out set the `test` probe measures"),
            ConfigKey("loss", "`mse`, `mse:scale=<s>`, `ce` or `next-token-ce`", "`\(d.loss)`",
                      "mse: ℓᵢ = ½‖f(xᵢ) − yᵢ‖² (`mse:scale=1` drops the ½); ce: −log softmax(f(xᵢ))_{yᵢ}; next-token-ce: (1/T) Σₜ −log softmax(f(xᵢ)ₜ)_{yᵢₜ} (a transformer on text)"),
            ConfigKey("label_noise", "`rademacher:<δ>` or `gaussian:<δ>` (δ ≥ 0)", "none",
                      "label noise (paper 002 §5.1): each step trains on ỹ = y + ξ, fresh ξ per entry of each sampled example; needs a model on data and `mse`"),
            ConfigKey("optimizer", "an optimizer spec `NAME[:preset][,key=value…]` or the mapping below", "required",
                      "the optimizer (`biaslab optimizers` prints every preset's formula and settings)"),
            ConfigKey("optimizer.name", "`NAME[:preset]`", "required", "the preset"),
            ConfigKey("optimizer.schedule", "a schedule: `constant`, `step-decay:milestones=…,factor=…`, `linear-warmup:steps=…,initial=…`, "
                          + "`exponential-warmup:…`, `linear-decay:start=…,end=…,final=…`, or a product `A * B`",
                      "`constant`", "the learning-rate schedule s(t): η_t = η·s(t)"),
            ConfigKey("optimizer.weight_decay_schedule", "a schedule, as `optimizer.schedule`", "`constant`",
                      "the weight-decay schedule"),
            ConfigKey("optimizer.schedule_unit", "`steps` or `epochs`", "`steps`",
                      "the unit of the schedules' step counts (milestones, warm-up and decay lengths); epochs are multiplied by the batches per epoch"),
            ConfigKey("optimizer.<setting>", "a number or word", "the preset's", "any setting of the preset, e.g. `lr`, `beta2`"),
            ConfigKey("training", "a mapping of the keys below", "required", "how long and on which batches to train"),
            ConfigKey("training.steps", "integer ≥ 0", "required unless `training.epochs`", "optimizer steps"),
            ConfigKey("training.epochs", "integer ≥ 0", "none", "steps = epochs × batches per epoch: ⌈N/b⌉ with `last_batch: keep`, ⌊N/b⌋ with `drop`, 1 for the full batch (exclusive with `steps`)"),
            ConfigKey("training.batch_size", "`full` or integer ≥ 1", "`full`", "b; `full` is gradient descent on all N samples"),
            ConfigKey("training.sampling", BatchSampling.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "),
                      "`\(d.sampling.rawValue)`", "how batches are drawn (see Sampling); the CLI's `--sampling`"),
            ConfigKey("training.sampler", "as `training.sampling`", "none", "older name of `training.sampling`, still read"),
            ConfigKey("training.last_batch", LastBatchPolicy.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "),
                      "`\(d.lastBatch.rawValue)`", "keep: ⌈N/b⌉ batches per epoch, the last smaller; drop: ⌊N/b⌋ full batches"),
            ConfigKey("training.checkpoint_every", "integer ≥ 1", "\(d.checkpointEvery)", "a checkpoint every k steps, and at the end"),
            ConfigKey("training.checkpoint_keep", "integer ≥ 1", "\(d.checkpointKeep)",
                      "the store keeps a run's latest k checkpoints, deleting older ones as it saves a new one; a run with a result (completed or diverged) keeps only its final checkpoint"),
            ConfigKey("stop", "a mapping of the keys below", "none", "early-stop conditions"),
            ConfigKey("stop.train_loss_below", "number ≥ 0", "none", "stop when the `train` probe's train_loss is below it"),
            ConfigKey("stop.train_accuracy_above", "number in [0, 1]", "none", "stop when train_accuracy reaches it"),
            ConfigKey("stop.divergence_factor", "number > 1", "\(d.divergenceFactor)",
                      "diverged when the batch loss is NaN/±∞ or exceeds this factor times the first batch loss"),
            ConfigKey("seed", "integer ≥ 0", "\(d.seed)", "θ₀, the sampler and every probe derive their streams from it"),
            ConfigKey("probes", "a list of probe entries", "none", "measurements during training (see Probes)"),
            ConfigKey("probes[i].name", "a probe name (see Probes)", "required", "which probe"),
            ConfigKey("probes[i].every", "integer ≥ 1", "\(d.probeEvery)", "measure at steps 0, k, 2k, … and at the end"),
            ConfigKey("probes[i].every_epochs", "integer ≥ 1", "none",
                      "instead of `every`: measure every k epochs, i.e. every k × (batches per epoch) steps — ⌈N/b⌉ with `last_batch: keep`, ⌊N/b⌋ with `drop`, 1 for the full batch"),
            ConfigKey("probes[i].options", "a mapping of the probe's options", "none", "the probe's options (see Probes)"),
            ConfigKey("store", "a path", "`\(d.store)`", "the results store (the CLI's `--store` overrides it)"),
        ]
    }

    /// docs/CONFIG.md.
    public static func markdown(registry: ProbeRegistry = .standard) -> String {
        var out = [
            "# Run config reference",
            "",
            "<!-- Generated by `biaslab config-reference > docs/CONFIG.md` from ConfigReference "
                + "(Sources/Experiments/Config/ConfigReference.swift); do not edit. The tests fail when it is not current. -->",
            "",
            "A run config is YAML (or JSON) read by `biaslab run CONFIG.yaml` and `biaslab sweep` (whose `base:` is a run "
                + "config). Every error names its key path. `--set key.path=value` edits the tree before it is read "
                + "(`--set optimizer.beta2=0.99`, `--set probes.1.every=5`), so overrides are validated like the file.",
            "",
            "## Keys",
            "",
        ]
        out += table(keys)
        out += ["", "## Sampling (`training.sampling`, `--sampling`)", "",
                "| value | one batch |", "|---|---|"]
        out += BatchSampling.allCases.map { "| `\($0.rawValue)` | \($0.batchLaw) |" }
        out += ["", "Probes that measure batch moments (ρ_b, IAS, batch sharpness) need random batches and reject "
                    + "`fixed-order`.", "",
                "## Data sources (`data`, `data.train`, `data.test`)", "",
                "A spec is `NAME[:KEY=VALUE,…]` (lists join values with `+`) or a path ending in `.npz` holding `x` and `y`. "
                    + "`biaslab data describe SPEC` prints a source's shapes and preprocessing.", "",
                "| name | keys |", "|---|---|"]
        out += DataSource.keys.map { "| `\($0.key)` | \($0.value.map { "`\($0)`" }.joined(separator: ", ")) |" }
        out += ["", "## Probes (`probes[i]`)", "",
                "Each entry is `{name, every, options}`; `biaslab probes` prints the same listing. Every run also records "
                    + "`batch_loss`, L_B(θ_t) on step t's batch."]
        for probe in registry.ordered.map({ $0.documentation }) {
            out += ["", "### `\(probe.name)`", "", "\(probe.summary). Reference: \(probe.reference).", ""]
            if probe.options.isEmpty {
                out.append("Options: none.")
            } else {
                out += ["| option | accepts | default | meaning |", "|---|---|---|---|"]
                out += probe.options.map { "| `\($0.key)` | \(cell($0.expected)) | \(cell($0.defaultValue)) | \(cell($0.summary)) |" }
            }
            out += ["", "| metric | formula |", "|---|---|"]
            out += probe.metrics.map { "| `\($0.name)` | \(cell($0.formula))\($0.condition.map { " (only: \(cell($0)))" } ?? "") |" }
        }
        out += ["", "## Sweeps", "",
                "`biaslab sweep SWEEP.yaml` runs a grid or list of points, each a run config: `base` with the point's "
                    + "key paths set as by `--set`. A sweep file's keys:", ""]
        out += table(sweepKeys)
        return out.joined(separator: "\n") + "\n"
    }

    /// A Markdown table of keys.
    private static func table(_ keys: [ConfigKey]) -> [String] {
        ["| key | accepts | default | meaning |", "|---|---|---|---|"]
            + keys.map { "| `\($0.path)` | \(cell($0.accepts)) | \(cell($0.defaultValue)) | \(cell($0.meaning)) |" }
    }

    /// A table cell: `|` escaped.
    private static func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
}
