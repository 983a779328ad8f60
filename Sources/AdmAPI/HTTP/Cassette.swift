import Synchronization

/// A recorded exchange: the request (no credential: it never enters a `WireRequest`) and the
/// response, with anything shaped like a key in its body replaced by its redacted form.
public struct CassetteEntry: Sendable, Hashable {
    public var method: String
    /// Path and query, without the host (so a cassette replays against any base URL).
    public var target: String
    public var requestBody: String?
    /// The fingerprint of the key that made the request (`KeyFingerprint`); nil in cassettes
    /// recorded before adm kept it.
    public var key: String?
    public var status: Int
    public var headers: [Header]
    public var responseBody: String

    var json: JSON {
        .obj([
            "request": .obj([
                "method": .string(method), "target": .string(target), "body": requestBody.map(JSON.string) ?? .null,
                "key": key.map(JSON.string) ?? .null,
            ]),
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
        self.key = req["key"]?.stringValue
        self.status = status
        self.headers = (res["headers"]?.objectValue ?? []).map { Header($0.key, $0.value.stringValue ?? "") }
        self.responseBody = res["body"]?.stringValue ?? ""
    }

    init(request: WireRequest, response: WireResponse, key: String?) {
        self.key = key
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
    private let fingerprint: KeyFingerprint

    /// The cassettes this process has opened: their locks (held until the process ends) and salts.
    private static let opened = Mutex<[String: (lock: FileLock, fingerprint: KeyFingerprint)]>([:])

    /// The first line of a cassette: its format and the salt of its key fingerprints.
    static func header(_ fingerprint: KeyFingerprint) -> String {
        JSON.obj(["cassette": .obj(["version": 2, "salt": .string(fingerprint.salt)])]).serialized() + "\n"
    }

    public init(inner: any Transport, path: String) throws(FileError) {
        self.inner = inner
        self.path = path
        fingerprint = try Self.open(path)
    }

    private static func open(_ path: String) throws(FileError) -> KeyFingerprint {
        try opened.withLock { (opened: inout [String: (lock: FileLock, fingerprint: KeyFingerprint)]) throws(FileError) -> KeyFingerprint in
            if let open = opened[path] { return open.fingerprint }
            let lock = try FileLock.acquire(path, writing: .cassette)
            let fingerprint = KeyFingerprint()
            do throws(FileError) {
                try OwnFiles.check(path, as: .cassette)
                try FileMode.writePrivate(path, header(fingerprint))
            } catch {
                lock.release()
                throw error
            }
            opened[path] = (lock, fingerprint)
            return fingerprint
        }
    }

    public func send(_ request: WireRequest, credential: Secret?, timeout: Duration) async throws(TransportError) -> WireResponse {
        let response = try await inner.send(request, credential: credential, timeout: timeout)
        let line = CassetteEntry(request: request, response: response, key: fingerprint.of(credential)).json.serialized() + "\n"
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
/// exchange with the same method, target, body and key (by fingerprint); one the cassette does
/// not hold fails clearly, a request made with another key too. A cassette recorded before adm
/// kept key fingerprints replays as before: it cannot tell keys apart (`knowsKeys` is false).
public final class ReplayTransport: Transport {
    private let entries: Mutex<[CassetteEntry?]>
    private let fingerprint: KeyFingerprint?

    /// Whether the cassette recorded which key made each request.
    public var knowsKeys: Bool { fingerprint != nil }

    public init(path: String) throws(FileError) {
        let text = try TextFile.read(path, kind: "cassette")
        var list: [CassetteEntry?] = []
        var fingerprint: KeyFingerprint?
        for (n, line) in text.split(separator: "\n").enumerated() where !line.trimmingCharacters(in: " \r\t").isEmpty {
            guard let json = try? JSON.parse(String(line)) else { throw FileError("\(path):\(n + 1): not a cassette entry") }
            if let header = json["cassette"], n == 0 {
                guard let salt = header["salt"]?.stringValue.flatMap(KeyFingerprint.init(salt:)) else {
                    throw FileError("\(path):1: a cassette header without a valid salt")
                }
                fingerprint = salt
                continue
            }
            guard let entry = CassetteEntry(json: json) else { throw FileError("\(path):\(n + 1): not a cassette entry") }
            list.append(entry)
        }
        entries = Mutex(list)
        self.fingerprint = fingerprint
    }

    public func send(_ request: WireRequest, credential: Secret?, timeout: Duration) async throws(TransportError) -> WireResponse {
        let target = APIPath.target(of: request.url)
        let body = request.bodyText.map(CassetteEntry.scrub)
        let key = fingerprint?.of(credential)
        var otherKey = false
        let found: CassetteEntry? = entries.withLock { list in
            let same = { (e: CassetteEntry?) in e?.method == request.method.rawValue && e?.target == target && e?.requestBody == body }
            guard let i = list.firstIndex(where: { same($0) && (key == nil || $0?.key == key) }) else {
                otherKey = list.contains { same($0) }
                return nil
            }
            let e = list[i]
            list[i] = nil
            return e
        }
        guard let found else {
            let what = "\(request.method.rawValue) \(target)" + (body.map { " with body \($0)" } ?? "")
            throw .noRecording(what + (otherKey ? " made with this key (it was recorded with another key)" : ""))
        }
        return WireResponse(status: found.status, headers: found.headers, body: Array(found.responseBody.utf8))
    }

    public func shutdown() async {}
}
