/// A JSON value: the one currency of adm. Responses, variables, `expect` and the renderers all
/// speak it, and the sandbox stores its objects as it.
///
/// Objects keep their keys in order (`[(String, JSON)]`), so what the server sent is shown in the
/// order it sent it; lookups are linear, which is the fast choice for the small objects of this
/// API. Integers and floating-point numbers are kept apart so ids and timestamps print exactly.
public enum JSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([Member])

    /// One key and its value inside an object.
    public typealias Member = Named<JSON>
}

extension Named<JSON> {
    /// The member's key: the name, as JSON calls it.
    @inlinable public var key: String {
        get { name }
        set { name = newValue }
    }
}

extension JSON {
    /// An object from key/value pairs, in the order given.
    public static func obj(_ pairs: KeyValuePairs<String, JSON>) -> JSON {
        .object(pairs.map { Member($0.key, $0.value) })
    }

    /// The value at `key` when this is an object.
    public subscript(key: String) -> JSON? {
        get {
            guard case .object(let members) = self else { return nil }
            return members.first(where: { $0.key == key })?.value
        }
        set {
            guard case .object(var members) = self else { return }
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append(Member(key, newValue))
            }
            self = .object(members)
        }
    }

    /// The element at `index` when this is an array (negative counts from the end).
    public subscript(index: Int) -> JSON? {
        guard case .array(let items) = self else { return nil }
        let i = index < 0 ? items.count + index : index
        return items.indices.contains(i) ? items[i] : nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9e15: return Int(d)
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var arrayValue: [JSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: [Member]? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The keys of an object, in order; empty for anything else.
    public var keys: [String] { objectValue?.map(\.key) ?? [] }

    /// The JSON type name, as users see it in error messages.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int, .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Equality as a user means it: 1 == 1.0, objects compare regardless of key order.
    public func looselyEquals(_ other: JSON) -> Bool {
        switch (self, other) {
        case (.int, .double), (.double, .int), (.double, .double), (.int, .int):
            return doubleValue == other.doubleValue
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            return a.allSatisfy { m in other[m.key].map { m.value.looselyEquals($0) } ?? false }
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.looselyEquals($1) }
        default:
            return self == other
        }
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension JSON: CustomStringConvertible {
    /// Compact JSON text.
    public var description: String { serialized() }
}
