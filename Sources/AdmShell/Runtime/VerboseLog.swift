import AdmAPI
import Synchronization

/// What `-v` prints for a request and its answer, written once for every path a call takes:
/// `→ GET https://…/organization/projects?limit=1 (key owner sk-admin-…CZJk)` and
/// `← 200 in 7 ms req_…`. Never a key's value: the key shows by name and redacted form.
enum VerboseLines {
    static func request(_ call: Call, baseURL: String, keyName: String, redacted: String) -> String {
        "→ \(call.method.rawValue) \(baseURL)\(call.pathAndQuery) (key \(keyName) \(redacted))"
    }

    static func answer(_ result: CallResult) -> String {
        let ms = Int(saturating: result.elapsed.inSeconds * 1000)
        let notes = result.notes.isEmpty ? "" : " (" + result.notes.joined(separator: "; ") + ")"
        return "← \(result.status) in \(ms) ms\(result.response.requestID.map { " " + $0 } ?? "")\(notes)"
    }

    static func failure(_ failure: CallFailure) -> String { "← failed: \(failure.description)" }
}

/// The `-v` lines of calls made off the job's own task (organization-wide reads run side by
/// side), kept until the job's task prints them through the console.
final class VerboseLog: Sendable {
    private let lines = Mutex<[String]>([])
    let baseURL: String
    let keyName: String
    let redacted: String

    init(baseURL: String, key: SessionKey) {
        self.baseURL = baseURL
        self.keyName = key.name
        self.redacted = key.secret.redacted
    }

    /// Notes one call and what came of it.
    func note(_ call: Call, _ outcome: Result<CallResult, CallFailure>) {
        let request = VerboseLines.request(call, baseURL: baseURL, keyName: keyName, redacted: redacted)
        let answer: String
        switch outcome {
        case .success(let r): answer = VerboseLines.answer(r)
        case .failure(let f): answer = VerboseLines.failure(f)
        }
        lines.withLock { $0 += [request, answer] }
    }

    /// The lines noted since the last call, in order.
    func drain() -> [String] {
        lines.withLock { l in
            defer { l.removeAll() }
            return l
        }
    }
}
