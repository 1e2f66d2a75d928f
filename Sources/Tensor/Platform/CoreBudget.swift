import CPlatform
import Foundation

/// The processors this process may use: the machine's online processors, narrowed by the affinity mask
/// (`taskset`, Slurm's and container runtimes' CPU sets) and by a cgroup CPU quota (Docker/Kubernetes
/// `--cpus`, systemd `CPUQuota`): ``available`` = min(processors, affinity, ⌈quota/period⌉), at least 1.
public struct CoreBudget: Codable, Equatable, Sendable {
    /// Online processors (`ProcessInfo.activeProcessorCount`).
    public let processors: Int
    /// Processors in the affinity mask (`sched_getaffinity`), nil where unavailable.
    public let affinity: Int?
    /// The cgroup CPU quota in processors (quota/period of cgroup v2 `cpu.max` or v1 `cpu.cfs_quota_us`, the
    /// smallest along the process's cgroup and its ancestors), nil when unlimited or unknown.
    public let cgroupQuota: Double?

    public init(processors: Int, affinity: Int?, cgroupQuota: Double?) {
        self.processors = processors
        self.affinity = affinity
        self.cgroupQuota = cgroupQuota
    }

    /// Cores BiasLab may keep busy: min(processors, affinity, ⌈quota⌉), at least 1.
    public var available: Int {
        var n = processors
        if let affinity, affinity > 0 { n = min(n, affinity) }
        if let cgroupQuota, cgroupQuota > 0 { n = min(n, Int(cgroupQuota.rounded(.up))) }
        return max(1, n)
    }

    /// The budget of this process, read now.
    public static func current() -> CoreBudget {
        let affinity = Int(biaslab_affinity_cpu_count())
        return CoreBudget(processors: ProcessInfo.processInfo.activeProcessorCount,
                          affinity: affinity > 0 ? affinity : nil, cgroupQuota: readCgroupQuota())
    }

    // MARK: cgroups

    /// The smallest CPU quota along this process's cgroup path and its ancestors, v2 then v1.
    public static func readCgroupQuota(root: String = "/sys/fs/cgroup", membership: String? = nil) -> Double? {
        guard let membership = membership ?? (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) else { return nil }
        var quotas: [Double] = []
        for line in membership.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let controllers = fields[1].split(separator: ",")
            let path = String(fields[2])
            if fields[0] == "0" && fields[1].isEmpty {  // v2 unified hierarchy
                for dir in ancestors(of: path) {
                    if let text = try? String(contentsOfFile: root + dir + "/cpu.max", encoding: .utf8),
                       let q = parseCPUMax(text) { quotas.append(q) }
                }
            } else if controllers.contains("cpu") {  // v1 cpu controller
                let base = root + "/" + controllers.joined(separator: ",")
                for dir in ancestors(of: path) {
                    if let quota = try? String(contentsOfFile: base + dir + "/cpu.cfs_quota_us", encoding: .utf8),
                       let period = try? String(contentsOfFile: base + dir + "/cpu.cfs_period_us", encoding: .utf8),
                       let q = parseCFS(quota: quota, period: period) { quotas.append(q) }
                }
            }
        }
        return quotas.min()
    }

    /// `/a/b` → ["/a/b", "/a", ""] (the root's files sit at "").
    public static func ancestors(of path: String) -> [String] {
        var out: [String] = []
        var parts = path.split(separator: "/").map(String.init)
        while true {
            out.append(parts.isEmpty ? "" : "/" + parts.joined(separator: "/"))
            if parts.isEmpty { return out }
            parts.removeLast()
        }
    }

    /// cgroup v2 `cpu.max`: "QUOTA PERIOD" (microseconds) → QUOTA/PERIOD processors; "max …" → nil.
    public static func parseCPUMax(_ text: String) -> Double? {
        let fields = text.split(whereSeparator: \.isWhitespace)
        guard fields.count >= 1, let quota = Double(fields[0]), quota > 0 else { return nil }
        let period = fields.count >= 2 ? Double(fields[1]) ?? 100_000 : 100_000
        return period > 0 ? quota / period : nil
    }

    /// cgroup v1: `cpu.cfs_quota_us` (−1 when unlimited) over `cpu.cfs_period_us`.
    public static func parseCFS(quota: String, period: String) -> Double? {
        guard let q = Double(quota.trimmingCharacters(in: .whitespacesAndNewlines)), q > 0,
              let p = Double(period.trimmingCharacters(in: .whitespacesAndNewlines)), p > 0 else { return nil }
        return q / p
    }
}
