import Synchronization

/// A recorded exchange: the request (no credential: it never enters a `WireRequest`) and the
/// response, with anything shaped like a key in its body replaced by its redacted form.
public struct CassetteEntry: Sendable, Hashable {
    public var method: String
    /// Path and query, without the host (so a cassette replays against any base URL).
    public var target: String
    public var requestBody: String?
    public var status: Int
    public var headers: [Header]
    public var responseBody: String

    var json: JSON {
        .obj([
            "request": .obj(["method": .string(method), "target": .string(target), "body": requestBody.map(JSON.string) ?? .null]),
            "response": .obj([
                "status": .int(status),
                "headers": .object(headers.map { JSON.Member($0.name, .string($0.value)) }),
                "body": .string(responseBody),
            ]),
        ])
    }

    init?(json: JSON) {
        guard let req = json["request"], let res = json["response"], let method = req["method"]?.stringValue,
            let target = req["target"]?.stringValue, let status = res["status"]?.intValue
        else { return nil }
        self.method = method
        self.target = target
        self.requestBody = req["body"]?.stringValue
        self.status = status
        self.headers = (res["headers"]?.objectValue ?? []).map { Header($0.key, $0.value.stringValue ?? "") }
        self.responseBody = res["body"]?.stringValue ?? ""
    }

    init(request: WireRequest, response: WireResponse) {
        method = request.method.rawValue
        target = APIPath.target(of: request.url)
        requestBody = request.bodyText.map(Self.scrub)
        status = response.status
        let kept: Set<String> = ["content-type", "x-request-id", "openai-organization", "openai-version", "retry-after", "retry-after-ms"]
        headers = response.headers.filter { kept.contains($0.name.lowercased()) }
        responseBody = Self.scrub(response.bodyText)
    }

    /// Replaces every key-shaped token (`sk-` + 20 or more key characters) with its redacted form.
    public static func scrubKeys(_ text: String) -> String { scrub(text) }

    static func scrub(_ text: String) -> String {
        var out = text
        for finding in Redaction.keyShaped(in: text).reversed() where finding.kind.contains("sk-") {
            let bytes = Array(out.utf8)
            var end = finding.offset + 3
            while end < bytes.count, Redaction.isKeyChar(bytes[end]) { end += 1 }
            let token = String(decoding: bytes[finding.offset..<end], as: UTF8.self)
            out = String(decoding: bytes[..<finding.offset], as: UTF8.self) + Redaction.redact(token) + String(decoding: bytes[end...], as: UTF8.self)
        }
        return out
    }
}

/// Records every exchange of an inner transport to a cassette file (JSON lines, mode 0600).
///
/// One run of adm writes one complete cassette, whatever it runs (`adm run a.adm b.adm` starts a
/// session per file): the file is checked to be a cassette (or new, or empty), emptied and
/// locked against other adm processes once per process, and every later session of the process
/// appends to it. An exchange that cannot be written stops the run: a cassette with a hole
/// would replay something else.
public final class RecordingTransport: Transport {
    private let inner: any Transport
    private let path: String
    private let lock = Mutex<Void>(())

    /// The cassettes this process has opened, with their locks (held until the process ends).
    private static let opened = Mutex<[String: FileLock]>([:])

    public init(inner: any Transport, path: String) throws(FileError) {
        self.inner = inner
        self.path = path
        try Self.open(path)
    }

    private static func open(_ path: String) throws(FileError) {
        try opened.withLock { (opened: inout [String: FileLock]) throws(FileError) in
            guard opened[path] == nil else { return }
            let lock = try FileLock.acquire(path, writing: .cassette)
            do throws(FileError) {
                try OwnFiles.check(path, as: .cassette)
                try FileMode.writePrivate(path, "")
            } catch {
                lock.release()
                throw error
            }
            opened[path] = lock
        }
    }

    public func send(_ request: WireRequest, credential: Secret?, timeout: Duration) async throws(TransportError) -> WireResponse {
        let response = try await inner.send(request, credential: credential, timeout: timeout)
        let line = CassetteEntry(request: request, response: response).json.serialized() + "\n"
        let failure = lock.withLock { _ -> FileError? in
            do throws(FileError) { try FileMode.appendPrivate(path, line) } catch { return error }
            return nil
        }
        if let failure { throw .other("--record: the cassette lost an exchange (\(failure.description)); stopped") }
        return response
    }

    public func shutdown() async { await inner.shutdown() }
}

/// Answers from a cassette with no network: each request takes the first unused recorded
/// exchange with the same method, target and body; one the cassette does not hold fails clearly.
public final class ReplayTransport: Transport {
    private let entries: Mutex<[CassetteEntry?]>

    public init(path: String) throws(FileError) {
        let text = try TextFile.read(path, kind: "cassette")
        var list: [CassetteEntry?] = []
        for (n, line) in text.split(separator: "\n").enumerated() where !line.trimmingCharacters(in: " \r\t").isEmpty {
            guard let json = try? JSON.parse(String(line)), let entry = CassetteEntry(json: json) else {
                throw FileError("\(path):\(n + 1): not a cassette entry")
            }
            list.append(entry)
        }
        entries = Mutex(list)
    }

    public func send(_ request: WireRequest, credential: Secret?, timeout: Duration) async throws(TransportError) -> WireResponse {
        let target = APIPath.target(of: request.url)
        let body = request.bodyText.map(CassetteEntry.scrub)
        let found: CassetteEntry? = entries.withLock { list in
            guard let i = list.firstIndex(where: { $0?.method == request.method.rawValue && $0?.target == target && $0?.requestBody == body }) else {
                return nil
            }
            let e = list[i]
            list[i] = nil
            return e
        }
        guard let found else {
            throw .noRecording("\(request.method.rawValue) \(target)" + (body.map { " with body \($0)" } ?? ""))
        }
        return WireResponse(status: found.status, headers: found.headers, body: Array(found.responseBody.utf8))
    }

    public func shutdown() async {}
}
