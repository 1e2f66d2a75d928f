/// A closed-form theory routine was given an input outside the range where its formula holds.
///
/// The message names the input, the value received and the range expected, in the form the CLI prints as
/// one line: `beta2 must be in [0, 1), got 1.0`.
public struct TheoryInputError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The input's name, spelled as the library argument (`beta1`, `learningRate`, `batchSize`, …).
    public let name: String
    /// The value received (nil when the input is missing or not a number).
    public let value: Double?
    /// The range expected, in interval notation or words (`[0, 1)`, `> 0`, `≤ N`).
    public let expected: String

    public init(name: String, value: Double?, expected: String) {
        self.name = name
        self.value = value
        self.expected = expected
    }

    public var description: String {
        value.map { "\(name) must be \(expected), got \($0)" } ?? "\(name) must be \(expected)"
    }
}

/// Range checks shared by every theory routine. Each throws a `TheoryInputError` naming the input.
enum Check {
    /// β ∈ [0, 1): the range of every EMA / momentum coefficient in the seed papers.
    static func beta(_ value: Double, _ name: String) throws {
        guard value >= 0, value < 1 else { throw TheoryInputError(name: name, value: value, expected: "in [0, 1)") }
    }

    /// x > 0 and finite.
    static func positive(_ value: Double, _ name: String) throws {
        guard value > 0, value.isFinite else { throw TheoryInputError(name: name, value: value, expected: "> 0") }
    }

    /// x ≥ 0 and finite.
    static func nonNegative(_ value: Double, _ name: String) throws {
        guard value >= 0, value.isFinite else { throw TheoryInputError(name: name, value: value, expected: "≥ 0") }
    }

    /// ρ ∈ (0, 1]: concentration measures (paper 003, Def. 2).
    static func unitInterval(_ value: Double, _ name: String) throws {
        guard value > 0, value <= 1 else { throw TheoryInputError(name: name, value: value, expected: "in (0, 1]") }
    }

    /// 1 ≤ b ≤ N for a batch size drawn from N samples.
    static func batchSize(_ value: Double, _ name: String, datasetSize: Double) throws {
        guard value >= 1, value <= datasetSize else {
            throw TheoryInputError(name: name, value: value, expected: "in [1, \(datasetSize)] (at most the dataset size)")
        }
    }
}
