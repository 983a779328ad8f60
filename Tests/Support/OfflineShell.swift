import AdmAPI
import AdmShell
import Synchronization

/// A transport with no server behind it: every request that reaches it is counted and refused.
/// Commands of pure logic run on it, so a test shows both what they do and that they call
/// nothing.
public final class NoServer: Transport {
    private let reached = Mutex<[String]>([])

    public init() {}

    /// The requests that reached it (`GET https://…/organization/projects`).
    public var requests: [String] { reached.withLock { $0 } }

    public func send(_ request: WireRequest, credential: Secret?, timeout: Duration) async throws(TransportError) -> WireResponse {
        reached.withLock { $0.append("\(request.method.rawValue) \(request.url)") }
        throw .connect(host: "no-server.invalid", reason: "this test has no server")
    }

    public func shutdown() async {}
}

/// An interpreter with no server, its output and the `NoServer` it would call.
public struct OfflineShell {
    public let shell: Interpreter
    public let output: CapturedOutput
    public let server: NoServer

    /// Two session keys (`owner`, an admin key, active; `bot`, a service account's), no project.
    public init() {
        output = CapturedOutput()
        server = NoServer()
        var configuration = ShellConfiguration(baseURL: "https://no-server.invalid/v1", transport: server)
        configuration.retry = .none
        shell = Interpreter(configuration: configuration, output: output)
        shell.session.addKey(SessionKey(name: "owner", secret: Secret("sk-admin-" + String(repeating: "o", count: 40)), source: .sandbox))
        shell.session.addKey(SessionKey(name: "bot", secret: Secret("sk-svcacct-" + String(repeating: "b", count: 40)), source: .sandbox))
        shell.session.activeKey = "owner"
        shell.script.echoExpectations = false
    }

    /// Runs `text`; returns what it printed on standard output.
    @discardableResult
    public func run(_ text: String) async throws(ShellError) -> String {
        let before = output.standard.count
        try await shell.run(text)
        return String(output.standard.dropFirst(before))
    }
}
