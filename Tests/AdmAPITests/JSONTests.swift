import AdmAPI
import Testing

@Suite("JSON values")
struct JSONTests {
    @Test("parses and serializes keeping key order")
    func roundTrip() throws {
        let text = #"{"z":1,"a":[true,false,null],"m":{"k":"v"},"n":-2.5,"e":1e3}"#
        let v = try JSON.parse(text)
        #expect(v.keys == ["z", "a", "m", "n", "e"])
        #expect(v.serialized() == #"{"z":1,"a":[true,false,null],"m":{"k":"v"},"n":-2.5,"e":1000}"#)
        #expect(v["a"]?[2] == .null)
        #expect(v["n"]?.doubleValue == -2.5)
    }

    @Test("decodes escapes and surrogate pairs, encodes control characters")
    func escapes() throws {
        let v = try JSON.parse(#""a\"b\\c\n\u00e9\ud83d\ude00\t""#)
        #expect(v == .string("a\"b\\c\né😀\t"))
        #expect(JSON.string("x\u{01}y\"").serialized() == #""x\u0001y\"""#)
    }

    @Test(
        "reports where a text stops being JSON",
        arguments: [
            ("{\"a\":", "unexpected end of JSON", 1, 6),
            ("[1,2", "unexpected end of JSON inside an array", 1, 5),
            ("{\"a\" 1}", "expected ':' after an object key", 1, 6),
            ("[01]", "leading zero in a number", 1, 3),
            ("tru", "unexpected end of JSON", 1, 1),
            ("\"abc", "unterminated string", 1, 5),
            ("{\n  \"a\": x\n}", "unexpected character 'x'", 2, 8),
            ("[1] 2", "unexpected text after the JSON value", 1, 5),
            ("\"\\ud800\"", "unpaired surrogate in a \\u escape", 1, 8),
        ]
    )
    func errors(text: String, message: String, line: Int, column: Int) {
        #expect(throws: JSONParseError.self) { try JSON.parse(text) }
        do {
            _ = try JSON.parse(text)
        } catch {
            #expect(error.message == message)
            #expect(error.line == line)
            #expect(error.column == column)
        }
    }

    @Test("refuses nesting deeper than 512 levels instead of exhausting the stack")
    func depth() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSON.parse(deep) }
        let ok = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect((try? JSON.parse(ok)) != nil)
    }

    @Test("pretty output indents by two spaces")
    func pretty() throws {
        let v = try JSON.parse(#"{"a":[1,{"b":2}],"c":{}}"#)
        #expect(v.serialized(pretty: true) == "{\n  \"a\": [\n    1,\n    {\n      \"b\": 2\n    }\n  ],\n  \"c\": {}\n}")
    }

    @Test("loose equality treats 1 and 1.0 alike and ignores key order")
    func loose() throws {
        #expect(JSON.int(1).looselyEquals(.double(1.0)))
        #expect(try JSON.parse(#"{"a":1,"b":2}"#).looselyEquals(try JSON.parse(#"{"b":2,"a":1}"#)))
        #expect(!JSON.string("1").looselyEquals(.int(1)))
    }
}

@Suite("JSON paths")
struct JSONPathTests {
    let value = try! JSON.parse(#"{"data":[{"id":"a","tags":["x"]},{"id":"b","tags":[]}],"api_key":{"id":"key_1"},"odd key":1}"#)

    @Test("reads fields, indexes, negative indexes and every element")
    func evaluate() throws {
        #expect(try JSONPath.parse(".api_key.id").evaluate(value) == "key_1")
        #expect(try JSONPath.parse("data[1].id").evaluate(value) == "b")
        #expect(try JSONPath.parse(".data[-1].id").evaluate(value) == "b")
        #expect(try JSONPath.parse(".data[].id").evaluate(value) == ["a", "b"])
        #expect(try JSONPath.parse(#"["odd key"]"#).evaluate(value) == 1)
        #expect(try JSONPath.parse(".").evaluate(value) == value)
    }

    @Test("explains where a path leads nowhere")
    func lookupErrors() throws {
        #expect(throws: JSONPath.LookupError(message: "index [5] is out of range: .data has 2 elements")) {
            try JSONPath.parse(".data[5]").evaluate(value)
        }
        #expect(throws: JSONPath.LookupError(message: ".api_key.id is string, not an object, so it has no field 'x'")) {
            try JSONPath.parse(".api_key.id.x").evaluate(value)
        }
        let path = try JSONPath.parse(".nope")
        do {
            _ = try path.evaluate(value)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.hasPrefix("no field 'nope' in the value (fields: data, api_key"))
        }
    }

    @Test("rejects malformed paths", arguments: [".a.", ".a[", ".a[x]", "a b", ".a[\"x]"])
    func parseErrors(text: String) {
        #expect(throws: JSONPath.ParseError.self) { try JSONPath.parse(text) }
    }
}
