/// A problem with input data: a file that is missing, truncated, corrupt or of an unsupported kind, a
/// missing array, or a data-source spec that does not parse.
///
/// Its ``description`` is one line, `<source>: <problem>`, where the source is the file path (or the
/// spec, or the archive member as `archive.npz[x.npy]`) and the problem says what was found and what
/// was expected, e.g.
/// `data.npy: unsupported dtype '>f8' (expected one of '<f8', '<f4', '<i8', '|u1', '|i1')`.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, for callers (and tests) that branch on it.
    public enum Kind: String, Sendable, CaseIterable {
        /// The file or directory does not exist or cannot be read.
        case notFound
        /// The input ends before the format says it should.
        case truncated
        /// The input does not start with the format's magic bytes.
        case badMagic
        /// A valid input of a kind this library does not read (dtype, Fortran order, compression).
        case unsupported
        /// The input is internally inconsistent (checksum, header, values out of range).
        case corrupt
        /// An archive lacks a required array.
        case missingKey
        /// A value cannot be represented (e.g. 0.5 written as int64) or a parameter is out of range.
        case invalidValue
        /// A data-source spec names an unknown source or key, or a key has a bad value.
        case invalidSpec
    }

    public let kind: Kind
    /// The file path, archive member or spec the problem is in.
    public let source: String
    /// What was found and what was expected (one line).
    public let problem: String

    public init(_ kind: Kind, source: String, _ problem: String) {
        self.kind = kind
        self.source = source
        self.problem = problem
    }

    public var description: String { "\(source): \(problem)" }
}
