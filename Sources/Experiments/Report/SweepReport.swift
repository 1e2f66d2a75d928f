import Foundation

/// The report of a sweep: the summary table, heatmaps of the objective over two swept keys (x and
/// y: ``SweepSpec/heatmapX``/``SweepSpec/heatmapY`` or the first two varied keys) with one heatmap per
/// combination of the other varied keys except `seed` (a cell averages the finite objectives of its
/// seeds; the best under ``SweepSummary/goal`` is outlined), and the curves of the runs (all of them up to 8, else the best of each group).
public enum SweepReport {
    public static func page(spec: SweepSpec, points: [SweepPoint], store: RunStore) throws -> HTMLPage {
        let summary = try SweepSummary(spec: spec, points: points, store: store)
        var page = HTMLPage(title: "Sweep \(spec.name)")
        let finished = summary.rows.filter { $0.status == "completed" || $0.status == "diverged" }.count
        page.paragraph("Store \(store.url.path); \(points.count) points, \(finished) finished; objective \(summary.metric) "
                       + "(\(summary.goal.phrase); diverged and missing runs have none).", muted: true)
        page.row(heatmaps(spec: spec, summary: summary).map { $0.svg() })

        page.heading("Summary")
        let keys = summary.variedKeys
        let extra = ["final_train_loss", "final_test_loss", "final_test_accuracy"].filter { name in
            name != summary.metric.replacingOccurrences(of: ":", with: "_") && summary.rows.contains { $0.values[name] != nil }
        }
        page.table(header: ["#"] + keys + ["status", "step", summary.metric] + extra.map { $0.replacingOccurrences(of: "_", with: " ") } + ["run"],
                   rows: summary.rows.map { row in
                       ["\(row.index)"] + keys.map { row.assignments[$0] ?? "-" } + [row.status, "\(row.step)", SweepSummary.format(row.objective)]
                           + extra.map { SweepSummary.format(row.values[$0]) } + [row.runID.map { "\($0)" } ?? "-"]
                   })
        if summary.averagesSeeds {
            page.heading("Cells (seeds averaged)", level: 3)
            page.table(header: summary.cellHeader, rows: summary.cellRows)
        }
        for b in summary.best {
            let group = b.group.isEmpty ? "" : " for " + b.group.keys.sorted().map { "\($0) = \(b.group[$0]!)" }.joined(separator: ", ")
            page.paragraph("Best\(group) (\(summary.goal.rawValue)): \(b.name) with \(summary.describe(b.spread)).")
        }

        let runIDs = summary.rows.count <= 8 ? summary.rows.compactMap(\.runID)
            : summary.best.compactMap { b in summary.rows.first { $0.index == b.index }?.runID }
        let runs = try runIDs.compactMap { try store.run(id: $0) }
        if !runs.isEmpty {
            let entries = try runs.map { RunCharts.Entry(run: $0, series: Dictionary(grouping: try store.metrics(runID: $0.id), by: \.name)) }
            if summary.rows.count > 8 { page.paragraph("Curves of the best run of each group.", muted: true) }
            RunReport.add(entries, to: &page, idPrefix: "sweep", heading: summary.rows.count > 8 ? "Best runs" : "Runs")
        }
        return page
    }

    /// The heatmaps of the objective (nil when fewer than one varied key).
    public static func heatmaps(spec: SweepSpec, summary: SweepSummary) -> [Heatmap] {
        let keys = summary.variedKeys
        guard let x = spec.heatmapX ?? keys.first else { return [] }
        let y = spec.heatmapY ?? keys.first { $0 != x }
        let facets = keys.filter { $0 != x && $0 != y && $0 != "seed" }
        func ordered(_ key: String) -> [String] {
            var seen: [String] = []
            for row in summary.rows { if let v = row.assignments[key], !seen.contains(v) { seen.append(v) } }
            return seen
        }
        let xs = ordered(x), ys = y.map(ordered) ?? ["-"]
        var facetValues: [[String: String]] = []
        for row in summary.rows {
            let f = Dictionary(uniqueKeysWithValues: facets.map { ($0, row.assignments[$0] ?? "-") })
            if !facetValues.contains(f) { facetValues.append(f) }
        }
        return facetValues.map { facet in
            let rows = summary.rows.filter { row in facets.allSatisfy { row.assignments[$0] ?? "-" == facet[$0] } }
            let values: [[Double?]] = ys.map { yv in
                xs.map { xv in
                    SeedSpread(rows.filter { $0.assignments[x] == xv && (y == nil || $0.assignments[y!] == yv) }.compactMap(\.objective))?.mean
                }
            }
            let where_: String = facets.isEmpty ? "" : " at " + facets.map { "\($0) = \(facet[$0]!)" }.joined(separator: ", ")
            let seeds = keys.contains("seed") && x != "seed" && y != "seed" ? " (mean over seeds)" : ""
            var heatmap = Heatmap(title: summary.metric + where_, xLabel: x, yLabel: y ?? "",
                                  valueLabel: summary.metric + seeds, xCategories: xs, yCategories: ys, values: values)
            heatmap.best = summary.goal
            return heatmap
        }
    }
}
