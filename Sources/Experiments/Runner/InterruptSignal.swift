import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// SIGINT and SIGTERM as a flag the training loop polls at each step boundary: the handler only
/// stores the signal number (async-signal-safe), and the runner checkpoints and ends the run as
/// `interrupted` at the next boundary.
public enum InterruptSignal {
    private static let received = Atomic<Int32>(0)

    /// Installs the handlers for SIGINT and SIGTERM, and unblocks both (a parent such as a test
    /// harness may have started this process with them blocked).
    public static func install() {
        var mask = sigset_t()
        sigemptyset(&mask)
        for signo in [SIGINT, SIGTERM] {
            sigaddset(&mask, signo)
            _ = Glibc.signal(signo) { number in InterruptSignal.received.store(number, ordering: .relaxed) }
        }
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
    }

    /// The signal received (SIGINT or SIGTERM), or nil.
    public static var receivedSignal: Int32? {
        let value = received.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }
}
