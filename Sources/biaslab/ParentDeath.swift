import CPlatform
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Children die with their parent: a process started by ``ChildProcesses`` has `BIASLAB_PARENT_PID`
/// set to its parent's pid, and at startup asks the kernel (Linux `prctl(PR_SET_PDEATHSIG, SIGTERM)`)
/// for SIGTERM when that parent dies — even by SIGKILL — so a killed `sweep --jobs` or `reproduce --jobs`
/// leaves no orphans; a child whose parent is already gone (getppid() ≠ the recorded pid) ends at once.
/// SIGTERM then takes the ordinary path (``InterruptSignal``): the run checkpoints and ends `interrupted`.
enum ParentDeath {
    static let variable = "BIASLAB_PARENT_PID"

    /// Called first thing in `main`.
    static func install() {
        guard let text = ProcessInfo.processInfo.environment[variable], let parent = Int32(text) else { return }
        _ = biaslab_set_parent_death_signal(SIGTERM)
        if getppid() != parent { exit(128 + SIGTERM) }
    }
}
