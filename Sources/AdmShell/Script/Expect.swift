import AdmAPI

/// One `expect` as it ran, for reports.
public struct ExpectationRecord: Sendable {
    public var text: String
    public var file: String?
    public var line: Int
    public var passed: Bool
    public var message: String
    public var seconds: Double
}

/// `expect`: assertions on the last call and on values.
///
/// - `expect status N`, `expect ok`, `expect error "TEXT"`, `expect missing-scope SCOPE`
/// - `expect count N` (items in `$_.data`, or in `$_` when it is a list)
/// - `expect PATH == VALUE` (also `!=`, `contains`, `>`, `<`, `>=`, `<=`); PATH is `.a.b` in `$_`
///   or a variable `$x.a`
enum Expect {
    static let forms = ["status", "ok", "error", "missing-scope", "unauthorized-scope", "count"]
    static let operators = ["==", "!=", "contains", ">", "<", ">=", "<="]

    static func checkSyntax(_ s: Statement) throws(SyntaxError) {
        let args = Array(s.arguments)
        guard let first = args.first else {
            throw SyntaxError("expect: what? (status N, ok, error \"TEXT\", missing-scope SCOPE, count N, PATH == VALUE)", at: s.location)
        }
        if let form = first.literalText, forms.contains(form) {
            let wanted = form == "ok" ? 1 : 2
            if args.count != wanted {
                throw SyntaxError(
                    "expect \(form): expected \(wanted == 1 ? "nothing after it" : "one value")",
                    at: args.count > wanted ? args[wanted].location : first.location
                )
            }
            if form == "status" || form == "count", let t = args[1].literalText, Int(t) == nil {
                throw SyntaxError("expect \(form): '\(t)' is not a number", at: args[1].location)
            }
            return
        }
        let isPath =
            first.literalText?.hasPrefix(".") == true
            || (first.parts.count == 1
                && {
                    if case .variable = first.parts[0] { return true }
                    return false
                }())
        guard isPath else {
            throw SyntaxError(
                "expect: unknown form '\(first.source)'",
                at: first.location,
                suggestion: Suggest.closest(first.source, among: forms).map { "did you mean expect \($0)?" }
                    ?? "forms: status N, ok, error \"TEXT\", missing-scope SCOPE, count N, .path == VALUE"
            )
        }
        if let t = first.literalText {
            do { _ = try JSONPath.parse(t) } catch { throw SyntaxError("expect: invalid path '\(t)': \(error.message)", at: first.location) }
        }
        guard args.count == 3, let op = args[1].literalText, operators.contains(op) else {
            throw SyntaxError(
                "expect: expected PATH OPERATOR VALUE with OPERATOR one of \(operators.joined(separator: " "))",
                at: args.count > 1 ? args[1].location : first.location
            )
        }
    }

    /// Whether the statement is an `expect` about the last call's outcome (so a failed call
    /// just before it is not itself a failure).
    static func judgesOutcome(_ s: Statement) -> Bool {
        guard s.command == "expect", let form = s.arguments.first?.literalText else { return false }
        return ["status", "ok", "error", "missing-scope", "unauthorized-scope"].contains(form)
    }

    static func run(_ shell: CommandContext, _ inv: Invocation) throws(ShellError) -> Outcome {
        let args = Array(inv.statement.arguments)
        let clock = ContinuousClock()
        let start = clock.now
        var record = ExpectationRecord(
            text: inv.statement.source,
            file: shell.script.currentFile,
            line: inv.location.line,
            passed: true,
            message: "",
            seconds: 0
        )
        do {
            try check(shell, args, inv)
            record.seconds = (clock.now - start).seconds
            shell.script.expectations.append(record)
            if shell.configuration.interactive || shell.script.echoExpectations {
                shell.say(shell.style.green("✓ ") + TerminalText.inline(inv.statement.source))
            }
        } catch {
            record.passed = false
            record.message = error.description
            record.seconds = (clock.now - start).seconds
            shell.script.expectations.append(record)
            throw error
        }
        return .none
    }

    static func check(_ shell: CommandContext, _ args: [Word], _ inv: Invocation) throws(ShellError) {
        let at = inv.location
        let form = args[0].literalText ?? ""
        let result = shell.session.lastResult
        func outcome() -> String {
            guard let r = result else { return "no call was made" }
            return "got \(r.status)" + (r.error.map { " (\($0.message.count > 140 ? String($0.message.prefix(140)) + "…" : $0.message))" } ?? "")
        }
        switch form {
        case "status":
            let want = Int(try shell.text(of: args[1])) ?? -1
            guard result?.status == want else { throw .expectation("expect status \(want): \(outcome())", at: at) }
        case "ok":
            guard let r = result, r.isSuccess else { throw .expectation("expect ok: \(outcome())", at: at) }
        case "error":
            let text = try shell.text(of: args[1])
            guard let e = result?.error else {
                throw .expectation("expect error \"\(text)\": the last call succeeded (\(result?.status ?? 0))", at: at)
            }
            guard e.message.lowercased().contains(text.lowercased()) || (e.code ?? "").contains(text) else {
                throw .expectation("expect error \"\(text)\": the error was \"\(e.message)\"", at: at)
            }
        case "missing-scope":
            let scope = try shell.text(of: args[1])
            guard let e = result?.error, e.missingScopes.contains(scope) else {
                throw .expectation(
                    "expect missing-scope \(scope): \(result?.error.map { $0.missingScopes.isEmpty ? "the error named no missing scope (\($0.message))" : "missing scopes were \($0.missingScopes.joined(separator: ", "))" } ?? outcome())",
                    at: at
                )
            }
        case "unauthorized-scope":
            let scope = try shell.text(of: args[1])
            guard let e = result?.error, e.unauthorizedScopes.contains(scope) else {
                throw .expectation("expect unauthorized-scope \(scope): \(outcome())", at: at)
            }
        case "count":
            let want = Int(try shell.text(of: args[1])) ?? -1
            guard let last = shell.session.last else { throw .expectation("expect count \(want): $_ is empty", at: at) }
            let items = last["data"]?.arrayValue ?? last.arrayValue
            guard let items else { throw .expectation("expect count \(want): $_ is \(last.typeName), not a list", at: at) }
            guard items.count == want else { throw .expectation("expect count \(want): got \(items.count)", at: at) }
        default:
            try comparison(shell, args, at: at)
        }
    }

    static func comparison(_ shell: CommandContext, _ args: [Word], at: SourceLocation) throws(ShellError) {
        let lhs: JSON
        let label = args[0].source
        if let t = args[0].literalText {
            guard let last = shell.session.last else { throw .expectation("expect \(label): $_ is empty", at: at) }
            do { lhs = try JSONPath.parse(t).evaluate(last) } catch {
                throw .expectation("expect \(label): \((error as? JSONPath.LookupError)?.message ?? "\(error)")", at: at)
            }
        } else {
            do { lhs = try shell.value(of: args[0]) } catch {
                if case .usage(let m, _) = error { throw .expectation("expect \(label): \(m)", at: at) }
                throw error
            }
        }
        let op = args[1].literalText ?? "=="
        let rhs = try shell.value(of: args[2], typed: true)
        let holds: Bool
        switch op {
        case "==": holds = lhs.looselyEquals(rhs) || (lhs.stringValue != nil && lhs.stringValue == Interpreter.stringify(rhs))
        case "!=": holds = !(lhs.looselyEquals(rhs) || (lhs.stringValue != nil && lhs.stringValue == Interpreter.stringify(rhs)))
        case "contains":
            switch lhs {
            case .string(let s): holds = s.contains(Interpreter.stringify(rhs))
            case .array(let items): holds = items.contains { $0.looselyEquals(rhs) || $0.stringValue == Interpreter.stringify(rhs) }
            case .object: holds = lhs[Interpreter.stringify(rhs)] != nil
            default: holds = false
            }
        default:
            guard let a = lhs.doubleValue, let b = rhs.doubleValue else {
                throw .expectation("expect \(label) \(op) …: both sides must be numbers (got \(lhs.typeName) and \(rhs.typeName))", at: at)
            }
            holds = op == ">" ? a > b : op == "<" ? a < b : op == ">=" ? a >= b : a <= b
        }
        guard holds else {
            throw .expectation("expect \(label) \(op) \(args[2].source): \(label) is \(lhs.serialized())", at: at)
        }
    }
}
