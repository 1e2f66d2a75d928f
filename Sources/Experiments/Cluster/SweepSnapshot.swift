import Foundation
import Yams

/// A sweep file made self-contained, for a job array that must not depend on the caller's files: the
/// sweep's YAML as written (key order and scalars kept, so every point's name and config are the same),
/// with a `base:` file path replaced by that file's mapping and the sweep's `name` written out (the
/// default name comes from the file name, which the copy does not share). ``write(to:)`` checks that the
/// copy expands to exactly the original's points (names and config JSON) before it is kept.
public struct SweepSnapshot: Sendable {
    /// The self-contained YAML text.
    public let yaml: String
    private let expected: [String]

    /// Reads the sweep at `url`; `overrides` (`--set`) are not baked in — pass them to the copy as to the original.
    public init(contentsOf url: URL, overrides: [String] = []) throws(ConfigError) {
        let spec = try SweepSpec.load(contentsOf: url, overrides: overrides)
        expected = try spec.points().map(Self.identity)
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch { throw ConfigError(path: "", "cannot read sweep file \(url.path)") }
        guard case .mapping(var root)? = try? Yams.compose(yaml: text) else {
            throw ConfigError(path: "", "\(url.path) is not a YAML mapping")
        }
        if let base = root["base"], case .scalar(let scalar) = base {
            let path = scalar.string
            let baseURL = path.hasPrefix("/") ? URL(fileURLWithPath: path) : url.deletingLastPathComponent().appendingPathComponent(path)
            guard let baseText = try? String(contentsOf: baseURL, encoding: .utf8), let node = try? Yams.compose(yaml: baseText) else {
                throw ConfigError(path: "base", "cannot read the base config \(baseURL.path)")
            }
            root["base"] = node
        }
        root["name"] = Node(spec.name)
        do { yaml = try Yams.serialize(node: .mapping(root)) } catch { throw ConfigError(path: "", "cannot write a copy of \(url.path): \(error)") }
    }

    static func identity(_ point: SweepPoint) -> String { point.name + "\u{0}" + point.configJSON }

    /// Writes the copy to `url` and checks it: its points (with `overrides`) must be the original's, name
    /// and config JSON, in order.
    public func write(to url: URL, overrides: [String] = []) throws {
        try Data(yaml.utf8).write(to: url, options: .atomic)
        let copy = try SweepSpec.load(contentsOf: url, overrides: overrides).points().map(Self.identity)
        guard copy == expected else {
            throw ConfigError(path: "", "the copy \(url.path) does not expand to the sweep's points (\(copy.count) vs \(expected.count) points, or other configs)")
        }
    }
}
