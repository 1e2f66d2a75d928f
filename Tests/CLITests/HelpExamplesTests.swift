import BiasLabTestSupport
import Foundation
import Testing

/// Issue 14: every documented flag of every command works. Every command's `--help` has examples,
/// every example line runs against the built executable in a workspace of generated fixtures
/// (``ExampleWorkspace``) and exits 0 with output, and every command has an example in the README.
struct HelpExamplesTests {
    /// An example too slow for the test suite (more than about 5 s in a debug build) and the line run
    /// instead: the same command and flags with less work.
    struct Substitution {
        let example: String
        let run: String
        let why: String
    }

    /// Every substitution; every other example runs verbatim.
    static let substitutions = [
        Substitution(example: "biaslab demo", run: "biaslab demo --quick", why: "the full demo takes minutes in a release build"),
        Substitution(example: "biaslab run examples/gd-eos-fashion.yaml --set optimizer.lr=0.05 --progress-every 10",
                     run: "biaslab run examples/gd-eos-fashion.yaml --set optimizer.lr=0.05 --progress-every 10 --set training.steps=10 "
                         + "--set data.train=fashion-mnist:train,n=100 --set data.test=fashion-mnist:test,n=100",
                     why: "2000 full-batch steps of 784-200-200-10 on 1000 images, λ_max every 10"),
        Substitution(example: "biaslab curvature --model mlp:784-32-10:tanh --data fashion-mnist:train,n=500 --measure lambda-max,trace --json",
                     run: "biaslab curvature --model mlp:784-32-10:tanh --data fashion-mnist:train,n=50 --measure lambda-max,trace --json",
                     why: "Lanczos and Hutchinson over 500 images"),
        Substitution(example: "biaslab train --model mlp:784-32-10:tanh --data fashion-mnist:train,n=1000 --optimizer lion:official --lr 1e-4 "
                         + "--weight-decay 0.1 --steps 200 --batch-size 64 --sampling without-replacement --seed 1",
                     run: "biaslab train --model mlp:784-32-10:tanh --data fashion-mnist:train,n=1000 --optimizer lion:official --lr 1e-4 "
                         + "--weight-decay 0.1 --steps 20 --batch-size 64 --sampling without-replacement --seed 1",
                     why: "200 steps"),
        Substitution(example: "biaslab sde simulate --process rmsprop --oracle quadratic:h=1,s=1 --lr 0.1 --beta2 0.99 --eps 0 --batch-size 0.04 "
                         + "--time 5 --paths 2000",
                     run: "biaslab sde simulate --process rmsprop --oracle quadratic:h=1,s=1 --lr 0.1 --beta2 0.99 --eps 0 --batch-size 0.04 "
                         + "--time 5 --paths 100",
                     why: "2000 Euler–Maruyama paths over 5 time units"),
        Substitution(example: "biaslab sweep run examples/sweeps/tiny-betas.yaml --slurm slurm-betas --sbatch-line \"--account=lab\" --binary dist/biaslab --submit",
                     run: stubSbatch + "biaslab sweep run examples/sweeps/tiny-betas.yaml --slurm slurm-betas --sbatch-line \"--account=lab\" "
                         + "--binary \"$(command -v biaslab)\" --submit",
                     why: "no Slurm controller here (scripts/slurm-test.sh submits to a real one); dist/biaslab comes from make dist"),
        Substitution(example: "biaslab reproduce 002 --slurm slurm-002 --sbatch-line \"--account=lab\" --binary dist/biaslab --submit",
                     run: stubSbatch + "biaslab reproduce 002 --slurm slurm-002 --sbatch-line \"--account=lab\" --binary \"$(command -v biaslab)\" --submit",
                     why: "no Slurm controller here (scripts/slurm-test.sh submits to a real one); dist/biaslab comes from make dist"),
    ]

    /// An `sbatch` on the PATH that accepts `sbatch --parsable SCRIPT` for an existing script and prints a job id.
    static let stubSbatch = "mkdir -p stub && printf '#!/bin/sh\\n[ \"$1\" = --parsable ] && [ -f \"$2\" ] && echo 4242\\n' > stub/sbatch && "
        + "chmod +x stub/sbatch && PATH=\"$PWD/stub:$PATH\" "

    /// Each command except `biaslab` itself documents at least one example of its own.
    @Test func everyCommandHasExamples() throws {
        let help = try HelpExamples.load()
        let missing = help.commands.filter { $0.examples.isEmpty }.map(\.name)
        #expect(missing.isEmpty, "commands without examples in --help: \(missing)")
        for command in help.commands where !command.path.isEmpty {
            #expect(command.examples.contains { $0.contains("biaslab " + command.name) }, "\(command.name): no example runs it")
        }
    }

    /// Every example exits 0 with output (stdout, or the file it redirects stdout to).
    @Test func everyExampleRuns() throws {
        let examples = try HelpExamples.load().uniqueExamples
        let stale = Self.substitutions.map(\.example).filter { !examples.contains($0) }
        #expect(stale.isEmpty, "substitutions for lines no longer among the examples: \(stale)")
        let workspace = try ExampleWorkspace.make()
        for example in examples {
            let line = Self.substitutions.first { $0.example == example }?.run ?? example
            let started = Date()
            let r = try workspace.run(line)
            let seconds = Date().timeIntervalSince(started)
            #expect(r.status == 0, "`\(line)` exited \(r.status): \(r.stderr)")
            let output = workspace.redirectTarget(of: line).flatMap { try? String(contentsOf: $0, encoding: .utf8) } ?? r.stdout
            #expect(!output.isEmpty, "`\(line)` printed nothing")
            if seconds > 5 { print("slow example (\(String(format: "%.1f", seconds)) s): \(line)") }
        }
    }

    /// Each command appears as `biaslab <command>` in a code block of the README.
    @Test func readmeShowsEveryCommand() throws {
        let readme = try String(contentsOf: ExampleWorkspace.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let code = readme.components(separatedBy: "```").enumerated().filter { $0.offset % 2 == 1 }.map(\.element).joined(separator: "\n")
        for command in try HelpExamples.load().commands where !command.path.isEmpty {
            let usage = "biaslab " + command.name
            #expect(code.contains(usage + " ") || code.contains(usage + "\n"), "README.md has no example of `\(usage)`")
        }
    }
}
