import AdmAPI
import AdmTestSupport
import Foundation
import Testing

/// Runs the built `adm` binary: the debug build, or the one ADM_BINARY names (Scripts/test
/// runs these suites again on the static release build that people install).
enum Adm {
    static let path =
        ProcessInfo.processInfo.environment["ADM_BINARY"].flatMap { $0.isEmpty ? nil : $0 }
        ?? packageRoot + "/.build/debug/adm"

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var all: String { stdout + stderr }
    }

    /// Runs adm with `arguments`, optional stdin, extra environment; waits for it on a thread of
    /// its own. Waiting on a pipe blocks a thread: on Swift's cooperative pool (as many threads as
    /// cores) two such waits starve every other test's awaits until they end — a loaded CI
    /// machine saw a test's condition-polling loop stall for 40 s that way.
    ///
    /// `fileSizeLimit` (bytes) makes writes past it fail with EFBIG, as on a full disk (the
    /// limit set by a shell that also ignores SIGXFSZ, which adm then inherits).
    static func run(
        _ arguments: [String],
        stdin: String? = nil,
        stdinBytes: [UInt8]? = nil,
        environment: [String: String] = [:],
        directory: String = packageRoot,
        fileSizeLimit: Int? = nil
    ) async throws -> Result {
        // Every run is a canary run: no key value — the sandbox's keys are shaped like real
        // ones — reaches the output or the state adm keeps (a test may pass its own state
        // folder; else each run gets a fresh one).
        var environment = environment
        let state = environment["XDG_STATE_HOME"] ?? temporaryDirectory()
        environment["XDG_STATE_HOME"] = state
        let env = environment
        let result = try await offPool {
            try runBlocking(
                arguments,
                stdin: stdin,
                stdinBytes: stdinBytes,
                environment: env,
                directory: directory,
                fileSizeLimit: fileSizeLimit
            )
        }
        checkForSecrets(result, state: state, arguments: arguments)
        return result
    }

    /// Runs `work`, which blocks (waits on a pipe or a process), on a thread of its own and
    /// awaits it: never on Swift's cooperative pool, whose threads (as many as cores) every
    /// other test's awaits share. Every wait for a child process in these suites goes through it.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Swift.Result { try work() }) }
        }
    }

    /// Anything shaped like a key in what adm printed, or in the files of its state folder
    /// (keys files aside: holding keys is their job), is a leak.
    static func checkForSecrets(_ result: Result, state: String, arguments: [String]) {
        var texts = ["stdout": result.stdout, "stderr": result.stderr]
        for file in FileManager.default.subpaths(atPath: state) ?? [] where !file.hasSuffix("sandbox-keys") {
            let bytes = Array(FileManager.default.contents(atPath: state + "/" + file) ?? Data())
            guard !AdmFile.keysFile.recognizes(Array(bytes.prefix(65536))) else { continue }
            texts["state/" + file] = String(decoding: bytes, as: UTF8.self)
        }
        for (name, text) in texts {
            let found = Redaction.keyShaped(in: text)
            #expect(found.isEmpty, "\(name) of adm \(arguments) holds something shaped like a key (\(found.first?.description ?? ""))")
        }
    }

    private static func runBlocking(
        _ arguments: [String],
        stdin: String?,
        stdinBytes: [UInt8]?,
        environment: [String: String],
        directory: String,
        fileSizeLimit: Int? = nil
    ) throws -> Result {
        let p = Process()
        if let fileSizeLimit {
            // dash's `ulimit -f` counts 512-byte blocks.
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", "trap '' XFSZ; ulimit -f \(max(0, fileSizeLimit / 512)); exec \"$0\" \"$@\"", path] + arguments
        } else {
            p.executableURL = URL(fileURLWithPath: path)
            p.arguments = arguments
        }
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["OPENAI_ADMIN_KEY"] = nil
        env["XDG_STATE_HOME"] = env["XDG_STATE_HOME"] ?? temporaryDirectory()
        env["XDG_CONFIG_HOME"] = temporaryDirectory()
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        if let stdinBytes { input.fileHandleForWriting.write(Data(stdinBytes)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        // A signal reads as the shell shows it (128 + its number): a crash is never a small status.
        let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
        return Result(status: status, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// `adm sandbox` in the background, from `start`, once it prints its base URL.
    final class Server: @unchecked Sendable {
        let process = Process()
        let baseURL: String
        let keysFile: String
        private let output = Pipe()

        /// Starts the sandbox and waits (off the cooperative pool) for its base URL.
        static func start(arguments: [String] = [], keysFile: String) async throws -> Server {
            try await offPool { try Server(arguments: arguments, keysFile: keysFile) }
        }

        private init(arguments: [String], keysFile: String) throws {
            self.keysFile = keysFile
            process.executableURL = URL(fileURLWithPath: Adm.path)
            process.arguments = ["sandbox", "--port", "0", "--keys-file", keysFile] + arguments
            process.standardOutput = output
            process.standardError = output
            try process.run()
            var text = ""
            let deadline = Date().addingTimeInterval(20)
            while !text.contains("connect:"), Date() < deadline {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("adm sandbox listening on ") }),
                let url = line.split(separator: " ").dropFirst(4).first
            else { throw NSError(domain: "adm sandbox did not start: \(text)", code: 1) }
            baseURL = String(url)
        }

        /// SIGKILL: no chance to clean up.
        func kill() {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func stop() {
            process.interrupt()
            process.waitUntilExit()
        }

        /// The NAME=VALUE pairs of the keys file.
        func keys() throws -> [String: String] {
            let text = try String(contentsOfFile: keysFile, encoding: .utf8)
            var out: [String: String] = [:]
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { out[parts[0]] = parts[1] }
            }
            return out
        }
    }
}
