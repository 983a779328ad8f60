import AdmAPI
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real transport: async-http-client with a keep-alive pool, certificate verification
/// always on for https (`--cacert` adds a trust root, nothing turns verification off),
/// redirects refused (a redirect could downgrade to http or carry the key elsewhere), and
/// plain http allowed only to loopback hosts.
public final class HTTPTransport: Transport {
    /// Settings for the client.
    public struct Configuration: Sendable {
        /// PEM file of extra trusted certificates (`--cacert`).
        public var caCertificateFile: String?
        public var connectTimeout: Duration = .seconds(10)
        /// `connectTimeout` in seconds, as errors report it.
        var connectTimeoutSeconds: Double {
            Double(connectTimeout.components.seconds) + Double(connectTimeout.components.attoseconds) / 1e18
        }
        /// Most connections open to one host at a time. Connections open on demand, so this is
        /// only a ceiling; it must stay above any statement's `--concurrency`, or the pool, not
        /// the statement, decides how many calls are in flight (a `--concurrency 16` fan-out once
        /// ran 8 at a time behind a pool of 8).
        public var connectionsPerHost: Int = 64
        /// Largest response body accepted.
        public var maxBodyBytes: Int = 64 * 1_048_576
        public var userAgent: String = "adm"
        public init() {}
    }

    /// The client, made for the first request (`client`): a session that sends none (a
    /// one-liner that only computes) starts no event loop and no connection pool.
    private let made = Mutex<HTTPClient?>(nil)
    /// `--cacert`'s trust, read (and checked) when the transport is made.
    private let tls: TLSConfiguration?
    private let configuration: Configuration
    public init(configuration: Configuration = Configuration()) throws(TransportError) {
        self.configuration = configuration
        // Without --cacert, AsyncHTTPClient's default client TLS configuration applies (full
        // verification against the system's roots); it is built only when an https connection
        // is made, so a loopback sandbox never pays for it.
        var tls: TLSConfiguration?
        if let file = configuration.caCertificateFile {
            var custom = TLSConfiguration.makeClientConfiguration()
            custom.certificateVerification = .fullVerification
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(file)
                custom.additionalTrustRoots = [.certificates(certificates)]
            } catch {
                throw .other("could not read CA certificates from \(file): \(error)")
            }
            tls = custom
        }
        self.tls = tls
    }

    /// The client's settings. Made with the client: AsyncHTTPClient's configuration looks up the
    /// process's tracer by a dynamic cast, which scans every protocol conformance in the binary
    /// the first time (about 0.15 ms of a one-liner that sends nothing).
    private func clientConfiguration() -> HTTPClient.Configuration {
        var pool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, configuration.connectionsPerHost)
        )
        pool.retryConnectionEstablishment = false
        var config = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: .nanoseconds(
                    Int64(configuration.connectTimeout.components.seconds) * 1_000_000_000
                        + configuration.connectTimeout.components.attoseconds / 1_000_000_000
                ),
                read: nil
            ),
            connectionPool: pool,
            decompression: .enabled(limit: .ratio(50))
        )
        config.httpVersion = .automatic
        // adm bootstraps no tracer; without this, every request still builds span attributes
        // for the no-op one (about 3% of a script's CPU).
        config.tracing.tracer = nil
        return config
    }

    /// The client, made the first time it is needed, on the client's event loop.
    private var client: HTTPClient {
        made.withLock { made in
            if let made { return made }
            let client = HTTPClient(eventLoopGroupProvider: .shared(EventLoopExecutor.client.group), configuration: clientConfiguration())
            made = client
            return client
        }
    }

    public func send(_ request: WireRequest, credential: Secret?, timeout: Duration) async throws(TransportError) -> WireResponse {
        try Self.checkScheme(request.url)
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: configuration.userAgent)
        headers.add(name: "Accept", value: "application/json")
        for header in request.headers { headers.add(name: header.name, value: header.value) }
        if let credential {
            // Key values are checked where they are read (`Secret.reading`); one that still could
            // break the header is refused here, in adm's words, before a library can quote it.
            guard credential.isHeaderSafe else {
                throw .other("the key \(credential.redacted) holds a space, a line end or another character a header cannot carry; load it again")
            }
            headers.add(name: "Authorization", value: "Bearer " + credential.unredacted)
        }
        var body: HTTPClient.Body?
        if let bytes = request.body {
            headers.add(name: "Content-Type", value: "application/json")
            body = .bytes(bytes)
        }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let amount = TimeAmount.nanoseconds(Int64(Int(saturating: min(seconds, 365 * 86400) * 1e9)))
        do {
            // The future-based API: one completion per call, where the async one resumes the
            // caller for the head and again for each part of the body.
            let http = try HTTPClient.Request(
                url: request.url,
                method: NIOHTTP1.HTTPMethod(rawValue: request.method.rawValue),
                headers: headers,
                body: body
            )
            let task = client.execute(
                request: http,
                delegate: ResponseAccumulator(request: http, maxBodySize: configuration.maxBodyBytes),
                deadline: .now() + amount
            )
            let response = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
            var buffer = response.body ?? ByteBuffer()
            return WireResponse(
                status: Int(response.status.code),
                headers: response.headers.map { Header($0.name, $0.value) },
                body: buffer.readBytes(length: buffer.readableBytes) ?? []
            )
        } catch {
            throw Self.classify(
                error,
                host: APIPath.authority(of: request.url),
                seconds: seconds,
                connectSeconds: configuration.connectTimeoutSeconds,
                limit: configuration.maxBodyBytes
            ).scrubbing(credential)
        }
    }

    public func shutdown() async {
        // The error is the client's own (already shut down); there is nothing left to release.
        try? await made.withLock { $0 }?.shutdown()
    }

    /// Checks a base URL before anything is sent: https, or http to a loopback host only.
    public static func validate(baseURL: String) throws(TransportError) {
        try checkScheme(baseURL)
        if APIPath.host(of: baseURL).isEmpty { throw .invalidURL(baseURL) }
    }

    /// Plain http only to loopback: anything else would send the key unencrypted.
    static func checkScheme(_ url: String) throws(TransportError) {
        if url.utf8.starts(with: "https://".utf8) { return }  // every call: no allocation
        let lower = url.lowercased()
        if lower.hasPrefix("https://") { return }
        guard lower.hasPrefix("http://") else { throw .invalidURL(url) }
        if !isLoopback(APIPath.host(of: url).lowercased()) { throw .insecureURL(url) }
    }

    /// `localhost`, `[::1]`, or an IPv4 address in 127.0.0.0/8 — not a name that merely starts
    /// with `127.` (`127.example.com` resolves anywhere).
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "[::1]" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { o in UInt8(o) != nil && o.allSatisfy(\.isASCII) }
    }

    /// Turns the client's many error types into one clear `TransportError`.
    static func classify(_ error: any Error, host: String, seconds: Double, connectSeconds: Double, limit: Int) -> TransportError {
        if error is CancellationError { return .cancelled }
        if let e = error as? HTTPClientError {
            switch e {
            case .cancelled: return .cancelled
            case .connectTimeout: return .connectTimeout(host: host, seconds: connectSeconds)
            case .deadlineExceeded, .readTimeout, .writeTimeout: return .timeout(seconds: seconds)
            case .remoteConnectionClosed: return .connectionClosed(host: host)
            case .tlsHandshakeTimeout: return .tls(host: host, reason: "handshake timed out")
            case .invalidURL, .emptyHost, .emptyScheme: return .invalidURL(host)
            default: return .other("HTTP error talking to \(host): \(e)")
            }
        }
        if error is NIOTooManyBytesError || error is ResponseAccumulator.ResponseTooBigError { return .responseTooLarge(limit: limit) }
        if let e = error as? HTTPParserError {
            // The server went away in the middle of the response.
            if e == .invalidEOFState || e == .closedConnection { return .connectionClosed(host: host) }
            return .other("\(host) sent a malformed HTTP response (\(e.debugDescription))")
        }
        // TLS: by type; the library's text only words the reason.
        if let e = error as? NIOSSLError { return .tls(host: host, reason: Self.tlsReason("\(e)")) }
        if let e = error as? BoringSSLError { return .tls(host: host, reason: Self.tlsReason("\(e)")) }
        if let e = error as? NIOSSLExtraError { return .tls(host: host, reason: "\(e)") }
        // Sockets: by the platform's errno constants.
        if let e = error as? IOError { return Self.socketFailure(e.errnoCode, host: host, fallback: "\(e)") }
        if let e = error as? NIOConnectionError {
            // Every address was tried: the first one's error says why.
            if let io = e.connectionErrors.first?.error as? IOError { return Self.socketFailure(io.errnoCode, host: host, fallback: "\(io)") }
            if e.dnsAError != nil || e.dnsAAAAError != nil { return .connect(host: host, reason: "the name did not resolve") }
            return .connect(host: host, reason: e.connectionErrors.first.map { "\($0.error)" } ?? "no address to connect to")
        }
        if let e = error as? ChannelError {
            switch e {
            case .connectTimeout: return .connectTimeout(host: host, seconds: connectSeconds)
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed: return .connectionClosed(host: host)
            default: return .other("connection to \(host) failed: \(e)")
            }
        }
        return .other("request to \(host) failed: \(error)")
    }

    /// A socket's failure by its errno: the connection dropped, or it could not be made.
    static func socketFailure(_ code: Int32, host: String, fallback: String) -> TransportError {
        switch code {
        case ECONNRESET, EPIPE: return .connectionClosed(host: host)
        case ECONNREFUSED: return .connect(host: host, reason: "connection refused")
        case EHOSTUNREACH, ENETUNREACH: return .connect(host: host, reason: "no route to host")
        case ETIMEDOUT: return .connect(host: host, reason: "timed out")
        default: return .connect(host: host, reason: fallback)
        }
    }

    static func tlsReason(_ text: String) -> String {
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.lowercased().contains("verify") {
            return "the server's certificate is not trusted (CERTIFICATE_VERIFY_FAILED); pass --cacert FILE to trust its CA"
        }
        return text
    }

}
