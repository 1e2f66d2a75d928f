import BiasLabTestSupport
import Foundation

/// Every command of the built `biaslab` with the example lines of its `--help`, read from
/// `biaslab --experimental-dump-help` (the same text `--help` prints).
///
/// An example is a line under `Examples:` that starts with `biaslab`, optionally after environment
/// assignments (`BIASLAB_THREADS=3 biaslab doctor`); a line ending in `\` continues on the next one.
struct HelpExamples {
    /// One command: its path below `biaslab` (e.g. `["results", "show"]`) and its examples.
    struct Command {
        let path: [String]
        let examples: [String]
        var name: String { path.joined(separator: " ") }
    }

    let commands: [Command]

    /// Reads the built executable's help.
    static func load() throws -> HelpExamples {
        let dump = try CLIRunner.run(["--experimental-dump-help"])
        guard dump.status == 0, let root = dump.json?["command"] as? [String: Any] else {
            throw HelpExamplesError("biaslab --experimental-dump-help failed: \(dump.stderr)")
        }
        var commands: [Command] = []
        collect(root, path: [], into: &commands)
        return HelpExamples(commands: commands)
    }

    /// Every example line once, in the order `--help` lists them (a subcommand's after its parent's).
    var uniqueExamples: [String] {
        var seen = Set<String>()
        return commands.flatMap(\.examples).filter { seen.insert($0).inserted }
    }

    /// `command` and its subcommands, depth first; ArgumentParser's own `help` command is left out.
    private static func collect(_ command: [String: Any], path: [String], into commands: inout [Command]) {
        commands.append(Command(path: path, examples: examples(in: command["discussion"] as? String ?? "")))
        for sub in command["subcommands"] as? [[String: Any]] ?? [] {
            guard let name = sub["commandName"] as? String, name != "help" else { continue }
            collect(sub, path: path + [name], into: &commands)
        }
    }

    /// The example lines of a discussion text, continuation lines joined.
    static func examples(in discussion: String) -> [String] {
        guard let range = discussion.range(of: "Examples:") else { return [] }
        var out: [String] = []
        var pending: String?
        for raw in discussion[range.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if let head = pending {
                pending = nil
                append(head + " " + line, to: &out, pending: &pending)
            } else if isExample(line) {
                append(line, to: &out, pending: &pending)
            }
        }
        return out
    }

    /// A line that runs `biaslab`, possibly after `NAME=value` assignments.
    static func isExample(_ line: String) -> Bool {
        let words = line.split(separator: " ")
        guard let first = words.firstIndex(where: { !$0.contains("=") || $0.hasPrefix("-") }) else { return false }
        return words[first] == "biaslab" && words[..<first].allSatisfy { $0.first?.isUppercase == true }
    }

    private static func append(_ line: String, to out: inout [String], pending: inout String?) {
        if line.hasSuffix("\\") { pending = String(line.dropLast()).trimmingCharacters(in: .whitespaces) } else { out.append(line) }
    }
}

struct HelpExamplesError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
