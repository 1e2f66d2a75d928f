import ArgumentParser
import Foundation

/// Bad usage or bad input: printed as one line `biaslab: <message>` on stderr, exit code 2.
/// The message names the offending input and what was expected.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The computation failed (diverged, NaN, I/O after validation): one line on stderr, exit code 1.
struct ComputationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum CLIExit {
    /// Runs a parsed command and maps every error onto BiasLab's exit codes.
    static func run(_ parse: () throws -> ParsableCommand) {
        do {
            var command = try parse()
            try command.run()
            if let problem = StandardStreams.flushOutput() { fail(problem, code: 1) }
        } catch let error as ComputationError {
            fail(error.description, code: 1)
        } catch let error as UsageError {
            fail(error.description, code: 2)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            let code = BiasLabCommand.exitCode(for: error)
            if code == .success {
                // --help, --version: ArgumentParser prints them itself.
                print(BiasLabCommand.fullMessage(for: error))
                exit(0)
            }
            if error is CleanExit {
                exit(0)
            }
            // Parsing and validation errors, and any error a library routine throws on bad input.
            let message = BiasLabCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            fail(message, code: 2)
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        _ = StandardStreams.flushOutput()
        StandardStreams.error("biaslab: \(oneLine(message))\n")
        exit(code)
    }

    /// The message as one printable line: control characters (newlines, escapes, bytes echoed from a
    /// hostile file header) become `\u{…}` escapes, and more than 2000 characters are cut with "…".
    static func oneLine(_ message: String) -> String {
        var out = ""
        for scalar in message.unicodeScalars {
            if scalar.properties.generalCategory == .control { out += "\\u{\(String(scalar.value, radix: 16))}" } else { out.unicodeScalars.append(scalar) }
        }
        return out.count > 2000 ? String(out.prefix(2000)) + "…" : out
    }
}
