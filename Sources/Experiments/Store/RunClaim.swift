import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The claim on a `running` run: the process working on it and its last heartbeat (see ``RunStore``).
///
/// Live while the heartbeat is younger than ``staleAfter`` and — when the owner runs on this host — its
/// pid exists; stale otherwise (a killed process, a lost host, a pid of a dead owner), and then another
/// process may take the run over.
public struct RunClaim: Codable, Sendable, Equatable, CustomStringConvertible {
    public let pid: Int32
    public let host: String
    /// Unix time (seconds) of the last heartbeat.
    public let heartbeatAt: Double

    /// How often an owner refreshes its heartbeat.
    public static let heartbeatInterval: Double = 10
    /// A claim whose heartbeat is older than this is stale, whatever its pid.
    public static let staleAfter: Double = 60

    /// A claim by this process, now.
    static func current() -> RunClaim {
        RunClaim(pid: getpid(), host: thisHost, heartbeatAt: Date().timeIntervalSince1970)
    }

    /// This machine's name (`gethostname`).
    static let thisHost: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// Seconds since the heartbeat.
    public func age(now: Double = Date().timeIntervalSince1970) -> Double { now - heartbeatAt }

    public func isLive(now: Double = Date().timeIntervalSince1970) -> Bool {
        guard age(now: now) <= Self.staleAfter else { return false }
        guard host == Self.thisHost else { return true }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    public var description: String { "pid \(pid) on \(host)" }
}

/// Why a run could not be claimed, or stopped being ours.
public enum RunClaimError: Error, CustomStringConvertible, Equatable {
    /// Another live process works on the run.
    case busy(runID: Int64, owner: RunClaim, secondsSinceHeartbeat: Int)
    /// The run has a result (completed or diverged).
    case ended(runID: Int64, status: RunStore.Status)
    case noRun(runID: Int64, store: String)
    /// Our claim was taken over (our heartbeat went stale); the run is left to the new owner.
    case lost(runID: Int64)

    public var description: String {
        switch self {
        case .busy(let id, let owner, let age):
            "run \(id) is being worked on by \(owner) (heartbeat \(age) s ago); wait for it, or stop that process"
        case .ended(let id, let status): "run \(id) has already ended (\(status.rawValue)); nothing to resume"
        case .noRun(let id, let store): "no run \(id) in \(store)"
        case .lost(let id): "run \(id) was taken over by another process (this one's heartbeat went stale); stopped"
        }
    }
}
