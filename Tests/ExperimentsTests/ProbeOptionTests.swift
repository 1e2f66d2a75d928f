import Experiments
import Testing

/// The typed probe options read their key (default when absent, one-line error naming the key path when
/// invalid) and describe themselves from the same key, default and range. Oracle: the literal values.
@Suite struct ProbeOptionTests {
    enum Mode: String, CaseIterable, Sendable { case exact, sampled }

    static func reader(_ values: [String: ConfigValue]) throws -> ConfigReader {
        try ConfigReader(.map(values), path: "probes[0].options")
    }

    @Test func integerOption() throws {
        let option = IntegerOption("batch_count", default: 32, in: 1...1_000, "K")
        var absent = try Self.reader([:]), given = try Self.reader(["batch_count": .integer(7)])
        #expect(try option.read(&absent) == 32)
        #expect(try option.read(&given) == 7)
        var bad = try Self.reader(["batch_count": .integer(0)])
        #expect(throws: ConfigError(path: "probes[0].options.batch_count", "must be in [1, 1000], got 0")) { try option.read(&bad) }
        let d = option.description
        #expect([d.key, d.summary, d.defaultValue, d.expected] == ["batch_count", "K", "32", "[1, 1000]"])
        #expect(IntegerOption.rademacherProbes(default: 16, "K").description.key == "probes")
    }

    @Test func choiceOption() throws {
        let option = ChoiceOption("mode", default: Mode.exact, "how")
        var given = try Self.reader(["mode": .string("sampled")]), bad = try Self.reader(["mode": .string("fast")])
        #expect(try option.read(&given) == .sampled)
        #expect(throws: ConfigError(path: "probes[0].options.mode", "must be one of exact, sampled, got fast")) { try option.read(&bad) }
        #expect(option.description.expected == "one of exact, sampled" && option.description.defaultValue == "exact")
    }

    @Test func numberOption() throws {
        let option = NumberOption("tolerance", default: "1e-6", expected: "in (0, 1)", "tol") { $0 > 0 && $0 < 1 }
        var absent = try Self.reader([:]), given = try Self.reader(["tolerance": .number(0.5)])
        #expect(try option.read(&absent) == nil)
        #expect(try option.read(&given) == 0.5)
        var bad = try Self.reader(["tolerance": .number(2)])
        #expect(throws: ConfigError(path: "probes[0].options.tolerance", "must be in (0, 1), got 2.0")) { try option.read(&bad) }
        #expect(option.description.defaultValue == "1e-6")
    }
}
