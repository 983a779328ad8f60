/// A name and the value it carries: a query parameter and a header (`Named<String>`), a member
/// of a JSON object (`Named<JSON>`, whose name is also its `key`). One type for the three, so
/// they are built, compared and searched alike.
public struct Named<Value: Sendable & Hashable>: Sendable, Hashable {
    public var name: String
    public var value: Value

    @inlinable public init(_ name: String, _ value: Value) {
        self.name = name
        self.value = value
    }
}
