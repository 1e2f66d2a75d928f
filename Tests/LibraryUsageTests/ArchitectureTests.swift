import Foundation
import Testing

/// docs/ARCHITECTURE.md kept true by the code: its layer table is Package.swift's targets with their
/// dependencies, and every type its vocabulary names exists in Sources/.
struct ArchitectureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Table rows `| \`name\` | a, b | … |` of the section headed `heading`, as (first cell, second cell).
    static func rows(of document: String, section heading: String) -> [(String, String)] {
        let section = document.components(separatedBy: "## \(heading)\n").dropFirst().first?.components(separatedBy: "\n## ").first ?? ""
        return section.split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4, cells[1].hasPrefix("`") || !cells[1].isEmpty, !cells[1].hasPrefix("---"), cells[1] != "target", cells[1] != "concept"
            else { return nil }
            return (cells[1], cells[2])
        }
    }

    /// Package.swift's non-test targets and the names of their dependencies (products by product name).
    static func packageTargets() throws -> [String: Set<String>] {
        let text = try read("Package.swift")
        var out: [String: Set<String>] = [:]
        let declaration = try Regex(#"\.(target|executableTarget|systemLibrary)\(\s*name:\s*"([^"]+)""#)
        let matches = text.matches(of: declaration)
        for (k, match) in matches.enumerated() {
            let name = String(match.output[2].substring!)
            let end = k + 1 < matches.count ? matches[k + 1].range.lowerBound : text.endIndex
            var body = String(text[match.range.upperBound..<end])
            if let tests = body.range(of: ".testTarget(") { body = String(body[..<tests.lowerBound]) }
            guard let start = body.range(of: "dependencies: [") else { out[name] = []; continue }
            var depth = 1, index = start.upperBound
            while depth > 0, index < body.endIndex {
                if body[index] == "[" { depth += 1 } else if body[index] == "]" { depth -= 1 }
                index = body.index(after: index)
            }
            let list = String(body[start.upperBound..<index]).replacing(try Regex(#"package:\s*"[^"]*""#), with: "")
            out[name] = Set(list.matches(of: try Regex(#""([^"]+)""#)).map { String($0.output[1].substring!) })
        }
        return out
    }

    @Test func layerTableIsThePackage() throws {
        let documented = Self.rows(of: try Self.read("docs/ARCHITECTURE.md"), section: "Layers").map { row in
            (row.0.trimmingCharacters(in: CharacterSet(charactersIn: "`")),
             Set(row.1 == "–" ? [] : row.1.components(separatedBy: ", ")))
        }
        let package = try Self.packageTargets()
        #expect(Set(documented.map(\.0)) == Set(package.keys))
        for (name, dependencies) in documented {
            #expect(package[name] == dependencies, "\(name): documented \(dependencies.sorted()), Package.swift \(package[name].map { $0.sorted() } ?? [])")
        }
    }

    @Test func vocabularyNamesTypesThatExist() throws {
        let rows = Self.rows(of: try Self.read("docs/ARCHITECTURE.md"), section: "Vocabulary")
        let names = rows.flatMap { row in row.1.matches(of: #/`([A-Za-z]+)`/#).map { String($0.output.1) } }
        #expect(names.count >= 10)
        var sources = ""
        for case let url as URL in FileManager.default.enumerator(at: Self.root.appendingPathComponent("Sources"), includingPropertiesForKeys: nil)!
        where url.pathExtension == "swift" {
            sources += try String(contentsOf: url, encoding: .utf8)
        }
        for name in names {
            let declared = ["struct", "enum", "protocol", "class", "typealias"].contains { sources.contains("\($0) \(name)") }
            #expect(declared, "\(name) is named in docs/ARCHITECTURE.md but declared nowhere in Sources/")
        }
    }
}
