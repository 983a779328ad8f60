import AdmAPI

/// Keys, the active key and project, variables, help.
enum SessionCommands {
    static let reserved: Set<String> = ["_", "env", "status", "project", "key"]

    static let specs: [CommandSpec] = [
        CommandSpec(
            name: "key", group: .session, summary: "name a key (its value never echoes), list, remove, export or load keys",
            usage: "key add NAME --env VAR | key add NAME --file PATH | key add NAME (prompts) | key list | key remove NAME | key export NAME FILE | key load FILE",
            example: "key add prod --env OPENAI_ADMIN_KEY",
            flags: [FlagSpec("--env", value: true, "read the value from this environment variable"),
                    FlagSpec("--file", value: true, "read the value from this file (must be 0600)")],
            subcommands: ["add", "list", "remove", "export", "load"], setsLastValue: false, recordsInTranscript: false
        ) { (shell, inv) throws(ShellError) in try KeyCommand.run(shell, inv) },
        CommandSpec(
            name: "use", group: .session, summary: "switch the active key or project",
            usage: "use key NAME | use project ID|none", example: "use key mgmt-write",
            subcommands: ["key", "project"], setsLastValue: false,
            checkSyntax: { s throws(SyntaxError) in
                let args = Array(s.arguments)
                guard let what = args.first?.literalText, what == "key" || what == "project" else {
                    throw SyntaxError("use: expected 'use key NAME' or 'use project ID'", at: args.first?.location ?? s.location)
                }
                if args.count != 2 { throw SyntaxError("use \(what): expected one \(what == "key" ? "key name" : "project id")", at: s.location) }
            }
        ) { (shell, inv) throws(ShellError) in
            let what = try shell.text(of: shell.positional(inv, 0, "key|project"))
            let target = try shell.text(of: shell.positional(inv, 1, "NAME"))
            if what == "key" {
                guard shell.session.keys[target] != nil else { throw shell.unknownKey(target, at: inv.args.positional[1].location) }
                shell.session.activeKey = target
                shell.say(shell.style.dim("using key \(target) (\(shell.session.keys[target]!.secret.redacted))"))
            } else {
                shell.session.activeProject = target == "none" ? nil : target
                shell.say(shell.style.dim(target == "none" ? "no active project" : "using project \(target)"))
            }
            return nil
        },
        CommandSpec(
            name: "let", group: .session, summary: "set a variable to a value or to a command's result",
            usage: "let NAME = VALUE | let NAME = COMMAND ...", example: "let sa = create-sa name=ci-bot",
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
                }
            }
        ) { (shell, inv) throws(ShellError) in
            let words = Array(inv.statement.arguments)
            let name = words[0].literalText ?? ""
            let rhs = Array(words[2...])
            let value: JSON?
            if let command = rhs[0].literalText, CommandTable.lookup(command) != nil {
                value = try await shell.evaluate(Statement(words: rhs, selection: inv.statement.selection, location: rhs[0].location))
            } else if rhs.count == 1 {
                value = try shell.value(of: rhs[0], typed: true)
            } else {
                value = .string(try rhs.map { w throws(ShellError) in try shell.text(of: w) }.joined(separator: " "))
            }
            shell.session.variables[name] = value ?? .null
            return nil
        },
        CommandSpec(name: "unset", group: .session, summary: "remove variables", usage: "unset NAME ...", setsLastValue: false) { (shell, inv) throws(ShellError) in
            for w in inv.args.positional {
                let name = try shell.text(of: w)
                if shell.session.variables.removeValue(forKey: name) == nil { throw .usage("unset: no variable $\(name)", at: w.location) }
            }
            return nil
        },
        CommandSpec(name: "vars", group: .session, summary: "the session's variables", usage: "vars", setsLastValue: false, recordsInTranscript: false) { (shell, _) throws(ShellError) in
            let rows: [JSON] = shell.session.variables.keys.sorted().map { k in
                let v = shell.session.variables[k]!
                let text = v.serialized()
                return .obj(["name": .string("$" + k), "type": .string(v.typeName), "value": .string(text.count > 70 ? String(text.prefix(69)) + "…" : text)])
            }
            if rows.isEmpty { shell.say(shell.style.dim("(no variables; `let NAME = VALUE`)")); return nil }
            for line in Table.render(items: rows, columns: [Column("NAME", ".name"), Column("TYPE", ".type"), Column("VALUE", ".value")], style: shell.style) { shell.say(line) }
            return nil
        },
        CommandSpec(name: "print", aliases: ["echo"], group: .session, summary: "show a value or text", usage: "print VALUE ...", example: "print $sa.api_key.id",
                    flags: Flags.output) { (shell, inv) throws(ShellError) in
            if inv.args.positional.count == 1 { return try shell.value(of: inv.args.positional[0], typed: true) }
            return .string(try inv.args.positional.map { w throws(ShellError) in try shell.text(of: w) }.joined(separator: " "))
        },
        CommandSpec(name: "sleep", group: .session, summary: "wait (e.g. for a permission change to propagate)", usage: "sleep 500ms|2s",
                    setsLastValue: false) { (shell, inv) throws(ShellError) in
            let text = try shell.text(of: shell.positional(inv, 0, "DURATION"))
            let ms = text.hasSuffix("ms") ? Int(text.dropLast(2)) : (try? Durations.seconds(text, at: nil)).map { $0 * 1000 }
            guard let ms, ms >= 0 else { throw .usage("sleep: '\(text)' is not a duration (500ms, 2s)", at: inv.location) }
            do { try await Task.sleep(for: .milliseconds(ms)) } catch { throw .cancelled }
            return nil
        },
        CommandSpec(name: "help", group: .session, summary: "commands, or one command's usage, endpoint, scope and example",
                    usage: "help [COMMAND]", setsLastValue: false, recordsInTranscript: false) { (shell, inv) throws(ShellError) in
            for line in Help.lines(for: try inv.args.positional.first.map { w throws(ShellError) in try shell.text(of: w) }, style: shell.style) { shell.say(line) }
            return nil
        },
        CommandSpec(name: "history", group: .session, summary: "recent lines (history is stored without key values)",
                    usage: "history [N]", setsLastValue: false, recordsInTranscript: false) { (shell, inv) throws(ShellError) in
            let n = try inv.args.positional.first.map { w throws(ShellError) -> Int in
                guard let n = Int(try shell.text(of: w)) else { throw .usage("history: N must be a number", at: w.location) }
                return n
            } ?? 20
            let lines = shell.historyProvider?() ?? shell.session.transcript
            for (i, line) in lines.suffix(n).enumerated() { shell.say(shell.style.dim(String(lines.count - min(n, lines.count) + i + 1).padding(to: 5)) + line) }
            return nil
        },
        CommandSpec(name: "exit", aliases: ["quit"], group: .session, summary: "leave adm (a script ends with STATUS, default 0)",
                    usage: "exit [STATUS]", example: "exit 1", setsLastValue: false, recordsInTranscript: false) { (shell, inv) throws(ShellError) in
            guard inv.args.positional.count <= 1 else { throw .usage("exit: expected at most one STATUS", at: inv.args.positional[1].location) }
            var status: Int32 = 0
            if let word = inv.args.positional.first {
                guard let n = Int32(try shell.text(of: word)), (0...255).contains(n) else {
                    throw .usage("exit: STATUS must be a number from 0 to 255", at: word.location)
                }
                status = n
            }
            shell.requestedExit = status
            return nil
        },
    ]
}

extension Interpreter {
    /// Runs a statement for its value only (no rendering): the right side of `let`, probes.
    func evaluate(_ statement: Statement) async throws(ShellError) -> JSON? {
        guard let spec = CommandTable.lookup(statement.command) else { throw .usage("unknown command '\(statement.command)'", at: statement.location) }
        let args = try Arguments(statement.arguments, valued: spec.valuedFlags)
        let saved = outputMode
        outputMode = .quiet
        defer { outputMode = saved }
        let inv = Invocation(statement: statement, args: args, spec: spec)
        var value = try await spec.run(self, inv)
        if let path = statement.selection, let v = value {
            do { value = try path.evaluate(v) } catch { throw .usage("selection \(path): \(error.message)", at: statement.location) }
        }
        if let value, spec.setsLastValue { session.last = value }
        if inv.madeCall, let r = session.lastResult, !r.isSuccess { throw .api(r) }
        return value
    }
}
