import AdmAPI

/// Checks a request against its catalog entry before any handler runs: query parameter types,
/// enums and ranges; body fields that are required, unknown, mistyped or out of range. The
/// errors name `param` as the real API does.
enum Validation {
    static func check(_ endpoint: Endpoint, query: QueryParameters, body: JSON) throws(APIFailure) {
        for item in query.items {
            let name = item.name
            let base = name.hasSuffix("[]") ? String(name.dropLast(2)) : name
            let root = base.split(separator: "[").first.map(String.init) ?? base
            guard let field = endpoint.query.first(where: { $0.baseName == base || $0.baseName == root }) else { continue }
            try checkQuery(field, item.value, name: name)
        }
        for field in endpoint.query where field.required && query.string(field.baseName) == nil && query.object(field.baseName).isEmpty {
            throw .missingParameter(field.baseName)
        }
        guard !endpoint.body.isEmpty else { return }
        guard case .object(let members) = body else {
            if body.isNull {
                guard endpoint.bodyRequired else { return }
                if let first = endpoint.body.first(where: \.required) { throw .missingParameter(first.name) }
                // A body whose fields are all optional is still required (spec: `required: true`).
                throw .invalid("The request body is required: a JSON object (it may be {}).", code: "missing_required_parameter")
            }
            throw .invalid("The request body must be a JSON object, not \(APIFailure.article(body.typeName)).")
        }
        for member in members where !endpoint.body.contains(where: { $0.name == member.key }) {
            throw .unknownParameter(member.key)
        }
        for field in endpoint.body {
            guard let value = body[field.name] else {
                if field.required { throw .missingParameter(field.name) }
                continue
            }
            if value.isNull {
                if field.nullable { continue }
                if field.required { throw .missingParameter(field.name) }
                // Optional is not nullable: leave the field out instead.
                throw .invalidType(field.name, expected: expectation(field.type), got: value)
            }
            try checkBody(field.type, value, field: field, name: field.name)
        }
    }

    static func checkQuery(_ field: Field, _ text: String, name: String) throws(APIFailure) {
        switch field.type {
        case .integer:
            guard let n = Int(text) else {
                throw APIFailure.invalid("Invalid '\(name)': expected an integer, but got '\(text)' instead.", param: name, code: "invalid_type")
            }
            try checkRange(field, n, name: name)
        case .boolean:
            guard ["true", "false", "1", "0"].contains(text.lowercased()) else {
                throw APIFailure.invalid("Invalid '\(name)': expected a boolean, but got '\(text)' instead.", param: name, code: "invalid_type")
            }
        case .oneOf(let values):
            guard values.contains(text) else { throw .invalidValue(name, text, supported: values) }
        case .array(.oneOf(let values)):
            for v in text.split(separator: ",") where !values.contains(String(v)) {
                throw .invalidValue(name, String(v), supported: values)
            }
        default:
            break
        }
    }

    static func checkRange(_ field: Field, _ n: Int, name: String) throws(APIFailure) {
        if let min = field.minimum, n < min { throw .belowMinimum(name, min, got: n) }
        if let max = field.maximum, n > max { throw .aboveMaximum(name, max, got: n) }
    }

    static func checkBody(_ type: FieldType, _ value: JSON, field: Field, name: String) throws(APIFailure) {
        switch type {
        case .string:
            guard case .string = value else { throw .invalidType(name, expected: expectation(type), got: value) }
        case .integer:
            guard let n = value.intValue, value.doubleValue == Double(n) else { throw .invalidType(name, expected: expectation(type), got: value) }
            try checkRange(field, n, name: name)
        case .number:
            guard value.doubleValue != nil else { throw .invalidType(name, expected: expectation(type), got: value) }
        case .boolean:
            guard case .bool = value else { throw .invalidType(name, expected: expectation(type), got: value) }
        case .object:
            break  // nested shapes are checked by the handlers that use them
        case .oneOf(let values):
            guard case .string(let s) = value else { throw .invalidType(name, expected: expectation(type), got: value) }
            guard values.contains(s) else { throw .invalidValue(name, s, supported: values) }
        case .array(let element):
            guard case .array(let items) = value else { throw .invalidType(name, expected: expectation(type), got: value) }
            for (i, item) in items.enumerated() {
                try checkBody(element, item, field: field, name: "\(name)[\(i)]")
            }
        }
    }

    /// What a value of `type` is called in an error: "a string", "an integer", ….
    static func expectation(_ type: FieldType) -> String {
        switch type {
        case .string, .oneOf: return "a string"
        case .integer: return "an integer"
        case .number: return "a number"
        case .boolean: return "a boolean"
        case .object: return "an object"
        case .array: return "an array"
        }
    }
}
