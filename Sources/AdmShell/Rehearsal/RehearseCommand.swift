import AdmAPI

/// `rehearse SCRIPT [--snapshot FILE] [--apply [--yes]]`: the script on a twin first (see
/// `Rehearsal`), its plan and the differences it would make; with `--apply`, then on the
/// organization, and what changed compared with what the rehearsal predicted.
enum RehearseCommand {
    static let spec = CommandSpec(
        name: "rehearse",
        group: .organization,
        summary: "run a script on a twin of the organization first: every write's outcome, failed expectations, the differences",
        example: "rehearse cleanup.adm --apply",
        flags: Flags.output + [
            FlagSpec("--snapshot", .file, "build the twin from this snapshot instead of reading the organization now"),
            FlagSpec("--apply", "then run the script on the organization (after a yes, or --yes) and compare with the rehearsal"),
            FlagSpec("--yes", "apply without asking (scripts)").requiring("--apply"),
        ],
        arguments: [ArgumentSpec("SCRIPT", kind: .file)],
        run: { shell, inv throws(ShellError) in
            let file = try shell.text(of: inv.argument(0))
            return try await rehearse(shell, inv, file: file, text: try readScript(file))
        }
    )

    static func readScript(_ file: String) throws(ShellError) -> String {
        do { return try TextFile.read(file, kind: "script") } catch { throw .environment(error.description) }
    }

    /// `offboard X --rehearse`, `rotate SA --rehearse`: the job itself (as `--yes` would run it)
    /// rehearsed on a twin, each step's outcome reported; nothing is changed.
    static func rehearseJob(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        let words = inv.statement.words.filter { $0.literalText != "--rehearse" }.map(\.source)
        let statement = (words + ["--yes"]).joined(separator: " ")
        return try await rehearse(shell, inv, file: inv.spec.name, text: statement)
    }

    /// Rehearses `text`, shows the plan, and with `--apply` runs it for real.
    static func rehearse(_ shell: CommandContext, _ inv: Invocation, file: String, text: String) async throws(ShellError) -> Outcome {
        let snapshotFile = try inv.args.flagWord("--snapshot").map { w throws(ShellError) in try shell.text(of: w) }
        var liveBefore: JSON?
        let snapshot: JSON
        if let snapshotFile {
            snapshot = try SnapshotCommand.load(snapshotFile)
        } else {
            snapshot = try await Snapshot(reader: OrgReader(shell, inv, fresh: true)).take()
            liveBefore = snapshot
        }
        let unreadable = Snapshot.unreadable(snapshot)
        let result = try await Rehearsal(shell: shell, inv: inv).run(file: file, text: text, snapshot: snapshot)
        var outcome = Outcome(value: json(result), printed: inv.showsTables)
        if inv.showsTables { show(shell, result, unreadable: unreadable.count) }
        if result.exitStatus != 0 {
            outcome.failure = failure(result, applying: inv.args.has("--apply"))
            return outcome
        }
        guard inv.args.has("--apply") else { return outcome }

        // Apply: the same script on the organization, then what changed against the prediction.
        if !inv.args.has("--yes") {
            guard let confirm = shell.confirm else {
                throw .usage("rehearse --apply: not applied: this changes the organization; add --yes to apply it", at: inv.location)
            }
            guard confirm("Apply \(file) to the organization (\(result.writes.count) writes)? [y/N] ") else {
                shell.say(shell.style.dim("not applied: nothing was changed"))
                return outcome
            }
        }
        if liveBefore == nil { liveBefore = try await Snapshot(reader: OrgReader(shell, inv, fresh: true)).take() }
        let run = await shell.language.runScript(text, file: file, keepGoing: false)
        let liveAfter = try await Snapshot(reader: OrgReader(shell, inv, fresh: true)).take()
        let actual = SnapshotDiff.changes(liveBefore ?? snapshot, liveAfter).filter { $0.kind != .unreadable }
        let mismatches = compare(predicted: result.changes, actual: actual)
        outcome.value?["applied"] = .obj([
            "exit_status": .int(Int(run.exitStatus)), "changes": .array(actual.map(changeJSON)),
            "as_rehearsed": .bool(mismatches.isEmpty && run.exitStatus == 0),
            "differences": .array(mismatches.map(JSON.string)),
        ])
        if inv.showsTables {
            if mismatches.isEmpty {
                shell.say(
                    shell.style.green("the organization changed as rehearsed")
                        + shell.style.dim(" (\(actual.count) difference\(actual.count == 1 ? "" : "s"))")
                )
            } else {
                shell.say(shell.style.yellow("the organization did not change as rehearsed:"))
                for line in mismatches { shell.say("  " + line) }
            }
        }
        if run.exitStatus != 0 {
            outcome.failure = .differs(
                "rehearse --apply: the script failed on the organization (exit \(run.exitStatus)) although its rehearsal passed"
            )
        } else if !mismatches.isEmpty {
            outcome.failure = .differs("rehearse --apply: \(mismatches.count) difference\(mismatches.count == 1 ? "" : "s") from the rehearsal")
        }
        return outcome
    }

    /// The failure a rehearsal that did not pass ends with: the script's own exit status.
    static func failure(_ result: Rehearsal.Result, applying: Bool) -> ShellError {
        let tail = applying ? "; nothing was applied" : ""
        let message = "rehearse: the script would fail (exit \(result.exitStatus))\(tail)"
        switch result.exitStatus {
        case 1: return .differs(message)
        case 2: return .usage(message, at: nil)
        case 4: return .incomplete(message)
        case 130: return .cancelled()
        default: return .environment(message)
        }
    }

    /// The plan: each write and its outcome, the script's failures, the differences, the summary.
    static func show(_ shell: CommandContext, _ result: Rehearsal.Result, unreadable: Int) {
        let style = shell.style
        let org = result.organization.map { " of \($0)" } ?? ""
        let taken = result.snapshotTakenAt.map { " (snapshot \($0))" } ?? ""
        shell.say(style.bold("rehearsal of \(Cells.inline(result.script)) on a twin\(org)") + style.dim(taken))
        for (name, profile) in result.standIns { shell.say(style.dim("  key \(name) stands in with the permissions it showed: \(profile)")) }
        for note in result.notes { shell.say(style.yellow("  note: ") + TerminalText.inline(note)) }
        if unreadable > 0 {
            shell.say(
                style.yellow("  note: ")
                    + "\(unreadable) part\(unreadable == 1 ? "" : "s") of the organization could not be read; the twin lacks them"
            )
        }
        if result.writes.isEmpty { shell.say(style.dim("  the script makes no write")) }
        for write in result.writes {
            let mark: String
            if write.succeeded {
                mark = style.green(DisplayWidth.pad("done", to: 9))
            } else if write.refused {
                mark = style.red(DisplayWidth.pad("refused", to: 9))
            } else {
                mark = style.red(DisplayWidth.pad("failed", to: 9))
            }
            let reason = write.succeeded ? "" : style.dim(" — " + write.outcome.replacingPrefix("refused: ").replacingPrefix("failed: "))
            shell.say("  " + mark + TerminalText.inline(write.what) + reason)
        }
        for failure in result.failures { shell.say(style.red("  would fail: ") + Repro.oneLine(failure, 200)) }
        for file in result.files { shell.say(style.dim("  would write \(TerminalText.inline(file)) (kept aside, then removed)")) }
        if !result.changes.isEmpty {
            shell.say(style.bold("differences it would make:"))
            let rows: [JSON] = result.changes.map { c in
                .obj(["change": .string(c.kind.rawValue), "path": .string(c.path), "value": .string(SnapshotCommand.describe(c))])
            }
            for line in Table.render(
                items: rows,
                columns: [Column("CHANGE", ".change"), Column("PATH", ".path"), Column("BEFORE → AFTER", ".value")],
                style: style,
                maxWidth: 100,
                layout: shell.tableLayout
            ) {
                shell.say("  " + line)
            }
        }
        shell.say(result.exitStatus == 0 ? result.summary : style.red(result.summary))
    }

    static func changeJSON(_ c: SnapshotDiff.Change) -> JSON {
        .obj(["change": .string(c.kind.rawValue), "path": .string(c.path), "before": c.before ?? .null, "after": c.after ?? .null])
    }

    static func json(_ r: Rehearsal.Result) -> JSON {
        .obj([
            "object": "rehearsal", "script": .string(r.script), "organization": r.organization.map(JSON.string) ?? .null,
            "snapshot_taken_at": r.snapshotTakenAt.map(JSON.string) ?? .null,
            "stand_ins": .array(r.standIns.map { .obj(["key": .string($0.name), "profile": .string($0.profile)]) }),
            "writes": .array(r.writes.map(\.json)), "failures": .array(r.failures.map(JSON.string)),
            "changes": .array(r.changes.map(changeJSON)), "files": .array(r.files.map(JSON.string)),
            "notes": .array(r.notes.map(JSON.string)), "exit_status": .int(Int(r.exitStatus)),
            "summary": .string(r.summary), "sent_to_organization": .int(0),
        ])
    }

    /// How what happened differs from what was rehearsed, by path: what was predicted and did
    /// not happen, what happened and was not predicted, and values that came out otherwise.
    /// New objects get new ids on each side, so additions and removals compare by path alone.
    static func compare(predicted: [SnapshotDiff.Change], actual: [SnapshotDiff.Change]) -> [String] {
        func key(_ c: SnapshotDiff.Change) -> String { c.kind.rawValue + " " + c.path }
        let expected = Dictionary(predicted.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let happened = Dictionary(actual.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        var out: [String] = []
        for c in predicted where happened[key(c)] == nil { out.append("rehearsed but did not happen: \(c.kind.rawValue) \(c.path)") }
        for c in actual where expected[key(c)] == nil { out.append("happened but was not rehearsed: \(c.kind.rawValue) \(c.path)") }
        // A time the change itself sets (`archived_at`) is the moment it happened: the rehearsal's
        // and the run's differ by however long lay between them, and that is no difference.
        func sameMoment(_ a: JSON?, _ b: JSON?) -> Bool { a == b || (a?.isNull == false && b?.isNull == false) }
        for c in actual where c.kind == .changed {
            guard let p = expected[key(c)] else { continue }
            let isTime = c.path.hasSuffix("_at")
            let same = isTime ? p.before == c.before && sameMoment(p.after, c.after) : p.before == c.before && p.after == c.after
            guard !same else { continue }
            out.append("\(c.path): rehearsed \(SnapshotCommand.describe(p)), happened \(SnapshotCommand.describe(c))")
        }
        return out.map { TerminalText.inline($0) }
    }
}
