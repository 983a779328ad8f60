import AdmAPI
import Synchronization

/// The one way out of `adm mcp`: JSON-RPC messages, one per line, each written whole (never
/// interleaved with another), and each scrubbed first of the session's key values and of
/// anything else shaped like a key. Tool results, progress, errors: all of it passes here.
public final class MCPOutput: Sendable {
    private let emit: @Sendable (String) -> Void
    /// The session's key values, refreshed by the server before and after each tool call.
    private let secrets = Mutex<[Secret]>([])

    /// `emit` writes one line (the line break included) to the client.
    public init(emit: @escaping @Sendable (String) -> Void) {
        self.emit = emit
    }

    func remember(_ secrets: [Secret]) {
        self.secrets.withLock { $0 = secrets }
    }

    /// Sends `message`.
    func send(_ message: JSON) {
        let text = message.serialized()
        secrets.withLock { secrets in
            emit(Redaction.maskKeyShaped(Redaction.scrub(text, secrets: secrets)) + "\n")
        }
    }

    func respond(to id: JSON, result: JSON) {
        send(.obj(["jsonrpc": "2.0", "id": id, "result": result]))
    }

    /// A JSON-RPC error: `-32700` unreadable, `-32600` not a request, `-32601` no such method,
    /// `-32602` bad parameters.
    func fail(_ id: JSON, code: Int, _ message: String) {
        send(.obj(["jsonrpc": "2.0", "id": id, "error": .obj(["code": .int(code), "message": .string(message)])]))
    }

    func notify(_ method: String, _ params: JSON) {
        send(.obj(["jsonrpc": "2.0", "method": .string(method), "params": params]))
    }
}

/// What the interpreter prints while it serves `adm mcp`: kept, line by line, for the tool
/// result it belongs to (standard output is the protocol's).
public final class MCPCapture: OutputSink, @unchecked Sendable {
    // One tool call at a time writes here (see `MCPServer`); the lock keeps a stray write
    // from a background refresh safe too.
    private let text = Mutex("")

    public init() {}
    public func write(_ text: String) { self.text.withLock { $0 += text } }
    public func writeError(_ text: String) { self.text.withLock { $0 += text } }

    /// What was printed since the last call, as lines.
    func take() -> [String] {
        text.withLock { t in
            defer { t = "" }
            return t.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        }
    }
}
