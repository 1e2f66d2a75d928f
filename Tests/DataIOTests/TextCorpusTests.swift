import DataIO
import Foundation
import Tensor
import Testing

/// The byte-level text source: documents, the hash split, windows (x and its next bytes), the spec,
/// and the one-line errors for bad input.
struct TextCorpusTests {
    @Test func documentsAreCutAtPercentLinesElseBlankLines() {
        #expect(TextCorpus.documents(in: "one\ntwo\n%\nthree\n%\n%\n") == ["one\ntwo", "three"])
        #expect(TextCorpus.documents(in: "a b\nc\n\nd\r\n\r\ne\n") == ["a b\nc", "d", "e"])
    }

    /// Oracle: the windows written out by hand for a 12-byte stream, context 4, stride 3.
    @Test func windowsAreTheStreamAndItsNextBytes() throws {
        let directory = TemporaryDirectory()
        let file = directory.write(Array("abcdefghijk".utf8), to: "t.txt")
        let corpus = try TextCorpus(corpus: .file(file), split: .train, context: 4, stride: 3, validation: 0)
        #expect(try corpus.stream() == Array("abcdefghijk\n".utf8))
        let data = try corpus.generate()
        // starts 0, 3, 6 (6 + 4 + 1 ≤ 12; 9 + 5 > 12)
        #expect(data.x.shape == [3, 4] && data.y.shape == [3, 4] && data.labels == nil)
        func bytes(_ s: String) -> [Double] { s.utf8.map(Double.init) }
        #expect(data.x.scalars == bytes("abcd") + bytes("defg") + bytes("ghij"))
        #expect(data.y.scalars == bytes("bcde") + bytes("efgh") + bytes("hijk"))
        #expect(try TextCorpus(corpus: .file(file), context: 4, stride: 3, validation: 0, limit: 2).generate().count == 2)
    }

    /// The split is by document, by hash: train and validation partition the documents, the same every time.
    @Test func splitPartitionsDocumentsDeterministically() throws {
        let directory = TemporaryDirectory()
        let documents = (0..<200).map { "document number \($0)" }
        let file = directory.write(Array(documents.joined(separator: "\n%\n").utf8), to: "d.txt")
        let train = try TextCorpus(corpus: .file(file), split: .train, context: 8, validation: 0.25)
        let validation = try TextCorpus(corpus: .file(file), split: .validation, context: 8, validation: 0.25)
        let trainText = String(decoding: try train.stream(), as: UTF8.self), validationText = String(decoding: try validation.stream(), as: UTF8.self)
        let held = documents.filter { TextCorpus.isValidation($0, fraction: 0.25) }
        #expect(validationText == held.map { $0 + "\n" }.joined())
        #expect(trainText == documents.filter { !held.contains($0) }.map { $0 + "\n" }.joined())
        #expect(held.count > 30 && held.count < 70)   // ≈ 50 of 200
        #expect(try train.generate() == train.generate())
    }

    @Test func specParsesAndBadInputIsOneLine() throws {
        let directory = TemporaryDirectory()
        let file = directory.write(Array("hello world\n".utf8), to: "h.txt")
        #expect(try DataSource(parsing: "text:\(file.path),context=3,stride=2,n=4,split=validation,validation=0.5")
                == .text(try TextCorpus(corpus: .file(file), split: .validation, context: 3, stride: 2, validation: 0.5, limit: 4)))
        #expect(try DataSource(parsing: "text") == .text(try TextCorpus()))
        func problem(_ spec: String) -> String {
            do { _ = try DataSource(parsing: spec).load(); return "no error" } catch { return error.description }
        }
        let empty = directory.write([], to: "empty.txt")
        let binary = directory.write([0x66, 0xff, 0xfe, 0x0a], to: "binary.txt")
        #expect(problem("text:\(empty.path)") == "\(empty.path): the text file is empty; expected UTF-8 text")
        #expect(problem("text:\(binary.path)") == "\(binary.path): the file is not valid UTF-8 text")
        #expect(problem("text:\(file.path),context=64,validation=0")
                == "\(file.path): the train split holds 12 bytes, too few for one window of context 64 and its next token (65 bytes)")
        #expect(problem("text:\(directory.url.path)/missing.txt").hasPrefix("\(directory.url.path)/missing.txt: cannot read the text file"))
        #expect(problem("text:context=0") == "text:context=0: context must be ≥ 1, got 0")
        #expect(problem("text:validation=1") == "text:validation=1: key 'validation' expects a fraction in [0, 1), got '1'")
        #expect(!problem("text:size=3").contains("no error"))
        for message in [problem("text:\(empty.path)"), problem("text:\(binary.path)")] { #expect(!message.contains("\n")) }
    }

    /// The fortunes corpus (installed by `make`): byte windows of English text, both splits non-empty.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: TextCorpus.fortunesDirectory.path)))
    func fortunesCorpusLoads() throws {
        let train = try TextCorpus(split: .train, context: 32, limit: 100).generate()
        let validation = try TextCorpus(split: .validation, context: 32, limit: 100).generate()
        #expect(train.x.shape == [100, 32] && validation.x.shape == [100, 32])
        #expect(train.x.scalars.allSatisfy { $0 >= 0 && $0 < 256 } && train.x != validation.x)
    }
}
