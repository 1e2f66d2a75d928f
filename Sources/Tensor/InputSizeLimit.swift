#if canImport(Glibc)
import Glibc
#endif

/// The bound on allocations whose size comes from input — a data spec (`n`, `d`, `classes`), a model
/// spec's widths, a file's declared shape or a one-hot width — checked before anything is allocated, so a
/// typo or a hostile file is an error naming the size instead of an abort in `malloc`.
///
/// One allocation may hold at most `min(2³⁴, ¾ · physical memory / 8)` float64 values: 2³⁴ values
/// (128 GiB) is far beyond a CPU-scale study, and ¾ of the memory keeps the process from being killed
/// while the limit still grows with the machine (it is never this machine's size but the running one's).
public enum InputSizeLimit {
    /// The most float64 values one input-sized allocation may hold on this machine.
    public static let maxValues: Int = {
        let cap = 1 << 34
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return cap }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
        return overflow ? cap : min(cap, bytes / 4 * 3 / 8)
    }()

    /// The product of `factors` when it is at most ``maxValues``, or nil (also when it overflows or a factor
    /// is negative).
    public static func product(_ factors: [Int]) -> Int? {
        var total = 1
        for f in factors {
            guard f >= 0 else { return nil }
            let (p, overflow) = total.multipliedReportingOverflow(by: f)
            guard !overflow, p <= maxValues else { return nil }
            total = p
        }
        return total
    }

    /// nil when `factors` multiply to at most ``maxValues``; otherwise the problem in one line, e.g.
    /// "x has 1000000000000 × 2 values, more than the limit of 2415919104 (¾ of memory, or 2³⁴)".
    public static func problem(_ what: String, _ factors: [Int]) -> String? {
        guard product(factors) == nil else { return nil }
        return "\(what) has \(factors.map(String.init).joined(separator: " × ")) values, more than the limit of \(maxValues) "
            + "float64 values for one allocation from input (¾ of this machine's memory, at most 2³⁴)"
    }
}
