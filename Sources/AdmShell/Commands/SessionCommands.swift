import AdmAPI

/// Keys, the active key and project, variables, help.
enum SessionCommands {
    static let reserved: Set<String> = ["_", "env", "status", "project", "key"]

    static let specs: [CommandSpec] = [
        KeyCommand.spec,
        CommandSpec(
            name: "use",
            group: .session,
            summary: "switch the active key or project",
            example: "use key mgmt-write",
            subcommands: [
                SubcommandSpec("key", [ArgumentSpec("NAME", completion: .keyNames)]) { shell, inv throws(ShellError) in
                    let word = try inv.argument(0)
                    let target = try shell.text(of: word)
                    guard let key = shell.session.keys[target] else { throw shell.session.unknownKey(target, at: word.location) }
                    shell.session.activeKey = target
                    shell.say(shell.style.dim("using key \(target) (\(key.secret.redacted))"))
                    return .none
                },
                SubcommandSpec("project", [ArgumentSpec("ID_OR_NAME", completion: .named("project", orNone: true))]) {
                    shell,
                    inv throws(ShellError) in
                    let word = try inv.argument(0)
                    let target = try shell.text(of: word)
                    if target == "none" {
                        shell.session.activeProject = nil
                        shell.say(shell.style.dim("no active project"))
                        return .none
                    }
                    // An id is taken as it is; a name is looked up, and one that names no project,
                    // or several, is an error and changes nothing.
                    let id = Interpreter.stringify(try await shell.resolvingProjectNames(.string(target), inv))
                    let named = id == target ? "" : " (\(Cells.inline(target)))"
                    shell.session.activeProject = id
                    shell.say(shell.style.dim("using project \(TerminalText.inline(id))\(named)"))
                    return .none
                },
            ],
            setsLastValue: false,
            checkSyntax: { s throws(SyntaxError) in
                let args = Array(s.arguments)
                guard let what = args.first?.literalText, what == "key" || what == "project" else {
                    throw SyntaxError("use: expected 'use key NAME' or 'use project ID'", at: args.first?.location ?? s.location)
                }
                if args.count != 2 { throw SyntaxError("use \(what): expected one \(what == "key" ? "key name" : "project id")", at: s.location) }
            }
        ),
        CommandSpec(
            name: "let",
            group: .session,
            summary: "set a variable to a value or to a command's result",
            grammar: "let NAME = VALUE | let NAME = COMMAND ...",
            example: "let sa = create-sa name=ci-bot",
            arguments: [ArgumentSpec("NAME = VALUE", repeats: true)],
            setsLastValue: false,
            checkSyntax: { s throws(SyntaxError) in
                let args = Array(s.arguments)
                guard args.count >= 3, let name = args[0].literalText, args[1].literalText == "=" else {
                    throw SyntaxError("let: expected 'let NAME = VALUE'", at: args.first?.location ?? s.location)
                }
                guard name.first.map({ $0.isLetter || $0 == "_" }) == true, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    throw SyntaxError("let: '\(name)' is not a variable name (letters, digits, _)", at: args[0].location)
                }
                if reserved.contains(name) { throw SyntaxError("let: $\(name) is built in and cannot be set", at: args[0].location) }
                if let command = args[2].literalText, CommandTable.lookup(command) != nil {
                    try Checker.check(Statement(words: Array(args[2...]), selection: s.selection, location: args[2].location))
                } else if let word = args[2].literalText, args.count > 3,
                    args[3...].contains(where: { $0.literalText.map { $0.hasPrefix("--") || $0.contains("=") } ?? false })
                        || (word.contains("-") && Suggest.closest(word, among: CommandTable.allNames) != nil)
                {
                    // `let p = create-project name=x` reads as a command with a typo, not as text.
                    throw SyntaxError(
                        "unknown command '\(word)'",
                        at: args[2].location,
                        suggestion: Suggest.closest(word, among: CommandTable.allNames).map { "did you mean \($0)? (to store text, quote it)" }
                            ?? "to store text, quote it: let \(name) = \"…\""
                    )
                }
            },
            run: { shell, inv throws(ShellError) in
                let words = Array(inv.statement.arguments)
                let name = words[0].literalText ?? ""
                let rhs = Array(words[2...])
                let value: JSON?
                if let command = rhs[0].literalText, CommandTable.lookup(command) != nil {
                    value = try await shell.language.evaluate(Statement(words: rhs, selection: inv.statement.selection, location: rhs[0].location))
                } else if rhs.count == 1 {
                    value = try shell.value(of: rhs[0], typed: true)
                } else {
                    value = .string(try rhs.map { w throws(ShellError) in try shell.text(of: w) }.joined(separator: " "))
                }
                shell.session.variables[name] = value ?? .null
                return .none
            }
        ),
        CommandSpec(
            name: "unset",
            group: .session,
            summary: "remove variables",
            arguments: [ArgumentSpec("NAME", repeats: true)],
            setsLastValue: false,
            run: { shell, inv throws(ShellError) in
                for w in inv.args.positional {
                    let name = try shell.text(of: w)
                    if shell.session.variables.removeValue(forKey: name) == nil { throw .usage("unset: no variable $\(name)", at: w.location) }
                }
                return .none
            }
        ),
        CommandSpec(
            name: "vars",
            group: .session,
            summary: "the session's variables",
            setsLastValue: false,
            recordsInTranscript: false,
            run: { shell, _ throws(ShellError) in
                let rows: [JSON] = shell.session.variables.keys.sorted().map { k in
                    let v = shell.session.variables[k]!
                    let text = v.serialized()
                    return .obj([
                        "name": .string("$" + k), "type": .string(v.typeName),
                        "value": .string(text.count > 70 ? String(text.prefix(69)) + "…" : text),
                    ])
                }
                if rows.isEmpty {
                    shell.say(shell.style.dim("(no variables; `let NAME = VALUE`)"))
                    return .none
                }
                shell.sayTable(rows, columns: [Column("NAME", ".name"), Column("TYPE", ".type"), Column("VALUE", ".value")])
                return .none
            }
        ),
        CommandSpec(
            name: "clear",
            group: .session,
            summary: "clear the screen (Ctrl-L does it at the prompt)",
            setsLastValue: false,
            recordsInTranscript: false,
            run: { shell, _ throws(ShellError) in
                shell.console.clearScreen()
                return .none
            }
        ),
        onOff(
            "pager",
            summary: "whether output longer than the screen goes through $ADM_PAGER, $PAGER or less -FRX",
            example: "pager off",
            set: { shell, on in shell.language.setPager(on) },
            describe: { shell in shell.language.pagerDescription }
        ),
        onOff(
            "records",
            summary: "show every table as records, one block per row (psql's \\x); off: only tables too wide for the terminal",
            example: "records on",
            set: { shell, on in shell.language.setRecords(on) },
            describe: { shell in
                shell.configuration.records
                    ? "records on: every table is shown one block per row"
                    : "records off: tables as tables; one too wide for the terminal as records"
            }
        ),
        onOff(
            "timing",
            summary: "follow each statement with how long it took, on standard error (psql's \\timing)",
            example: "timing on",
            set: { shell, on in shell.language.setTiming(on) },
            describe: { shell in shell.configuration.timing ? "timing on: each statement says how long it took" : "timing off" }
        ),
        CommandSpec(
            name: "print",
            aliases: ["echo"],
            group: .session,
            summary: "show a value or text",
            example: "print $sa.api_key.id",
            flags: Flags.output,
            arguments: [ArgumentSpec("VALUE", repeats: true)],
            run: { shell, inv throws(ShellError) in
                // Every word but print's own flags, in order: `print a=b` prints `a=b`.
                let words = inv.statement.arguments.filter { w in !(w.isFlag && inv.spec.flag(w.literalText ?? "") != nil) }
                if words.count == 1 { return .value(try shell.value(of: words[0], typed: true)) }
                return .value(.string(try words.map { w throws(ShellError) in try shell.text(of: w) }.joined(separator: " ")))
            }
        ),
        CommandSpec(
            name: "sleep",
            group: .session,
            summary: "wait (e.g. for a permission change to propagate)",
            arguments: [ArgumentSpec("DURATION", kind: Ranges.pause)],
            setsLastValue: false,
            run: { shell, inv throws(ShellError) in
                _ = try inv.argument(0)
                guard case .seconds(let seconds)? = try inv.checkedArgument(0) else { return .none }
                do { try await Task.sleep(for: .seconds(clamped: seconds)) } catch { throw .cancelled() }
                return .none
            }
        ),
        CommandSpec(
            name: "help",
            group: .session,
            summary: "commands, or one command's usage, endpoint, scope and example",
            arguments: [ArgumentSpec("COMMAND", optional: true, completion: .commands)],
            setsLastValue: false,
            recordsInTranscript: false,
            run: { shell, inv throws(ShellError) in
                let topic = try inv.optionalArgument(0).map { w throws(ShellError) in try shell.text(of: w) }
                for line in Help(style: shell.style).lines(for: topic) { shell.say(line) }
                return .none
            }
        ),
        CommandSpec(
            name: "edit",
            group: .session,
            summary: "open the previous line (or line N of history) in $VISUAL or $EDITOR (else vi); what you save runs (psql's \\e)",
            arguments: [ArgumentSpec("N", optional: true, kind: .integer(1...1_000_000))],
            setsLastValue: false,
            recordsInTranscript: false,
            run: { _, inv throws(ShellError) in
                // The REPL reads `edit` itself, before it runs as a statement.
                throw .usage("edit: only at the prompt, where it opens an editor on the previous line", at: inv.location)
            }
        ),
        CommandSpec(
            name: "history",
            group: .session,
            summary: "recent lines (history is stored without key values)",
            arguments: [ArgumentSpec("N", optional: true, kind: .integer(0...1_000_000))],
            setsLastValue: false,
            recordsInTranscript: false,
            run: { shell, inv throws(ShellError) in
                var n = 20
                if case .integer(let given)? = try inv.checkedArgument(0) { n = given }
                let lines = shell.language.history
                for (i, line) in lines.suffix(n).enumerated() {
                    shell.say(shell.style.dim(DisplayWidth.pad(String(lines.count - min(n, lines.count) + i + 1), to: 5)) + TerminalText.inline(line))
                }
                return .none
            }
        ),
        CommandSpec(
            name: "exit",
            aliases: ["quit"],
            group: .session,
            summary: "leave adm (a script ends with STATUS, default 0)",
            example: "exit 1",
            arguments: [ArgumentSpec("STATUS", optional: true, kind: .integer(0...255))],
            setsLastValue: false,
            recordsInTranscript: false,
            run: { shell, inv throws(ShellError) in
                guard inv.args.positional.count <= 1 else { throw .usage("exit: expected at most one STATUS", at: inv.args.positional[1].location) }
                var status: Int32 = 0
                if case .integer(let n)? = try inv.checkedArgument(0) { status = Int32(n) }
                shell.language.requestExit(status)
                return .none
            }
        ),
    ]

    /// A session setting turned on or off (`pager on`); with no argument it says how it stands.
    /// Not part of a saved script: it is how this terminal shows things.
    static func onOff(
        _ name: String,
        summary: String,
        example: String,
        set: @escaping @Sendable (CommandContext, Bool) -> Void,
        describe: @escaping @Sendable (CommandContext) -> String
    ) -> CommandSpec {
        CommandSpec(
            name: name,
            group: .session,
            summary: summary,
            example: example,
            arguments: [ArgumentSpec("SETTING", optional: true, completion: .choices(["on", "off"]))],
            setsLastValue: false,
            recordsInTranscript: false,
            run: { shell, inv throws(ShellError) in
                if let word = inv.optionalArgument(0) {
                    switch try shell.text(of: word).lowercased() {
                    case "on": set(shell, true)
                    case "off": set(shell, false)
                    case let other: throw .usage("\(name): expected on or off, not '\(Cells.inline(other))'", at: word.location)
                    }
                }
                shell.say(describe(shell))
                return .none
            }
        )
    }
}
