import BiasLabTestSupport
import Foundation
import Testing

/// `reproduce … --lm`: the language-model versions of the studies, with `--jobs` children, `--slurm` tasks and
/// the analysis line all carrying `--lm`, and a study without one rejected in one line.
struct ReproduceLanguageModelTests {
    @Test func jobsChildrenMeasureTheLanguageModelStudy() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let store = dir.appendingPathComponent("lm.sqlite").path
        let r = try CLIRunner.run(["reproduce", "000-beta2-lm", "--lm", "--quick", "--jobs", "2", "--store", store, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.json?["study"] as? String == "000-beta2-lm")
        let ids = (r.json?["outcomes"] as? [[String: Any]] ?? []).compactMap { ($0["claim"] as? [String: Any])?["id"] as? String }
        #expect(ids == ["000-beta2-lm-argmin-falls", "000-beta2-lm-gain-grows", "000-beta2-lm-beta1-rises", "000-beta2-lm-transition-batch"])
        // The paper's number with --lm selects the same study; the same store, analysed again in this process,
        // gives the same measurements (nothing left to measure).
        let again = try CLIRunner.run(["reproduce", "000", "--lm", "--quick", "--store", store, "--json"])
        #expect(again.status == 0 && again.stderr.isEmpty, "\(again.stderr)")
        func measured(_ json: [String: Any]?) -> [String] { (json?["outcomes"] as? [[String: Any]] ?? []).map { "\($0["measured"] ?? "")" } }
        let studies = again.json?["studies"] as? [[String: Any]] ?? []
        #expect(studies.count == 1 && studies.first?["study"] as? String == "000-beta2-lm")
        #expect(measured(studies.first) == measured(r.json) && !measured(r.json).isEmpty)
    }

    @Test func slurmTasksCarryTheFlag() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let array = dir.appendingPathComponent("array")
        let r = try CLIRunner.run(["reproduce", "000", "--lm", "--quick", "--slurm", array.path, "--points-per-task", "3"])
        #expect(r.status == 0, "\(r.stderr)")
        let script = try String(contentsOf: array.appendingPathComponent("job.sbatch"), encoding: .utf8)
        #expect(script.contains("reproduce 000 --seeds 3 --first-seed 0 --quick --lm --shard") && script.contains("--job-name=biaslab-reproduce-000-lm"))
        #expect(r.stdout.contains("biaslab reproduce 000 --lm --quick"))
    }

    @Test func aStudyWithoutALanguageModelVersionIsOneLineExitTwo() throws {
        let r = try CLIRunner.run(["reproduce", "003-toy", "--lm", "--quick"])
        #expect(r.status == 2 && r.stderr.contains("unknown study '003-toy' with --lm") && r.stderr.contains("000-beta2-lm"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
    }
}
