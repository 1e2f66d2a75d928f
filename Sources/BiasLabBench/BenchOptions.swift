/// `--key value` pairs of a biaslab-bench command, parsed once at the edge into a dictionary.
enum BenchOptions {
    static func parse(_ arguments: [String], command: String) throws -> [String: String] {
        var options: [String: String] = [:]
        var rest = arguments[...]
        while let key = rest.popFirst() {
            guard key.hasPrefix("--"), let value = rest.popFirst() else {
                throw BenchError("\(command): expected --option value, got '\(key)'")
            }
            options[String(key.dropFirst(2))] = value
        }
        return options
    }
}
