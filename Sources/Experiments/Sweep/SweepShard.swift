/// `--shard i/n`: shard i (1-based) of n takes the points whose 0-based index k has k mod n = i − 1,
/// so n independent jobs (e.g. a Slurm array with `--shard $((SLURM_ARRAY_TASK_ID + 1))/$SLURM_ARRAY_TASK_COUNT`)
/// cover every point exactly once.
public struct SweepShard: Sendable, Equatable, CustomStringConvertible {
    /// 1-based.
    public let index: Int
    public let count: Int

    /// The whole sweep.
    public static let all = SweepShard(uncheckedIndex: 1, count: 1)

    private init(uncheckedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `i/n` with 1 ≤ i ≤ n.
    public init(parsing text: String) throws(ConfigError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(i) else {
            throw ConfigError(path: "--shard", "expected i/n with 1 ≤ i ≤ n (e.g. 1/4), got '\(text)'")
        }
        self.init(uncheckedIndex: i, count: n)
    }

    public func contains(_ pointIndex: Int) -> Bool { pointIndex % count == index - 1 }

    /// The points of this shard, in sweep order.
    public func select(_ points: [SweepPoint]) -> [SweepPoint] { points.filter { contains($0.index) } }

    public var description: String { "\(index)/\(count)" }
}
