import BiasLabTestSupport
import Foundation
import Tensor
import Testing

/// `biaslab doctor` end to end, in fresh processes: the kernel set BiasLab leaves in use when OpenBLAS
/// starts on its generic Prescott set (simulated, since this machine's OpenBLAS knows its CPU), when the
/// user set OPENBLAS_CORETYPE, and with the correction off; threads from BIASLAB_THREADS; the portable
/// kernels when forced.
struct DoctorCommandTests {
    /// The environment of a fresh start with no user choice of kernels, threads or vector kernels.
    static let clean: [String: String?] = ["OPENBLAS_CORETYPE": nil, "BIASLAB_THREADS": nil, "BIASLAB_PORTABLE_KERNELS": nil,
                                           "BIASLAB_BLAS_CORRECTION": nil, "BIASLAB_BLAS_SIMULATE_FALLBACK": nil]

    static func doctor(_ environment: [String: String?], _ extra: [String] = ["--seconds", "0"]) throws -> [String: Any] {
        let r = try CLIRunner.run(["doctor", "--json"] + extra, environment: clean.merging(environment) { $1 })
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(r.json)
    }

    static func blas(_ json: [String: Any]) -> [String: Any] { json["blas"] as? [String: Any] ?? [:] }

    @Test func fallbackToPrescottIsCorrected() throws {
        let expected = try #require(BLASInfo.correctedKernels(whenBLASChose: "Prescott", on: .current),
                                    "this CPU supports more than SSE, so Prescott is a fallback")
        let blas = Self.blas(try Self.doctor(["BIASLAB_BLAS_SIMULATE_FALLBACK": "Prescott"]))
        #expect(blas["kernels_at_start"] as? String == "Prescott")
        #expect(blas["correction"] as? String == "corrected")
        #expect((blas["kernels_in_use"] as? String)?.lowercased() == expected.lowercased())
        #expect((blas["check_error"] as? Double).map { $0 < 1e-13 } == true)
    }

    @Test func userChoiceIsRespected() throws {
        let blas = Self.blas(try Self.doctor(["OPENBLAS_CORETYPE": "Prescott"]))
        #expect(blas["correction"] as? String == "user-set")
        #expect(blas["kernels_in_use"] as? String == "Prescott")
    }

    @Test func correctionCanBeTurnedOff() throws {
        let blas = Self.blas(try Self.doctor(["BIASLAB_BLAS_SIMULATE_FALLBACK": "Prescott", "BIASLAB_BLAS_CORRECTION": "off"]))
        #expect(blas["correction"] as? String == "disabled")
        #expect(blas["kernels_in_use"] as? String == "Prescott")
    }

    @Test func threadsAndPortableKernelsFromTheEnvironment() throws {
        let json = try Self.doctor(["BIASLAB_THREADS": "3", "BIASLAB_PORTABLE_KERNELS": "1"])
        let policy = try #require(json["policy"] as? [String: Any])
        #expect(policy["threads"] as? Int == 3)
        #expect(policy["thread_source"] as? String == "environment")
        #expect(json["portable_kernels"] as? Bool == true)
        let defaults = try Self.doctor([:])
        let cores = try #require(defaults["cores_available"] as? Int)
        #expect((defaults["policy"] as? [String: Any])?["threads"] as? Int == cores)
        #expect(cores >= 1 && cores <= ProcessInfo.processInfo.activeProcessorCount)
        #expect(defaults["portable_kernels"] as? Bool == false)
    }

    @Test func dgemmReadingAndHumanOutput() throws {
        let json = try Self.doctor([:], ["--seconds", "0.05"])
        let dgemm = try #require(json["dgemm"] as? [String: Any])
        #expect((dgemm["gflops"] as? Double).map { $0 > 0 } == true)
        #expect((dgemm["repetitions"] as? Int).map { $0 >= 3 } == true)
        let human = try CLIRunner.run(["doctor", "--seconds", "0"])
        #expect(human.status == 0)
        #expect(human.stdout.contains("kernels") && human.stdout.contains("threads"))
        let bad = try CLIRunner.run(["doctor", "--seconds", "-1"])
        #expect(bad.status == 2 && bad.stderr.contains("--seconds"))
    }
}
