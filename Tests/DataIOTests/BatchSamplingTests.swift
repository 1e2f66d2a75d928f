import DataIO
import Foundation
import Testing

/// BatchSampling's one spelling: the raw values are what the CLI, configs and JSON write and read.
/// Oracle: the literal strings of the documented table.
@Suite struct BatchSamplingTests {
    @Test func rawValuesAreTheDocumentedSpellings() {
        #expect(BatchSampling.allCases.map(\.rawValue) == ["without-replacement", "with-replacement", "uniform-subset", "fixed-order"])
        #expect(BatchSampling.spellings == "without-replacement, with-replacement, uniform-subset, fixed-order")
        #expect(BatchSampling(rawValue: "fixed-order") == .fixedOrder)
        #expect(BatchSampling(rawValue: "with") == nil)
        #expect(BatchSampling.uniformSubset.batchLaw == "a fresh uniform b-subset each step")
        #expect(Set(BatchSampling.allCases.map(\.batchLaw)).count == BatchSampling.allCases.count)
    }

    @Test func jsonRoundTripKeepsEveryCase() throws {
        let encoded = try JSONEncoder().encode(BatchSampling.allCases)
        #expect(String(decoding: encoded, as: UTF8.self)
                    == #"["without-replacement","with-replacement","uniform-subset","fixed-order"]"#)
        #expect(try JSONDecoder().decode([BatchSampling].self, from: encoded) == BatchSampling.allCases)
    }

    @Test func decodingAnUnknownSpellingFails() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(BatchSampling.self, from: Data(#""sometimes""#.utf8)) }
    }
}
