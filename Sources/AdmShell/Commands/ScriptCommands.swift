import AdmAPI

/// Assertions and sharing: `expect`, `repro`, `export`, `save`.
enum ScriptCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(
            name: "expect",
            group: .script,
            summary: "assert on the last call or a value (fails the script when it does not hold)",
            grammar:
                "expect status N | ok | error \"TEXT\" | missing-scope SCOPE | unauthorized-scope SCOPE | count N | PATH ==|!=|contains|>|<|>=|<= VALUE",
            example: "expect missing-scope api.management.write",
            arguments: [ArgumentSpec("FORM", completion: .choices(Expect.forms)), ArgumentSpec("VALUE", optional: true, repeats: true)],
            setsLastValue: false,
            checkSyntax: { s throws(SyntaxError) in try Expect.checkSyntax(s) },
            run: { shell, inv throws(ShellError) in try Expect.run(shell, inv) }
        ),
        CommandSpec(
            name: "repro",
            group: .script,
            summary: "a one-line reproduction of the last call (or last N) to paste to a colleague; no secret included",
            example: "repro --curl",
            flags: [
                FlagSpec("--curl", "print curl commands instead of adm").excluding("--twin"),
                FlagSpec("--twin", .file, "write one file that carries the organization: adm --twin FILE reproduces the answer"),
                FlagSpec("--anonymize", "with --twin: names and emails replaced consistently, ids kept").requiring("--twin"),
            ] + Flags.key.map { $0.requiring("--twin") },
            arguments: [ArgumentSpec("N", optional: true, kind: .integer(1...1_000))],
            setsLastValue: false,
            recordsInTranscript: false,
            run: { shell, inv throws(ShellError) in
                if let file = inv.args.flagWord("--twin") { return try await TwinRepro.write(shell, inv, to: try shell.text(of: file)) }
                let calls = try recent(shell, inv)
                var lines = Repro.context(calls, shell: shell)
                lines += inv.args.has("--curl") ? Repro.curl(calls, shell: shell) : Repro.admLine(calls, shell: shell)
                try emit(shell, lines, file: nil)
                return .none
            }
        ),
        CommandSpec(
            name: "export",
            group: .script,
            summary: "the last call (or last N) as curl, HTTPie or a REST-client .http file",
            example: "export http 3 calls.http",
            subcommands: ["curl", "httpie", "http"].map { format in
                SubcommandSpec(format, [ArgumentSpec("N", optional: true), ArgumentSpec("FILE", optional: true, kind: .file)]) {
                    shell,
                    inv throws(ShellError) in
                    try exportCalls(shell, inv, format: format)
                }
            },
            setsLastValue: false,
            recordsInTranscript: false
        ),
        CommandSpec(
            name: "save",
            group: .script,
            summary: "write this session's commands as a script",
            example: "save check.adm",
            arguments: [ArgumentSpec("FILE", kind: .file)],
            setsLastValue: false,
            recordsInTranscript: false,
            run: { shell, inv throws(ShellError) in
                let path = try shell.text(of: inv.argument(0))
                let run = (["adm"] + shell.configuration.launchArguments.map(Repro.shellQuote) + ["run", Repro.shellQuote(path)]).joined(
                    separator: " "
                )
                let header = ["# saved by adm \(shell.configuration.version) on \(UnixTime.iso8601(UnixTime.now())); run it with: \(run)"]
                try emit(shell, header + shell.session.transcript, file: path, as: .script)
                return .none
            }
        ),
        CommandSpec(
            name: "run",
            group: .script,
            summary: "run scripts in this session: their keys, variables and project stay; stops at the first failure",
            example: "run check.adm",
            flags: [FlagSpec("--keep-going", "run every statement, reporting each failure, instead of stopping at the first")],
            arguments: [ArgumentSpec("FILE", repeats: true, kind: .file)],
            setsLastValue: false,
            run: { shell, inv throws(ShellError) in try await runFiles(shell, inv) }
        ),
    ]

    /// Scripts started by `run` inside scripts started by `run`, at most this deep.
    static let deepestRun = 16

    /// `run FILE…`: each file in turn, in this session; the first that fails ends the statement
    /// with its exit status's error.
    static func runFiles(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        guard !inv.args.positional.isEmpty else { throw .usage("run: which script? usage: run FILE.adm… [--keep-going]", at: inv.location) }
        guard shell.script.runDepth < deepestRun else {
            throw .usage("run: scripts run scripts \(deepestRun) deep; is one running itself?", at: inv.location)
        }
        let outer = shell.script.currentFile
        shell.script.runDepth += 1
        defer {
            shell.script.runDepth -= 1
            shell.script.currentFile = outer
        }
        for word in inv.args.positional {
            let path = try shell.text(of: word)
            let text: String
            do { text = try TextFile.read(path, kind: "script") } catch { throw .environment("run: \(error.description)") }
            let outcome = await shell.language.runScript(text, file: path, keepGoing: inv.args.has("--keep-going"))
            let failed = "run \(path): \(outcome.failures.count) failure\(outcome.failures.count == 1 ? "" : "s") (exit \(outcome.exitStatus))"
            switch outcome.exitStatus {
            case 0: continue
            case 1: throw .differs(failed)
            case 2: throw .usage(failed, at: nil)
            case 4: throw .incomplete(failed)
            case 130: throw .cancelled()
            default: throw .environment(failed)
            }
        }
        return .none
    }

    /// `export curl|httpie|http [N] [FILE]`.
    static func exportCalls(_ shell: CommandContext, _ inv: Invocation, format: String) throws(ShellError) -> Outcome {
        var rest = inv.args.positional
        var count = 1
        // The first word is N when it is a number (else it is the FILE).
        if let first = rest.first, let n = Int(try shell.text(of: first)) {
            guard (1...1_000).contains(n) else {
                throw .usage("export: N '\(n)' is out of range: a whole number from 1 to 1,000", at: first.location)
            }
            count = n
            rest.removeFirst()
        }
        let file = try rest.first.map { w throws(ShellError) in try shell.text(of: w) }
        let calls = try recent(shell, inv, count: count)
        var lines: [String]
        switch format {
        case "curl": lines = Repro.curl(calls, shell: shell)
        case "httpie": lines = Repro.httpie(calls, shell: shell)
        default: lines = Repro.httpFile(calls, shell: shell)
        }
        if format != "http" { lines = Repro.context(calls, shell: shell) + lines }
        try emit(shell, lines, file: file, as: .reproduction)
        return .none
    }

    /// The last N recorded calls (N from the first positional, default 1).
    static func recent(_ shell: CommandContext, _ inv: Invocation, count: Int? = nil) throws(ShellError) -> [CallRecord] {
        var n = count ?? 1
        if count == nil, case .integer(let v)? = try inv.checkedArgument(0) { n = v }
        let calls = shell.session.calls.suffix(n)
        guard !calls.isEmpty else { throw .usage("\(inv.spec.name): no call has been made yet", at: inv.location) }
        return Array(calls)
    }

    /// Prints `lines`, or writes them to a 0600 file, after the key-shape check.
    static func emit(_ shell: CommandContext, _ lines: [String], file: String?, as kind: AdmFile = .reproduction) throws(ShellError) {
        let text = lines.joined(separator: "\n") + "\n"
        do { try Repro.guardText(text, shell: shell) } catch { throw .environment(error.description) }
        if let file {
            do { try OwnFiles.replace(file, with: text, as: kind) } catch { throw .environment(error.description) }
            shell.say(shell.style.dim("wrote \(file) (\(lines.count) lines, mode 0600)"))
        } else {
            shell.console.write(text)
        }
    }
}
