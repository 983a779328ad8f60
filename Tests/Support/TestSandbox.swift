import AdmAPI
import AdmHTTP
import AdmSandbox
import AdmShell

#if canImport(Glibc)
import Glibc
#endif

extension SandboxOptions {
    /// Options for a test of something other than rate limits: the sandbox is faithful by
    /// default (the live API's 8 requests a minute per endpoint), so these turn the limit off.
    public static var unlimited: SandboxOptions {
        var options = SandboxOptions()
        options.rateLimit = nil
        return options
    }

    /// These options with `rule` as the rate limit.
    public func limited(_ rule: RateLimitRule?) -> SandboxOptions {
        var options = self
        options.rateLimit = rule
        return options
    }
}

/// A sandbox started inside the test process, and a client for it: through its dispatcher
/// with no socket (the fast tier, the default), or over real HTTP on loopback (`overHTTP`, for
/// what only a socket shows).
public final class TestSandbox: Sendable {
    public let server: SandboxServer
    public let transport: any Transport
    private let http: HTTPTransport?

    /// Starts a sandbox; without the limit unless `options` say otherwise (see `.unlimited`).
    public init(_ options: SandboxOptions = .unlimited, overHTTP: Bool = false) async throws {
        _ = testStateDirectory
        server = try await SandboxServer.start(options)
        http = overHTTP ? try HTTPTransport() : nil
        transport = http ?? server.inProcess
    }

    /// The secret of a fixture key.
    public func key(_ name: String) -> Secret {
        server.fixtureKeys.first { $0.name == name }!.secret
    }

    public var client: AdminClient { AdminClient(baseURL: server.baseURL, transport: transport, retry: .none) }

    /// Sends a call to `endpoint` with the fixture key named `key`.
    public func call(
        _ endpoint: Endpoint,
        key: String,
        path: [String: String] = [:],
        query: [QueryItem] = [],
        body: JSON? = nil
    ) async throws -> CallResult {
        try await client.send(Call(endpoint, pathParameters: path, query: query, body: body), key: self.key(key))
    }

    /// A raw request (any method and path, optional key).
    public func raw(_ method: HTTPMethod, _ path: String, key: String? = nil, body: String? = nil) async throws -> WireResponse {
        try await transport.send(
            WireRequest(method: method, url: server.baseURL + path, body: body.map { Array($0.utf8) }),
            credential: key.map(self.key),
            timeout: .seconds(30)
        )
    }

    /// The control API.
    public func control(_ method: HTTPMethod, _ path: String, _ body: JSON? = nil) async throws -> JSON {
        var base = server.baseURL
        base.removeLast(3)
        let r = try await transport.send(
            WireRequest(method: method, url: base + "/_sandbox/" + path, body: body?.bytes()),
            credential: nil,
            timeout: .seconds(60)
        )
        return try JSON.parse(bytes: r.body)
    }

    public var defaultProject: String { server.defaultProjectID! }

    /// An interpreter on this sandbox with its fixture keys, writing to `output`.
    public func shell(output: CapturedOutput = CapturedOutput()) -> Interpreter {
        var configuration = ShellConfiguration(baseURL: server.baseURL, transport: transport)
        configuration.builtInSandbox = true
        configuration.retry = .none
        configuration.twins = TestTwins()
        let shell = Interpreter(configuration: configuration, output: output)
        for k in server.fixtureKeys { shell.session.addKey(SessionKey(name: k.name, secret: k.secret, source: .sandbox)) }
        shell.session.activeKey = "owner"
        shell.session.activeProject = defaultProject
        shell.script.echoExpectations = false
        return shell
    }

    public func stop() async {
        await http?.shutdown()
        await server.stop()
    }
}

/// Runs `body` with a fresh sandbox (reached in process unless `overHTTP`), stopping it afterwards.
public func withSandbox<T>(
    _ options: SandboxOptions = .unlimited,
    overHTTP: Bool = false,
    _ body: (TestSandbox) async throws -> T
) async throws -> T {
    let sandbox = try await TestSandbox(options, overHTTP: overHTTP)
    do {
        let value = try await body(sandbox)
        await sandbox.stop()
        return value
    } catch {
        await sandbox.stop()
        throw error
    }
}

/// The package's root directory (for scripts and the built binary).
public let packageRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

/// The test process's `XDG_STATE_HOME` (job journals and the like stay out of the real home).
public let testStateDirectory: String = {
    let path = temporaryDirectory()
    setenv("XDG_STATE_HOME", path, 1)
    return path
}()

/// A fresh temporary directory.
public func temporaryDirectory() -> String {
    let path = "/tmp/adm-test-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    FileMode.makeDirectories(path)
    return path
}

/// Writes `bytes` to `path` with `mode` (a fixture file: a key file, a script, someone's file).
public func writeTestFile(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) {
    unlink(path)
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
    precondition(fd >= 0, "could not create \(path)")
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    fchmod(fd, mode)
    close(fd)
}

/// Writes `text` to `path` with `mode`.
public func writeTestFile(_ path: String, _ text: String, mode: mode_t = 0o600) {
    writeTestFile(path, Array(text.utf8), mode: mode)
}

/// Runs `body` with every file adm writes redirected under a scratch folder (see `Scratch`),
/// removed afterwards: walks that give commands arbitrary words as paths (`repro --twin -1`)
/// leave nothing in the folder the tests run from.
public func withScratchFiles<T>(_ body: () async throws -> T) async throws -> T {
    let folder = try Scratch.make()
    defer { Scratch.remove(folder) }
    return try await Scratch.redirecting(to: folder) { try await body() }
}

/// SplitMix64 for the fuzzers and walks (the same sequence on every machine).
public struct SeededRandom {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    public mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
}

/// Runs `body` with a watchdog that cancels it after `seconds`: whether it succeeded, and
/// whether the watchdog had to cut it off (a hang).
public func watched(seconds: Int, _ body: @escaping @Sendable () async throws -> Void) async -> (succeeded: Bool, hung: Bool) {
    let task = Task { () -> Bool in
        do {
            try await body()
            return true
        } catch {
            return false
        }
    }
    let watchdog = Task {
        try await Task.sleep(for: .seconds(seconds))
        task.cancel()
        return true
    }
    let succeeded = await task.value
    watchdog.cancel()
    // The watchdog fired only when the statement outlived it.
    let hung = (try? await watchdog.value) == true
    return (succeeded, hung)
}
