import Foundation
import Yams

/// A config document as a tree: what YAML and JSON both decode to, before it is read into a
/// ``RunConfig``. Keeping the tree lets `--set key.path=value` overrides edit it before validation,
/// and lets the run store keep the exact resolved config as JSON.
public indirect enum ConfigValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case list([ConfigValue])
    case map([String: ConfigValue])

    /// Parses YAML (JSON is a subset of YAML's flow style, so JSON documents parse too). Throws a
    /// ``ConfigError`` naming `source` on malformed text or a top level that is not a mapping.
    /// The most YAML nodes a config may expand to, aliases expanded (a 1 KB file of nested aliases can
    /// otherwise expand to billions); far above any real config or sweep.
    public static let maxExpandedNodes = 1_000_000

    public static func parse(yaml text: String, source: String) throws(ConfigError) -> ConfigValue {
        let loaded: Any?
        do {
            // One parse: the composed tree is checked, then constructed (what `Yams.load` does after composing).
            let root = try Yams.compose(yaml: text)
            if let problem = root?.configProblem(maxNodes: maxExpandedNodes) { throw ConfigError(path: "", "\(source) \(problem)") }
            loaded = root?.any
        } catch let error as ConfigError {
            throw error
        } catch {
            let message = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            throw ConfigError(path: "", "\(source) is not valid YAML or JSON: \(message)")
        }
        let value = try ConfigValue(any: loaded, path: "")
        guard case .map = value else { throw ConfigError(path: "", "\(source) must be a mapping of keys to values at the top level") }
        return value
    }

    /// A scalar written on the command line (`--set optimizer.beta2=0.99`), typed as YAML would type it.
    public static func parse(scalar text: String) -> ConfigValue {
        guard let loaded = try? Yams.load(yaml: text), let value = try? ConfigValue(any: loaded, path: "") else {
            return .string(text)
        }
        return value
    }

    init(any: Any?, path: String) throws(ConfigError) {
        switch any {
        case nil, is NSNull: self = .null
        case let b as Bool: self = .bool(b)
        case let i as Int: self = .integer(i)
        case let d as Double: self = .number(d)
        case let s as String: self = .string(s)
        case let list as [Any]:
            var items: [ConfigValue] = []
            for (i, item) in list.enumerated() { items.append(try ConfigValue(any: item, path: "\(path)[\(i)]")) }
            self = .list(items)
        case let map as [AnyHashable: Any]:
            var out: [String: ConfigValue] = [:]
            for (key, item) in map {
                let name = "\(key.base)"
                out[name] = try ConfigValue(any: item, path: ConfigError.join(path, name))
            }
            self = .map(out)
        default:
            throw ConfigError(path: path, "unsupported value '\(String(describing: any!))'")
        }
    }

    /// A short rendering for error messages and optimizer settings (`1.5`, `adam`, `[1, 2]`).
    public var text: String {
        switch self {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .integer(let i): "\(i)"
        case .number(let d): "\(d)"
        case .string(let s): s
        case .list(let items): "[" + items.map(\.text).joined(separator: ", ") + "]"
        case .map(let m): "{" + m.keys.sorted().map { "\($0): \(m[$0]!.text)" }.joined(separator: ", ") + "}"
        }
    }

    /// The tree as a JSON-compatible object (sorted keys when serialized), for the run store.
    public var jsonObject: Any {
        switch self {
        case .null: NSNull()
        case .bool(let b): b
        case .integer(let i): i
        case .number(let d): d.isFinite ? d as Any : "\(d)" as Any
        case .string(let s): s
        case .list(let items): items.map(\.jsonObject)
        case .map(let m): m.mapValues(\.jsonObject)
        }
    }

    /// Compact JSON with sorted keys.
    public var jsonString: String {
        let data = (try? JSONSerialization.data(withJSONObject: jsonObject, options: [.sortedKeys, .fragmentsAllowed])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Sets the value at a dotted key path (`optimizer.beta2`, `probes.0.every`), creating mappings
    /// on the way. A list element is addressed by its index.
    public mutating func set(_ value: ConfigValue, at keyPath: String) throws(ConfigError) {
        let keys = keyPath.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !keys.isEmpty, keys.allSatisfy({ !$0.isEmpty }) else {
            throw ConfigError(path: keyPath, "override key path must be dot-separated names, e.g. optimizer.beta2")
        }
        try set(value, keys: keys[...], walked: "")
    }

    private mutating func set(_ value: ConfigValue, keys: ArraySlice<String>, walked: String) throws(ConfigError) {
        guard let key = keys.first else { self = value; return }
        let path = ConfigError.join(walked, key)
        switch self {
        case .map(var m):
            var child = m[key] ?? .null
            if case .null = child, keys.count > 1 { child = .map([:]) }
            try child.set(value, keys: keys.dropFirst(), walked: path)
            m[key] = child
            self = .map(m)
        case .list(var items):
            guard let index = Int(key), items.indices.contains(index) else {
                throw ConfigError(path: path, "list index must be in 0..<\(items.count)")
            }
            try items[index].set(value, keys: keys.dropFirst(), walked: path)
            self = .list(items)
        case .null:
            var child = ConfigValue.map([:])
            try child.set(value, keys: keys, walked: walked)
            self = child
        default:
            throw ConfigError(path: walked, "is \(text), not a mapping, so '\(key)' cannot be set inside it")
        }
    }
}

extension ConfigValue: Encodable {
    /// Encodes the tree as the JSON it came from (mappings as objects, keys unchanged).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .integer(let i): try c.encode(i)
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .list(let items): try c.encode(items)
        case .map(let m): try c.encode(m)
        }
    }
}

extension Node {
    /// nil when this document can be read as a config; otherwise the problem. Two shapes are refused
    /// before the document is expanded: more than `maxNodes` nodes with every alias expanded (counting stops
    /// at the budget, so a nested alias bomb is rejected in time proportional to it), and a mapping key
    /// that is not a scalar (`? [a, b]: c`, which a config never needs and the YAML reader cannot convert).
    func configProblem(maxNodes: Int) -> String? {
        var remaining = maxNodes
        var problem: String?
        func visit(_ node: Node) -> Bool {
            remaining -= 1
            guard remaining >= 0 else {
                problem = "expands to more than \(maxNodes) YAML nodes (through aliases); a config is expanded in full, so its expansion is limited"
                return false
            }
            switch node {
            case .scalar, .alias: return true
            case .sequence(let items): return items.allSatisfy(visit)
            case .mapping(let pairs):
                return pairs.allSatisfy { pair in
                    guard pair.key.scalar != nil else {
                        problem = "has a mapping key that is not a plain value (line \(pair.key.mark?.line ?? 0)); config keys are names"
                        return false
                    }
                    return visit(pair.key) && visit(pair.value)
                }
            }
        }
        _ = visit(self)
        return problem
    }
}
