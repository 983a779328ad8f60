import Synchronization

/// A key value an answer carried: a service account's new key, a new admin key. Its value is a
/// `Secret` from the moment it is read off the response.
public struct MintedKey: Sendable, Hashable {
    /// The name the answer gave it (the key's, or its service account's), `new-key` when none.
    public var name: String
    /// What made it, for people: `service account ci-bot`, `admin key deploy`.
    public var what: String
    public var secret: Secret
    /// The key's id, when the answer says it (`key_…`).
    public var id: String?
}

/// The one step every answer passes before anyone reads it: the key values it carries are
/// taken out of its JSON and its body (replaced by their redacted form) and handed to the
/// client's `MintedKeys`, whatever called — a single call, a fan-out, a page of a listing, an
/// organization-wide job. No path can show, store or pass on a new key's value by forgetting
/// to redact it, and none can lose one by forgetting to keep it: the shell adopts what was
/// captured as session keys.
public enum SecretCapture {
    /// `json` with every key value replaced by its redacted form, and the keys taken.
    ///
    /// A key value is a `value` member holding something shaped like a key (`sk-…`); it is named
    /// after the object's `name`, or for a service account's `api_key`, after the account.
    public static func extract(from json: JSON) -> (json: JSON, keys: [MintedKey]) {
        var keys: [MintedKey] = []
        let cleaned = walk(json, parentName: nil, keys: &keys)
        return (cleaned, keys)
    }

    private static func walk(_ value: JSON, parentName: String?, keys: inout [MintedKey]) -> JSON {
        switch value {
        case .array(let items):
            return .array(items.map { walk($0, parentName: parentName, keys: &keys) })
        case .object(var members):
            let ownName = value["name"]?.stringValue
            if let index = members.firstIndex(where: { $0.key == "value" }), let text = members[index].value.stringValue,
                !Redaction.keyShaped(in: text).isEmpty, text.hasPrefix("sk-")
            {
                let secret = Secret(text)
                let object = value["object"]?.stringValue ?? ""
                let name = (object.hasSuffix("service_account.api_key") ? parentName : nil) ?? ownName ?? parentName ?? "new-key"
                let what: String
                if object == "organization.admin_api_key" {
                    what = "admin key \(ownName ?? "")"
                } else if let parentName {
                    what = "service account \(parentName)"
                } else {
                    what = "key \(ownName ?? "")"
                }
                keys.append(MintedKey(name: name, what: what, secret: secret, id: value["id"]?.stringValue))
                members[index].value = .string(secret.redacted)
            }
            return .object(members.map { m in JSON.Member(m.key, walk(m.value, parentName: ownName ?? parentName, keys: &keys)) })
        default:
            return value
        }
    }

    /// `body` with each key's value replaced by its redacted form.
    public static func redact(_ body: [UInt8], keys: [MintedKey]) -> [UInt8] {
        guard !keys.isEmpty else { return body }
        return Array(Redaction.scrub(String(decoding: body, as: UTF8.self), secrets: keys.map(\.secret)).utf8)
    }
}

/// Keys captured from answers, waiting to be adopted (as session keys, or into a `--save`
/// file). Shared by every copy of a client: a fan-out's tasks capture into it, and the shell
/// takes them out after each call.
public final class MintedKeys: Sendable {
    private let pending = Mutex<[MintedKey]>([])

    public init() {}

    func add(_ keys: [MintedKey]) {
        guard !keys.isEmpty else { return }
        pending.withLock { $0.append(contentsOf: keys) }
    }

    /// The keys captured since the last call, oldest first; they are no longer pending.
    public func take() -> [MintedKey] {
        pending.withLock { list in
            defer { list.removeAll() }
            return list
        }
    }
}
