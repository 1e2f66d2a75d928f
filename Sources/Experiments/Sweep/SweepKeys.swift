/// The keys of a sweep file (``SweepSpec``), for the "Sweeps" section of docs/CONFIG.md.
extension ConfigReference {
    /// Every key ``SweepSpec/parse(yaml:source:defaultName:directory:overrides:)`` reads, in document order.
    public static var sweepKeys: [ConfigKey] {
        [
            ConfigKey("name", "a name without `/`", "the sweep file's base name", "runs are named `NAME/LABEL`"),
            ConfigKey("base", "a run-config path (relative to the sweep file) or an inline run config", "required",
                      "the config every point starts from (see Keys)"),
            ConfigKey("grid", "a mapping of key paths to non-empty lists of values", "none",
                      "the Cartesian product, first key slowest"),
            ConfigKey("list", "a list of mappings of key paths to values (`name` labels the point)", "none",
                      "explicit points, the outer loop when a grid is given too (a grid or a list is required)"),
            ConfigKey("summary", "a mapping of the keys below", "none", "what `sweep summary` ranks"),
            ConfigKey("summary.metric", "`AGG:METRIC` with AGG one of `final`, `min`, `max`, or `METRIC` (= `final:METRIC`)",
                      "`min:test_loss` with test data, else `final:train_loss`", "the objective of each point"),
            ConfigKey("summary.goal", "`min` or `max`", "`min`",
                      "the best cell has the least (min) or greatest (max) objective averaged over its seeds"),
            ConfigKey("summary.group_by", "a list of key paths", "one group",
                      "the best cell (the points differing only in `seed`, averaged; each point when `seed` is a group key) within each group"),
            ConfigKey("report", "a mapping of the keys below", "none", "what `biaslab report SWEEP.yaml` draws"),
            ConfigKey("report.heatmap", "a mapping of the keys below", "none", "the heatmap's axes"),
            ConfigKey("report.heatmap.x", "a key path", "the first grid key", "the heatmap's x axis"),
            ConfigKey("report.heatmap.y", "a key path", "the second grid key", "the heatmap's y axis"),
        ]
    }
}
