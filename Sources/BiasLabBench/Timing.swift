import Foundation

/// Wall-clock timing: `repetitions` timed runs after `warmup` unmeasured ones.
enum Timing {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Process CPU seconds (user + system, all threads): CPU time ÷ wall time = cores kept busy.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The wall-clock seconds of each timed run.
    static func samples(repetitions: Int, warmup: Int = 1, _ body: () throws -> Void) rethrows -> [Double] {
        for _ in 0..<warmup { try body() }
        var times: [Double] = []
        for _ in 0..<repetitions {
            let t0 = now()
            try body()
            times.append(now() - t0)
        }
        return times
    }

    static func median(repetitions: Int = 7, warmup: Int = 1, _ body: () -> Void) -> Double {
        median(of: samples(repetitions: repetitions, warmup: warmup, body))
    }

    static func median(of times: [Double]) -> Double {
        let sorted = times.sorted()
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}
