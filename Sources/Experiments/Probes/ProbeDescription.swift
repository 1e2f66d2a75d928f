/// What a probe is, reads and writes: the one typed description behind `biaslab probes`, the
/// probe's option parsing (``ProbeOption``) and the names of the metrics it records.
///
/// Each probe declares its options and metrics as static constants and both reads its options and
/// writes its metrics through them, so the listing cannot drift from the code.
public struct ProbeDescription: Codable, Equatable, Sendable {
    /// The name configs use (`sharpness`).
    public let name: String
    /// One line: what it measures.
    public let summary: String
    /// The paper and equation the measured quantity comes from.
    public let reference: String
    /// The keys of the probe's `options` mapping, with defaults.
    public let options: [ProbeOptionDescription]
    /// Every metric the probe can record, with its formula.
    public let metrics: [ProbeMetric]

    public init(name: String, summary: String, reference: String, options: [ProbeOptionDescription] = [],
                metrics: [ProbeMetric]) {
        self.name = name
        self.summary = summary
        self.reference = reference
        self.options = options
        self.metrics = metrics
    }
}

/// One option of a probe's `options` mapping as `biaslab probes` lists it.
public struct ProbeOptionDescription: Codable, Equatable, Sendable {
    public let key: String
    public let summary: String
    /// The value used when the key is absent, as a config would spell it.
    public let defaultValue: String
    /// The accepted values (`[1, 1000000]`, `one of exact, sampled`).
    public let expected: String
}

/// One metric a probe records: its name in the `metrics` table (and `results`/`report`) and its formula.
public struct ProbeMetric: Codable, Equatable, Sendable {
    public let name: String
    /// The exact formula, in the notation of the probe's reference.
    public let formula: String
    /// When it is recorded, if not at every measurement (`mode: sampled`, `after the first update`).
    public let condition: String?

    public init(_ name: String, _ formula: String, only condition: String? = nil) {
        self.name = name
        self.formula = formula
        self.condition = condition
    }
}
