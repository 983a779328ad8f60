import AdmAPI

/// The sandbox without a socket: a request goes straight to the dispatcher that the HTTP server
/// would hand it to — authorization, the rate limit, faults, validation and handlers all the same
/// — and its answer comes back as the wire would carry it. An injected connection reset is the
/// transport error a dropped connection gives.
///
/// The fast tier of the tests talks to the sandbox this way; what only a real socket shows (TLS,
/// timeouts, concurrency at the server, the binary) keeps its own tier over HTTP.
public struct InProcessTransport: Transport {
    let dispatcher: Dispatcher

    init(dispatcher: Dispatcher) {
        self.dispatcher = dispatcher
    }

    public func send(_ request: WireRequest, credential: Secret?, timeout: Duration) async throws(TransportError) -> WireResponse {
        if Task.isCancelled { throw .cancelled }
        let result = await dispatcher.handle(
            method: request.method.rawValue,
            target: APIPath.target(of: request.url),
            authorization: credential.map { "Bearer " + $0.unredacted },
            body: request.body ?? []
        )
        if Task.isCancelled { throw .cancelled }
        if result.reset { throw .connectionClosed(host: APIPath.authority(of: request.url)) }
        return WireResponse(status: result.status, headers: result.headers, body: result.body)
    }

    public func shutdown() async {}
}
