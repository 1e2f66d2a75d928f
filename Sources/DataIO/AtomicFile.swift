import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writing a whole file so that a failure never leaves it truncated: the bytes go to a temporary file in
/// the same folder (`.<name>.<pid>.tmp`), which is flushed to disk and renamed over the target. Used for
/// every file BiasLab writes: .npy/.npz, IDX, HTML reports, exports.
public enum AtomicFile {
    /// Why a write failed, in one line naming the path (errno's text for I/O failures).
    public struct Failure: Error, CustomStringConvertible, Equatable, Sendable {
        public enum Kind: Sendable, Equatable {
            /// The path names a folder.
            case isFolder
            /// Creating, writing, flushing or renaming failed.
            case io
        }
        public let kind: Kind
        public let path: String
        public let problem: String
        public var description: String { "\(path): \(problem)" }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw Failure(kind: .isFolder, path: path, problem: "is a folder; expected a file path")
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw Failure(kind: .io, path: path, problem: "cannot create the folder \(folder)")
        }
        let temporary = folder + "/." + url.lastPathComponent + ".\(getpid()).tmp"
        func fail(_ what: String) -> Failure {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return Failure(kind: .io, path: path, problem: "cannot \(what) (\(reason))")
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw fail("create it") }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { close(fd); throw fail("write it") }
            written += n
        }
        guard fsync(fd) == 0 || errno == EINVAL else { close(fd); throw fail("write it") }
        guard close(fd) == 0 else { throw fail("write it") }
        guard rename(temporary, path) == 0 else { throw fail("rename the temporary file onto it") }
    }
}
