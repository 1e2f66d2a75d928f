import Foundation

/// The human-readable form of a result: one `key: value` line per field that is set, keys as in the
/// JSON output, so both forms name things the same way.
enum HumanReadable {
    static func lines<T: Encodable>(of value: T) -> [String] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = try? encoder.encode(value),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return ["\(value)"] }
        return object.keys.sorted().map { key in "\(key): \(format(object[key]!))" }
    }

    private static func format(_ value: Any) -> String {
        switch value {
        case let array as [Any] where array.count > 8:
            return "[" + array.prefix(8).map(format).joined(separator: ", ") + ", … (\(array.count) values)]"
        case let array as [Any]: return "[" + array.map(format).joined(separator: ", ") + "]"
        case let dict as [String: Any]: return "{" + dict.keys.sorted().map { "\($0): \(format(dict[$0]!))" }.joined(separator: ", ") + "}"
        case let number as NSNumber: return "\(number)"
        default: return "\(value)"
        }
    }
}
