import Foundation
import Tensor

/// A byte-level language-modelling dataset over plain UTF-8 text: each sample is one window of
/// `context` tokens and its next tokens.
///
/// 1. **Corpus**: Debian's `fortunes` package (every file of `/usr/share/games/fortunes/` without an
///    extension, in name order) or a user's text file. Each file must be non-empty UTF-8.
/// 2. **Documents**: a file is cut at lines holding only `%` (the fortune format); a file with no such
///    line is cut at blank lines (paragraphs). Empty documents are dropped.
/// 3. **Split by document**, deterministically: a document goes to validation when the FNV-1a 64-bit hash
///    of its bytes, mod 10 000, is below `validation`·10 000 (so it stays on its side when other documents
///    are added or removed); the rest is training.
/// 4. **Stream**: the split's documents in corpus order, each followed by one `\n`, as UTF-8 bytes.
///    Tokens are bytes, vocabulary 256 (``vocabulary``).
/// 5. **Windows**: for s = 0, stride, 2·stride, … with s + context + 1 ≤ stream length, x = bytes
///    s ..< s + context and y = bytes s + 1 ... s + context (the next token at each position); at most
///    the first `limit` windows when given.
///
/// x and y are [N, context] token ids as Doubles; there are no class labels (the loss is
/// next-token cross-entropy, `Loss.nextTokenCrossEntropy`).
public struct TextCorpus: Equatable, Sendable {
    public enum Corpus: Equatable, Sendable {
        /// Debian's `fortunes` package.
        case fortunes
        /// A plain UTF-8 text file.
        case file(URL)
    }

    public enum Split: String, CaseIterable, Codable, Sendable {
        case train, validation
    }

    public let corpus: Corpus
    public let split: Split
    public let context: Int
    public let stride: Int
    /// The fraction of documents (by hash) held out for validation.
    public let validation: Double
    /// At most this many windows (the first ones), or nil for all.
    public let limit: Int?

    /// Bytes: every token is one UTF-8 byte.
    public static let vocabulary = 256
    public static let fortunesDirectory = URL(fileURLWithPath: "/usr/share/games/fortunes")

    public init(corpus: Corpus = .fortunes, split: Split = .train, context: Int = 64, stride: Int? = nil,
                validation: Double = 0.1, limit: Int? = nil) throws(DataError) {
        let source = corpus.name
        guard context >= 1 else { throw DataError(.invalidValue, source: source, "context must be ≥ 1, got \(context)") }
        let stride = stride ?? context
        guard stride >= 1 else { throw DataError(.invalidValue, source: source, "stride must be ≥ 1, got \(stride)") }
        guard validation >= 0 && validation < 1 else {
            throw DataError(.invalidValue, source: source, "validation must be a fraction in [0, 1), got \(validation)")
        }
        if let limit, limit < 1 { throw DataError(.invalidValue, source: source, "n must be ≥ 1, got \(limit)") }
        if let problem = InputSizeLimit.problem("one sequence window", [context]) {
            throw DataError(.invalidValue, source: source, problem)
        }
        self.corpus = corpus
        self.split = split
        self.context = context
        self.stride = stride
        self.validation = validation
        self.limit = limit
    }

    /// The documents of the corpus, in order (see the type's documentation, steps 1–2).
    public func documents() throws(DataError) -> [String] {
        var result: [String] = []
        for url in try corpus.files() { result += Self.documents(in: try Self.readText(url)) }
        return result
    }

    /// A text cut into documents at `%` lines, or at blank lines when it has none.
    public static func documents(in text: String) -> [String] {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        let separator: (Substring) -> Bool = lines.contains("%")
            ? { $0 == "%" } : { $0.allSatisfy(\.isWhitespace) }
        var documents: [String] = [], current: [Substring] = []
        func flush() {
            let document = current.joined(separator: "\n").trimmingCharacters(in: .newlines)
            if !document.isEmpty { documents.append(document) }
            current = []
        }
        for line in lines {
            if separator(line) { flush() } else { current.append(line) }
        }
        flush()
        return documents
    }

    /// Whether a document is held out (step 3): FNV-1a 64 of its UTF-8 bytes mod 10 000 < fraction·10 000.
    public static func isValidation(_ document: String, fraction: Double) -> Bool {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in document.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return Double(hash % 10_000) < fraction * 10_000
    }

    /// The split's byte stream (step 4).
    public func stream() throws(DataError) -> [UInt8] {
        var bytes: [UInt8] = []
        for document in try documents() where Self.isValidation(document, fraction: validation) == (split == .validation) {
            bytes.append(contentsOf: document.utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    public func generate() throws(DataError) -> Dataset {
        let bytes = try stream()
        guard bytes.count >= context + 1 else {
            throw DataError(.invalidValue, source: corpus.name,
                            "the \(split.rawValue) split holds \(bytes.count) bytes, too few for one window of context \(context) and its next token (\(context + 1) bytes)")
        }
        var count = (bytes.count - context - 1) / stride + 1
        if let limit { count = min(count, limit) }
        var x = [Double](repeating: 0, count: count * context), y = x
        for i in 0..<count {
            let start = i * stride
            for t in 0..<context {
                x[i * context + t] = Double(bytes[start + t])
                y[i * context + t] = Double(bytes[start + t + 1])
            }
        }
        return Dataset(name: "text:\(corpus.name):\(split.rawValue)", x: Tensor(shape: [count, context], scalars: x),
                       y: Tensor(shape: [count, context], scalars: y))
    }

    /// A file's text: non-empty, valid UTF-8, else a one-line error naming it.
    static func readText(_ url: URL) throws(DataError) -> String {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataError(.notFound, source: url.path, "cannot read the text file (\(error.localizedDescription))")
        }
        guard !data.isEmpty else { throw DataError(.invalidValue, source: url.path, "the text file is empty; expected UTF-8 text") }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw DataError(.corrupt, source: url.path, "the file is not valid UTF-8 text")
        }
        return text
    }
}

extension TextCorpus.Corpus {
    /// "fortunes", or the file's path.
    public var name: String {
        switch self {
        case .fortunes: "fortunes"
        case .file(let url): url.path
        }
    }

    /// The files to read, in order.
    func files() throws(DataError) -> [URL] {
        switch self {
        case .file(let url): return [url]
        case .fortunes:
            let directory = TextCorpus.fortunesDirectory
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            let files = names.filter { !$0.contains(".") }.sorted().map { directory.appendingPathComponent($0) }
                .filter { !$0.hasDirectoryPath && FileManager.default.isReadableFile(atPath: $0.path) }
            guard !files.isEmpty else {
                throw DataError(.notFound, source: directory.path, "the fortunes corpus is not installed; install it with `apt-get install fortunes`")
            }
            return files
        }
    }
}
