import Foundation

/// A fresh directory under the system's temporary directory, removed when the value is deinitialized.
final class TemporaryDirectory {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("biaslab-dataio-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The URL of `name` in this directory.
    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `bytes` to `name` and returns its URL.
    @discardableResult
    func write(_ bytes: [UInt8], to name: String) -> URL {
        let file = file(name)
        try! Data(bytes).write(to: file)
        return file
    }
}

/// Bytes from a base64 literal (the NumPy fixtures).
func base64Bytes(_ text: String) -> [UInt8] { [UInt8](Data(base64Encoded: text)!) }
