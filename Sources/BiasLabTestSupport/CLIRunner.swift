import Foundation

/// Runs the built `biaslab` executable (the one next to the test bundle) for end-to-end tests.
public enum CLIRunner {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        /// stdout parsed as one JSON object.
        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
        }
    }

    /// The directory holding the test bundle, where SwiftPM also puts the `biaslab` product.
    public static var productsDirectory: URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("biaslab").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        return exe.deletingLastPathComponent()
    }

    /// Runs `biaslab args…` to completion and captures its output. `environment` changes the inherited
    /// environment: a key set to a value is set, a key set to nil is removed. `launcher` (an absolute
    /// path and its arguments, e.g. `setpriv --reuid=65534 …`) runs `biaslab` through another program.
    public static func run(_ arguments: [String], currentDirectory: URL? = nil,
                           environment: [String: String?] = [:], launcher: [String] = []) throws -> Result {
        let process = Process()
        let biaslab = productsDirectory.appendingPathComponent("biaslab")
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [biaslab.path] + arguments
        } else {
            process.executableURL = biaslab
            process.arguments = arguments
        }
        return try execute(process, currentDirectory: currentDirectory, environment: environment)
    }

    /// Runs the shell command line `command` with `/bin/sh -c` (environment assignments, redirections,
    /// `$((…))` and comments as a user's shell reads them), the built `biaslab` first on the PATH.
    public static func shell(_ command: String, currentDirectory: URL? = nil, environment: [String: String?] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        var environment = environment
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        environment["PATH"] = productsDirectory.path + ":" + path
        return try execute(process, currentDirectory: currentDirectory, environment: environment)
    }

    /// Starts `process` with its output captured and waits for it.
    static func execute(_ process: Process, currentDirectory: URL?, environment: [String: String?]) throws -> Result {
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (key, value) in environment { merged[key] = value }
            process.environment = merged
        }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Drain stderr on another thread while this one drains stdout, so neither pipe can fill up and
        // block the child; both reads retry on EINTR (Foundation's readDataToEndOfFile traps on it).
        nonisolated(unsafe) var errData = Data()
        let errDone = DispatchSemaphore(value: 0)
        let errHandle = err.fileHandleForReading
        DispatchQueue.global().async {
            errData = CLIRunner.readAll(errHandle.fileDescriptor)
            errDone.signal()
        }
        let outData = CLIRunner.readAll(out.fileHandleForReading.fileDescriptor)
        errDone.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Starts `biaslab args…` in the background, its output discarded (for tests that signal or race it).
    public static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("biaslab")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Everything readable from `fd` until end of file, retrying reads interrupted by a signal.
    static func readAll(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 { data.append(contentsOf: buffer[0..<n]) } else if n == 0 || errno != EINTR { return data }
        }
    }

    /// A fresh temporary directory for a test's files.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("biaslab-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
