import AdmAPI
import AdmHTTP
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// How to run the sandbox.
public struct SandboxOptions: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 0
    /// SQLite file that keeps the organization (`--db`); nil keeps it in memory.
    public var databasePath: String?
    public var knownIssues: Set<KnownIssue> = []
    public var faults = Faults()
    /// The live API's limit by default (8 a minute per key and endpoint, 7 at once); nil = none.
    public var rateLimit: RateLimitRule? = .realistic
    /// Whether SIGINT and SIGTERM stop it gracefully (`adm sandbox` in the foreground; the
    /// built-in one leaves Ctrl-C to the shell).
    public var stopsOnSignals = false
    /// How long requests in flight get to finish when it stops (an injected latency, say);
    /// committed writes are durable either way.
    public var stopGrace: Duration = .seconds(1)
    /// A snapshot (`snapshot FILE`) to start from: the sandbox is then a twin of that
    /// organization, its fixture keys stand-ins (`Twin`). Not with `databasePath`.
    public var twin: JSON?

    public init() {}
}

/// The local emulator of the Admin API, served over HTTP on loopback by Hummingbird.
public final class SandboxServer: Sendable {
    /// `http://127.0.0.1:PORT/v1`.
    public let baseURL: String
    public let port: Int
    /// The fixture keys as they are now (their secrets stay inside `Secret`; a seed brings new ones).
    public var fixtureKeys: FixtureKeys { keyring.keys }
    /// The organization's id (a seed brings its own).
    public var organizationID: String { store.organizationID }
    /// The fixture project ("Default project"); in a twin, its first active project.
    public var defaultProjectID: String? { try? store.read { s in s.defaultProject?.id } }
    /// What a twin could not carry over from its snapshot (empty otherwise).
    public let twinNotes: [String]
    private let dispatcher: Dispatcher
    /// The fixture keys, as the control API holds them (a seed replaces them).
    private var keyring: FixtureKeyring { dispatcher.control.fixtures }
    /// The organization (the dispatcher's).
    private var store: Store { dispatcher.store }

    /// A transport to this sandbox that skips the socket (see `InProcessTransport`).
    public var inProcess: InProcessTransport { InProcessTransport(dispatcher: dispatcher) }
    /// The server, as ServiceLifecycle runs it.
    private let running: (task: Task<Void, any Error>, group: ServiceGroup)

    private init(baseURL: String, port: Int, dispatcher: Dispatcher, running: (task: Task<Void, any Error>, group: ServiceGroup), twinNotes: [String])
    {
        self.twinNotes = twinNotes
        self.baseURL = baseURL
        self.port = port
        self.dispatcher = dispatcher
        self.running = running
    }

    /// Starts the sandbox and returns once it is listening.
    public static func start(_ options: SandboxOptions) async throws(SandboxError) -> SandboxServer {
        let (store, keys, notes) = try await makeStore(options)
        var settings = SandboxSettings()
        settings.knownIssues = options.knownIssues
        settings.faults = options.faults
        settings.rateLimit = options.rateLimit
        let keyring = FixtureKeyring(keys)
        let dispatcher = Dispatcher(store: store, settings: settings, fixtures: keyring)
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            try await respond(request, dispatcher)
        }
        var logger = Logger(label: "adm.sandbox")
        logger.logLevel = .critical
        let bound = Mutex<Int?>(nil)
        let (started, startedContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                bound.withLock { $0 = port }
                startedContinuation.yield(port)
                startedContinuation.finish()
            },
            logger: logger
        )
        // ServiceLifecycle runs the server: graceful shutdown on a signal (when asked) or on
        // `stop`, requests in flight given `stopGrace` to finish.
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: app)],
            gracefulShutdownSignals: options.stopsOnSignals ? [.sigint, .sigterm] : [],
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = options.stopGrace
        let group = ServiceGroup(configuration: configuration)
        // Handlers run on the event loop that read their request (no hop to the cooperative pool).
        // A server that cannot listen (a port in use) ends the wait for its port too: without
        // this, `adm sandbox --port BUSY` waited for ever.
        let task = Task(executorPreference: EventLoopExecutor(group: .singleton)) {
            defer { startedContinuation.finish() }
            try await group.run()
        }
        var port = 0
        for await p in started { port = p }
        if port == 0 {
            task.cancel()
            let failure = await task.result
            if case .failure(let error) = failure {
                throw .badRequest("could not listen on \(options.host):\(options.port): \(Self.describe(error))")
            }
            throw .badRequest("could not listen on \(options.host):\(options.port)")
        }
        let host = options.host.contains(":") ? "[\(options.host)]" : options.host
        return SandboxServer(baseURL: "http://\(host):\(port)/v1", port: port, dispatcher: dispatcher, running: (task, group), twinNotes: notes)
    }

    /// A stand-in key (`StandIns`) with `profile` (nil: a project key) under `name`: it calls
    /// the sandbox with those permissions and appears in no listing.
    public func standIn(name: String, profile: PermissionProfile?) async throws(SandboxError) -> Secret {
        let now = UnixTime.now()
        do {
            return try await store.write { s in s.standIn(name: name, profile: profile, ownerUserID: s.firstOwner?.id, now: now).1 }
        } catch {
            throw .storage(error.message)
        }
    }

    /// Whether the organization is kept in a database file (`--db`).
    public var hasDatabase: Bool { store.persistence != nil }

    /// Runs until a signal stops it (`adm sandbox` in the foreground), then closes the database.
    public func wait() async {
        _ = await running.task.result
        await store.close()
    }

    /// Stops serving (requests in flight get `stopGrace`) and closes the database.
    public func stop() async {
        await running.group.triggerGracefulShutdown()
        _ = await running.task.result
        await store.close()
    }

    /// Why the server could not listen, by the socket's errno where there is one.
    static func describe(_ error: any Error) -> String {
        if let io = error as? IOError {
            return io.errnoCode == EADDRINUSE ? "address already in use" : String(cString: strerror(io.errnoCode))
        }
        return "\(error)"
    }

    /// The store: fresh fixtures in memory, or the organization kept in `--db` (fixtures the
    /// first time).
    static func makeStore(_ options: SandboxOptions) async throws(SandboxError) -> (Store, FixtureKeys, [String]) {
        if let snapshot = options.twin {
            guard options.databasePath == nil else {
                throw .badRequest("--twin builds the organization in memory from the snapshot; it does not go with --db")
            }
            let (state, keys, notes) = try Twin.withFixtures(snapshot, now: UnixTime.now())
            return (Store(state: state, persistence: nil), keys, notes)
        }
        guard let path = options.databasePath else {
            let (state, keys) = Fixtures.make(now: UnixTime.now())
            var s = state
            s.discardChanges()
            return (Store(state: s, persistence: nil), keys, [])
        }
        let persistence = try await Persistence.open(path: path)
        do throws(SandboxError) {
            let (records, meta) = try await persistence.load()
            if let orgID = meta["organization_id"], !records.isEmpty {
                var s = OrgState(organizationID: orgID, organizationName: "Sandbox Org")
                for r in records { s.restore(r) }
                for (k, v) in meta where k != "organization_id" { s.restoreMeta(k, v) }
                return (Store(state: s, persistence: persistence), Fixtures.keys(in: s), [])
            }
            var (state, keys) = Fixtures.make(now: UnixTime.now())
            let changes = [Change.meta("organization_id", state.organizationID)] + state.takeChanges()
            try await persistence.write(changes)
            return (Store(state: state, persistence: persistence), keys, [])
        } catch {
            // A database that cannot be read or written (a full disk) is closed, not dropped open.
            await persistence.close()
            throw error
        }
    }

    /// Adapts a Hummingbird request to the dispatcher and back.
    static func respond(_ request: Request, _ dispatcher: Dispatcher) async throws -> Response {
        var buffer = try await request.body.collect(upTo: 16 * 1_048_576)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        let result = await dispatcher.handle(
            method: request.method.rawValue,
            target: target,
            authorization: request.headers[.authorization],
            body: bytes
        )
        var headers = HTTPFields()
        for h in result.headers {
            if let name = HTTPField.Name(h.name) { headers.append(HTTPField(name: name, value: h.value)) }
        }
        if result.reset {
            // Promise a body and close the connection before it arrives: the client sees the
            // connection drop mid-response.
            headers[.contentLength] = "64"
            return Response(
                status: .ok,
                headers: headers,
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(bytes: Array("{\"tru".utf8)))
                    throw SandboxError.storage("injected connection reset")
                }
            )
        }
        return Response(status: .init(code: result.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: result.body)))
    }

    /// Writes `NAME=VALUE` lines for the fixture keys to a 0600 file (atomically), and again
    /// whenever they change (a seed brings new ones).
    public func writeKeysFile(_ path: String) throws(FileError) {
        let dir = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !dir.isEmpty { FileMode.makeDirectories(dir) }
        try keyring.write(to: path, header: "# adm sandbox fixture keys (\(baseURL)); load with: adm --keys-file \(path)\n")
    }

    /// `$XDG_STATE_HOME/adm/sandbox-keys` (or `~/.local/state/adm/sandbox-keys`).
    public static var defaultKeysFile: String {
        AdmPaths.stateDirectory + "/sandbox-keys"
    }
}
