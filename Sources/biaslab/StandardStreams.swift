import CPlatform
import DataIO
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The process's standard streams and output files, written so that a failure is reported once and never
/// kills the process with a signal.
enum StandardStreams {
    /// Opens /dev/null on any of descriptors 0, 1, 2 that is closed (`2>&-`), so that no file BiasLab opens
    /// later (a store) takes descriptor 2 and receives diagnostics.
    static func reserveClosedDescriptors() {
        for fd in Int32(0)...2 where fcntl(fd, F_GETFD) == -1 {
            let opened = open("/dev/null", O_RDWR)
            if opened >= 0 && opened != fd { _ = dup2(opened, fd); _ = close(opened) }
        }
    }

    /// Writes `text` to standard error; a failure (a full or closed stream) is ignored: diagnostics and
    /// progress never end a run.
    static func error(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { b in b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { biaslab_write_stderr($0, b.count) } }
    }

    /// Flushes standard output; the problem in one line when it could not be written (e.g. `> /dev/full`).
    static func flushOutput() -> String? {
        let code = biaslab_flush_stdout()
        return code == 0 ? nil : "cannot write to standard output: \(String(cString: strerror(code)))"
    }

    /// Writes `text` to the file at `path` (``AtomicFile``: a temporary file and a rename, so a failure
    /// never leaves a truncated file). A folder at `path` is a usage error (exit 2); an I/O failure is a
    /// computation error (exit 1); both name `option` and the path.
    static func writeFile(_ text: String, to path: String, option: String) throws {
        do { try AtomicFile.write(Array(text.utf8), to: path) } catch {
            if error.kind == .isFolder { throw UsageError("\(option) \(error)") }
            throw ComputationError("\(option) \(error)")
        }
    }
}
