/// `--time`: a Slurm time limit, kept as written and as seconds. Slurm's forms: M, M:S, H:M:S, D-H,
/// D-H:M, D-H:M:S (sbatch(1), `--time`).
public struct SlurmTime: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let seconds: Int

    public init(parsing text: String) throws(ConfigError) {
        let bad = ConfigError(path: "--time", "expected a Slurm time limit (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS), got '\(text)'")
        let dayParts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard dayParts.count <= 2 else { throw bad }
        let days = dayParts.count == 2 ? Int(dayParts[0]) : 0
        let fields = dayParts.last!.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard let days, days >= 0, !fields.isEmpty, fields.count <= 3, fields.allSatisfy({ $0 != nil && $0! >= 0 }) else { throw bad }
        let f = fields.map { $0! }
        let seconds: Int
        if dayParts.count == 2 {  // D-H, D-H:M, D-H:M:S
            seconds = days * 86_400 + f[0] * 3600 + (f.count > 1 ? f[1] * 60 : 0) + (f.count > 2 ? f[2] : 0)
        } else {
            switch f.count {
            case 1: seconds = f[0] * 60
            case 2: seconds = f[0] * 60 + f[1]
            default: seconds = f[0] * 3600 + f[1] * 60 + f[2]
            }
        }
        guard seconds > 0, seconds <= 366 * 86_400 else { throw bad }
        self.text = text
        self.seconds = seconds
    }

    public var description: String { text }
}

/// `--signal`: the warning signal Slurm sends the batch shell `seconds` before the time limit,
/// written `[B:]NAME@SECONDS` (sbatch(1), `--signal`; always sent to the batch shell, `B:`).
public struct SlurmSignal: Sendable, Equatable, CustomStringConvertible {
    /// The signal's name without SIG (USR1, USR2, …).
    public let name: String
    public let seconds: Int

    /// B:USR1@120: two minutes for the running point to checkpoint.
    public static let defaultWarning = SlurmSignal(name: "USR1", seconds: 120)

    /// Signals a task may be warned with (TERM is the end itself; KILL and STOP cannot be caught).
    public static let names = ["USR1", "USR2", "HUP", "INT", "QUIT", "ALRM", "URG", "XCPU"]

    init(name: String, seconds: Int) {
        self.name = name
        self.seconds = seconds
    }

    public init(parsing text: String) throws(ConfigError) {
        var body = Substring(text)
        if body.hasPrefix("B:") { body = body.dropFirst(2) }
        let parts = body.split(separator: "@", omittingEmptySubsequences: false)
        var name = parts[0].uppercased()
        if name.hasPrefix("SIG") { name.removeFirst(3) }
        guard parts.count == 2, Self.names.contains(name), let seconds = Int(parts[1]), (1...65_535).contains(seconds) else {
            throw ConfigError(path: "--signal", "expected [B:]SIGNAL@SECONDS with SIGNAL in \(Self.names.joined(separator: ", ")) and 1 ≤ SECONDS ≤ 65535 (e.g. B:USR1@120), got '\(text)'")
        }
        self.init(name: name, seconds: seconds)
    }

    public var description: String { "B:\(name)@\(seconds)" }
}
