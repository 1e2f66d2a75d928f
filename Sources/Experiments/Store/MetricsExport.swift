import Foundation

/// A run's metric rows as text, long format (one row per probe value), ordered by (step, name).
public enum MetricsExport {
    public enum Format: String, CaseIterable, Sendable { case csv, jsonl }

    /// `csv`: a header `run_id,step,name,value`, then one line per row; `jsonl`: one object
    /// `{"name":…,"run_id":…,"step":…,"value":…}` per line. NaN and ±∞ are written `nan`, `inf`, `-inf`
    /// (as strings in JSON).
    public static func text(_ rows: [RunStore.MetricRow], runID: Int64, format: Format) -> String {
        var out = format == .csv ? "run_id,step,name,value\n" : ""
        for row in rows {
            let value = row.value.isFinite ? "\(row.value)" : (row.value.isNaN ? "nan" : row.value > 0 ? "inf" : "-inf")
            switch format {
            case .csv:
                out += "\(runID),\(row.step),\(row.name),\(value)\n"
            case .jsonl:
                let json = row.value.isFinite ? value : "\"\(value)\""
                out += "{\"name\":\"\(row.name)\",\"run_id\":\(runID),\"step\":\(row.step),\"value\":\(json)}\n"
            }
        }
        return out
    }
}
