import ArgumentParser
import Foundation

/// `--json`: print exactly one JSON object on stdout.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print exactly one JSON object (snake_case keys) on stdout.")
    var json = false

    /// With `--json`, prints `value` as the command's one JSON object (``JSONOutput/print(_:)``) and returns
    /// true: the command is done. Without it, returns false and the command prints its text.
    func printJSON(_ value: some Encodable) throws -> Bool {
        guard json else { return false }
        try JSONOutput.print(value)
        return true
    }
}

enum JSONOutput {
    /// Encodes `value` with snake_case keys and sorted keys, non-finite numbers as strings
    /// ("nan", "inf", "-inf"), and prints it as one line.
    static func print<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(value)
        Swift.print(String(decoding: data, as: UTF8.self))
    }
}
