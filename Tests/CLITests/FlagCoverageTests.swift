import BiasLabTestSupport
import Foundation
import Testing

/// Every flag `--help` documents is exercised by a CLI test (issue 14): it appears in an example of its
/// own command (`HelpExamplesTests` runs every example and expects exit 0), or it is a flag of the shared
/// optimizer group whose setting the command's theory does not cover — then giving it is checked here to
/// be a one-line usage error (exit 2) that names the setting and the convention the theory needs.
struct FlagCoverageTests {
    /// Shared optimizer flags a command refuses for every optimizer it takes, with an invocation that
    /// shows it and the setting its message must name.
    static let refused: [String: [(flag: String, arguments: [String], names: String)]] = [
        "stability": [("--weight-decay", ["stability", "--model", "toy-quadratic", "--optimizer", "sgd", "--lr", "0.01", "--weight-decay", "0.1"], "weight_decay=0.1")],
        "stability-threshold": [("--weight-decay", ["stability-threshold", "--optimizer", "sgd", "--lr", "0.01", "--weight-decay", "0.1"], "weight_decay=0.1")],
    ]

    /// Each command's displayed flags (every name: `--long` and `-s`), by command path.
    static func flags() throws -> [String: [[String]]] {
        let dump = try CLIRunner.run(["--experimental-dump-help"])
        let root = try #require(dump.json?["command"] as? [String: Any])
        var out: [String: [[String]]] = [:]
        func walk(_ command: [String: Any], _ path: [String]) {
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["shouldDisplay"] as? Bool ?? true {
                let names = (argument["names"] as? [[String: Any]] ?? []).compactMap { name -> String? in
                    guard let kind = name["kind"] as? String, let text = name["name"] as? String else { return nil }
                    return kind == "long" ? "--" + text : kind == "short" ? "-" + text : nil
                }
                guard !names.isEmpty, !names.contains(where: { ["--help", "--version", "--experimental-dump-help"].contains($0) }) else { continue }
                out[path.joined(separator: " "), default: []].append(names)
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                guard let name = sub["commandName"] as? String, name != "help" else { continue }
                walk(sub, path + [name])
            }
        }
        walk(root, [])
        return out
    }

    @Test func everyFlagIsInAnExampleOrRefusedByName() throws {
        let help = try HelpExamples.load()
        let examples = Dictionary(uniqueKeysWithValues: help.commands.map { ($0.name, $0.examples) })
        var uncovered: [String] = []
        for (command, flags) in try Self.flags() {
            let words = Set((examples[command] ?? []).flatMap { $0.split(separator: " ").map { String($0.split(separator: "=").first ?? $0) } })
            let refused = Set((Self.refused[command] ?? []).map(\.flag))
            for names in flags where !names.contains(where: { words.contains($0) || refused.contains($0) }) {
                uncovered.append("\(command.isEmpty ? "biaslab" : command) \(names[0])")
            }
        }
        #expect(uncovered.isEmpty, "flags in no example of their command: \(uncovered.sorted().joined(separator: ", "))")
    }

    @Test func refusedFlagsNameTheSetting() throws {
        for (command, cases) in Self.refused {
            for c in cases {
                let r = try CLIRunner.run(c.arguments)
                #expect(r.status == 2 && r.stderr.contains(c.names) && r.stderr.split(separator: "\n").count == 1,
                        "\(command) \(c.flag): exit \(r.status), \(r.stderr)")
            }
        }
    }
}
