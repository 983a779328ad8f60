import AdmAPI
import AdmTestSupport
import Testing

@testable import AdmShell

@Suite("Lexer and parser")
struct LexerParserTests {
    func words(_ text: String) throws -> [Statement] { try Parser.parse(text).statements }

    @Test("splits statements on ; and newlines, drops comments, joins \\ continuations")
    func statements() throws {
        let s = try words("projects # all of them\nuse key owner; keys \\\n  --all")
        #expect(s.map(\.source) == ["projects", "use key owner", "keys --all"])
        #expect(s[2].location == SourceLocation(line: 2, column: 16))
    }

    @Test("> FILE, >> FILE and >| FILE end a statement; in expect, > compares; a quoted '>' is a word")
    func redirection() throws {
        let s = try words("projects --all > out.txt; keys | .data[].id >> ids.txt; print x >|f; print y >g; expect .n > 3; print '>' b")
        #expect(s[0].redirection?.mode == .create && s[0].redirection?.target.source == "out.txt" && s[0].source == "projects --all > out.txt")
        #expect(s[1].selection != nil && s[1].redirection?.mode == .append)
        #expect(s[2].redirection?.mode == .replace && s[2].redirection?.target.source == "f")
        #expect(s[3].redirection?.mode == .create && s[3].redirection?.target.source == "g")
        #expect(s[4].redirection == nil && s[4].words.count == 4)
        #expect(s[5].redirection == nil && s[5].words.count == 3)
        for bad in ["projects >", "projects > a b", "let x = projects > f"] {
            #expect(throws: SyntaxError.self, "\(bad)") { try words(bad) }
        }
    }

    @Test("every usage line is made from its declaration: each subcommand, argument and own flag is in it")
    func usageLines() {
        for spec in CommandTable.all where spec.grammar == nil {
            let usage = spec.usage
            for sub in spec.subcommands { #expect(usage.contains("\(spec.name) \(sub.name)"), "\(spec.name): \(usage)") }
            for argument in spec.arguments + spec.subcommands.flatMap(\.arguments) {
                #expect(usage.contains(UsageLine.argument(argument)), "\(spec.name): \(argument.name) not in \(usage)")
            }
            for flag in spec.flags + spec.subcommands.flatMap(\.flags) where !UsageLine.shared.contains(flag.name) {
                #expect(usage.contains(flag.name), "\(spec.name): \(flag.name) not in \(usage)")
            }
        }
    }

    @Test("every command name and alias means one command, and lookup finds each (the table looks in groups)")
    func commandNamesAreUnique() {
        var seen: [String: String] = [:]
        for spec in CommandTable.all {
            for name in [spec.name] + spec.aliases {
                #expect(seen[name] == nil, "\(name) is both \(seen[name] ?? "") and \(spec.name)")
                seen[name] = spec.name
                #expect(CommandTable.lookup(name)?.name == spec.name, "\(name) does not find \(spec.name)")
            }
        }
        #expect(CommandTable.lookup("no-such-command") == nil)
        for word in ["1", "Projects", "[1,2]", "\"keys\"", "", "keys;"] { #expect(CommandTable.lookup(word) == nil, "\(word)") }
    }

    @Test(
        "a line that ends inside a quote or a JSON literal needs more input; a complete or otherwise malformed one does not",
        arguments: [
            ("print \"a", "\""), ("print 'a", "'"), ("call POST /x --body {", "{"), ("print [1,", "["), ("print {\"a\": \"b", "\""),
            ("print \"a\"", nil), ("print {\"a\": 1}", nil), ("print ${x", nil), ("", nil), ("print a\\", nil),
        ] as [(String, String?)]
    )
    func openAtEnd(text: String, open: String?) {
        #expect(Parser.openAtEnd(text) == open, "\(text)")
    }

    @Test("quotes, escapes and variable references make word parts")
    func parts() throws {
        let w = try words(#"print "a \"b\" $x.y" 'lit $x' name=$sa.api_key.id ${v.data[0]} $env.HOME a\ b"#)[0].words
        #expect(w[1].parts == [.quoted([.literal("a \"b\" "), .variable(name: "x", path: try JSONPath.parse(".y"))])])
        #expect(w[2].parts == [.singleQuoted("lit $x")])
        #expect(w[3].parts == [.literal("name="), .variable(name: "sa", path: try JSONPath.parse(".api_key.id"))])
        #expect(w[4].parts == [.variable(name: "v", path: try JSONPath.parse(".data[0]"))])
        #expect(w[5].parts == [.environment("HOME")])
        #expect(w[6].parts == [.literal("a b")])
    }

    @Test("JSON literals stay whole, spaces and all")
    func json() throws {
        let w = try words(#"call POST /x --body {"name": "a b", "n": [1, 2]} | .id"#)[0]
        #expect(w.words[4].parts == [.json(#"{"name": "a b", "n": [1, 2]}"#)])
        #expect(w.selection == (try JSONPath.parse(".id")))
    }

    /// What `adm mcp` and `adm rehearse` build statements from: a value quoted by `Words.quoted`
    /// reads back as itself, one word, never a flag, a variable, a JSON literal or two statements.
    @Test("a quoted value reads back as itself, whatever it holds (5,000 random values)")
    func quotedRoundTrip() throws {
        let alphabet = Array("ab Z09-_./:@%+,'\"$\\#;{}[]=\n\t\r`~!é名🙂") + ["--", "${x}", "$_", "$env.HOME"].flatMap { Array($0) }
        var g = SeededRandom(seed: 2026_12_06)
        for n in 0..<5000 {
            let value = String((0..<(n % 13 == 0 ? 1 : g.below(24) + 1)).map { _ in alphabet[g.below(alphabet.count)] })
            let statements = try Parser.parse("print " + Words.quoted(value)).statements
            #expect(statements.count == 1, "\(value.debugDescription) made \(statements.count) statements")
            guard let word = statements.first?.arguments.first, statements.first?.arguments.count == 1 else {
                Issue.record("\(value.debugDescription) is not one word")
                continue
            }
            #expect(!word.isFlag)
            func text(_ parts: [WordPart]) -> String? {
                var out = ""
                for part in parts {
                    switch part {
                    case .literal(let s), .singleQuoted(let s): out += s
                    case .quoted(let inner):
                        guard let t = text(inner) else { return nil }
                        out += t
                    default: return nil
                    }
                }
                return out
            }
            #expect(text(word.parts) == value, "\(value.debugDescription) read back as \(word.parts)")
        }
    }

    @Test("a lone $ and dashes in key names stay text")
    func literalDollar() throws {
        let w = try words("print $ cost use-key mgmt-read")[0].words
        #expect(w[1].literalText == "$")
        #expect(w[4].literalText == "mgmt-read")
    }

    /// Malformed input, each with its exact message (`line:col: error: …` and the suggestion).
    static let malformed: [(String, String)] = [
        ("crate-sa name=x", "1:1: error: unknown command 'crate-sa'\ndid you mean create-sa?"),
        ("prjects", "1:1: error: unknown command 'prjects'\ndid you mean projects?"),
        ("frobnicate", "1:1: error: unknown command 'frobnicate'\ntype 'help' for the list of commands"),
        ("projects --alll", "1:10: error: unknown flag '--alll' for projects\ndid you mean --all?"),
        ("use key owner --json", "1:15: error: unknown flag '--json' for use\nuse takes no flags"),
        ("projects --limit", "1:10: error: --limit needs a value"),
        ("key ad", "1:5: error: key: unknown subcommand 'ad'\ndid you mean key add?"),
        ("key sk-admin-x", "1:5: error: key: unknown subcommand 'sk-admin-x'\nkey takes: add, list, remove, export, load"),
        ("let = 5", "1:5: error: let: expected 'let NAME = VALUE'"),
        ("let x 5", "1:5: error: let: expected 'let NAME = VALUE'"),
        ("let 9x = 1", "1:5: error: let: '9x' is not a variable name (letters, digits, _)"),
        ("let _ = 1", "1:5: error: let: $_ is built in and cannot be set"),
        ("let x = projects --alll", "1:18: error: unknown flag '--alll' for projects\ndid you mean --all?"),
        ("let s = crate-sa x", "1:9: error: unknown command 'crate-sa'\ndid you mean create-sa? (to store text, quote it)"),
        ("let p = create-project name=x", "1:9: error: unknown command 'create-project'\nto store text, quote it: let p = \"…\""),
        ("use", "1:1: error: use: expected 'use key NAME' or 'use project ID'"),
        ("use key", "1:1: error: use key: expected one key name"),
        ("use key a b", "1:1: error: use key: expected one key name"),
        ("use pet x", "1:5: error: use: expected 'use key NAME' or 'use project ID'"),
        ("expect", "1:1: error: expect: what? (status N, ok, error \"TEXT\", missing-scope SCOPE, count N, PATH == VALUE)"),
        ("expect status", "1:8: error: expect status: expected one value"),
        ("expect status abc", "1:15: error: expect status: 'abc' is not a number"),
        ("expect ok now", "1:11: error: expect ok: expected nothing after it"),
        ("expect sttus 200", "1:8: error: expect: unknown form 'sttus'\ndid you mean expect status?"),
        ("expect .a === 1", "1:11: error: expect: expected PATH OPERATOR VALUE with OPERATOR one of == != contains > < >= <="),
        ("expect .a[ == 1", "1:8: error: expect: invalid path '.a[': expected an index inside [ ]"),
        ("print \"unclosed", "1:7: error: unclosed double quote: expected '\"'"),
        ("print 'unclosed", "1:7: error: unclosed single quote: expected \"'\""),
        ("print ${x", "1:7: error: unclosed ${ … }: expected '}'"),
        ("print ${9x}", "1:7: error: invalid variable reference '$9x': a name starts with a letter or _"),
        ("print $env", "1:7: error: $env needs a variable name: $env.NAME"),
        ("print {\"a\": 1", "1:7: error: unclosed JSON literal: expected '}'"),
        ("print [1, \"a", "1:7: error: unclosed string inside a JSON literal"),
        ("call GET /x --body", "1:13: error: --body needs a value"),
        ("keys --project a --concurrency 65", "1:32: error: --concurrency: '65' is out of range: a whole number from 1 to 64"),
        ("projects --limit 1e16", "1:18: error: --limit: '1e16' is out of range: a whole number from 1 to 10,000"),
        ("projects --limit nan", "1:18: error: --limit: 'nan' is not a number: a whole number from 1 to 10,000"),
        ("sleep 1e16", "1:7: error: sleep DURATION: '1e16' is out of range: a duration from 0s to 1d (500ms, 90s, 30m, 24h)"),
        ("sleep -1", "1:7: error: sleep DURATION: '-1' is not a duration: a duration from 0s to 1d (500ms, 90s, 30m, 24h)"),
        ("history -5", "1:9: error: history N: '-5' is out of range: a whole number from 0 to 1,000,000"),
        ("exit 256", "1:6: error: exit STATUS: '256' is out of range: a whole number from 0 to 255"),
        (
            "sandbox seed projects 9223372036854775807",
            "1:23: error: sandbox seed N: '9223372036854775807' is out of range: a whole number from 1 to 100,000"
        ),
        ("inventory keys --idle -1", "1:23: error: --idle: '-1' is out of range: a whole number from 0 to 36,500"),
        ("projects | name", "1:10: error: '|' must be followed by a path such as .data[].id"),
        ("projects |", "1:10: error: '|' must be followed by a path such as .data[].id"),
        ("| .a", "1:1: error: '|' needs a command before it"),
        ("projects | .a | .b", "1:15: error: only one '|' selection per statement"),
        ("projects | .a[x]", "1:12: error: invalid path '.a[x]': expected an index inside [ ]"),
        ("projects | .a extra", "1:15: error: unexpected 'extra' after the selection path"),
        ("$x projects", "1:1: error: a statement starts with a command name, not '$x'"),
        (
            "projects\nkeys --nope",
            "2:6: error: unknown flag '--nope' for keys\nkeys accepts: --json --raw --quiet --csv --key --concurrency --all --limit --after --project --visible-only"
        ),
    ]

    @Test("malformed lines get an exact one-line error with place and suggestion", arguments: malformed)
    func malformedInput(text: String, expected: String) {
        do {
            _ = try Parser.parse(text)
            Issue.record("parsed: \(text)")
        } catch {
            let got = error.headline + (error.suggestion.map { "\n" + $0 } ?? "")
            #expect(got == expected)
        }
    }

    @Test(
        "each -e is complete on its own: a quote left open is an error in its -e, never closed by the next; an error names its -e by line",
        arguments: [
            (["print \"a", "b\""], "-e:1:7: error: unclosed double quote: expected '\"'"),
            (["print a", "prnt b"], "-e:2:1: error: unknown command 'prnt'"),
            (["print a\nprint b", "print c", "prnt d"], "-e:4:1: error: unknown command 'prnt'"),
        ]
    )
    func pieces(pieces: [String], expected: String) throws {
        do {
            let program = try Parser.parse(pieces: pieces, file: "-e")
            Issue.record("parsed \(pieces) into \(program.statements.map(\.source))")
        } catch {
            #expect(error.headline == expected)
        }
        let program = try Parser.parse(pieces: ["print a; print b", "print c\n\nprint d"])
        #expect(program.statements.map(\.source) == ["print a", "print b", "print c", "print d"])
        #expect(program.statements.map(\.location.line) == [1, 1, 2, 4])
    }

    @Test("a parse error of a script shows file, line, caret")
    func caret() {
        do {
            _ = try Parser.parse("projects\n  crate-sa name=x\n", file: "check.adm")
        } catch {
            #expect(
                error.description == """
                    check.adm:2:3: error: unknown command 'crate-sa'
                     2 |   crate-sa name=x
                       |   ^
                    did you mean create-sa?
                    """
            )
        }
    }
}
