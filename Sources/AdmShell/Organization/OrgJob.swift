import AdmAPI

/// A change to the organization made of steps (`offboard`, `rotate`): the plan is shown first;
/// it runs only after a yes at a terminal or `--yes` in a script (`--dry-run` stops at the plan);
/// each step's result is written to a journal as it happens, so a run that was interrupted or
/// failed can be run again and skips what is done; a report lists every step with its result.
/// A step that failed makes the statement fail (exit 1), after the others ran.
struct OrgJob {
    /// One step: a call to make, or a note (what cannot be done, and why).
    struct Step {
        /// Stable across runs (the journal's key): `delete-key key_abc`.
        let id: String
        /// What it does, for people: `delete key ada-laptop (sk-...abcd) in Search`.
        let what: String
        var call: Call?
        /// Builds the call from what earlier steps made (a new account's id), when it needs it.
        var build: (([String: JSON]) -> Call?)?
        var note: String?

        init(id: String, what: String, call: Call) {
            self.id = id
            self.what = what
            self.call = call
        }

        init(id: String, what: String, build: @escaping ([String: JSON]) -> Call?) {
            self.id = id
            self.what = what
            self.build = build
        }

        var runs: Bool { call != nil || build != nil }

        init(id: String, what: String, note: String) {
            self.id = id
            self.what = what
            self.note = note
        }
    }

    /// `offboard ada@example.com`.
    let title: String
    /// The journal: `$XDG_STATE_HOME/adm/jobs/<name>.json`.
    let journal: String
    /// What a step made (an id the next steps need), by step id, from this run or an earlier one.
    private(set) var made: [String: JSON] = [:]

    /// A job named `name` in `organization` (journals of other organizations never mix in).
    init(title: String, name: String, organization: String?) {
        self.title = title
        let file = (organization ?? "org") + "-" + name
        self.journal =
            AdmPaths.stateDirectory + "/jobs/" + String(file.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }) + ".json"
        made = (journalEntries()["steps"]?.objectValue ?? []).reduce(into: [:]) { out, m in
            if m.value["status"] == "done" { out[m.key] = m.value["made"] ?? .null }
        }
    }

    /// Whether an earlier run did `stepID`.
    func doneEarlier(_ stepID: String) -> Bool { made[stepID] != nil }

    func journalEntries() -> JSON {
        (try? TextFile.read(journal, kind: "journal")).flatMap { try? JSON.parse($0) } ?? .obj(["steps": .obj([:])])
    }

    /// Shows the plan, asks, runs the steps, and reports.
    mutating func run(_ shell: Interpreter, _ inv: Invocation, steps: [Step], key: SessionKey) async throws(ShellError) -> Outcome {
        let style = shell.style
        let pending = steps.filter { !doneEarlier($0.id) }
        // Done by an earlier run: in today's plan still (a step that made something), or gone
        // from it (a key that was deleted is no longer listed).
        let alreadyDone = (journalEntries()["steps"]?.objectValue ?? []).filter { $0.value["status"] == "done" }.compactMap {
            $0.value["what"]?.stringValue
        }
        if inv.showsTables {
            shell.say(style.bold(title) + " — plan")
            for step in alreadyDone { shell.say(style.dim("  done earlier  \(step)")) }
            for step in pending {
                shell.say(
                    "  " + (step.runs ? "will          " : style.yellow("left as is   ")) + step.what
                        + (step.note.map { style.dim("  (\($0))") } ?? "")
                )
            }
            if pending.isEmpty { shell.say(style.dim("  nothing left to do")) }
        }
        var value: JSON = .obj([
            "object": "job", "title": .string(title), "plan": .array(pending.map(Self.json)), "done_earlier": .array(alreadyDone.map(JSON.string)),
        ])
        if inv.args.has("--dry-run") || pending.allSatisfy({ !$0.runs }) {
            if inv.args.has("--dry-run"), inv.showsTables { shell.say(style.dim("dry run: nothing was changed")) }
            if pending.isEmpty || inv.args.has("--dry-run") { return Outcome(value: value, printed: inv.showsTables) }
        }
        if !inv.args.has("--yes") {
            guard let confirm = shell.confirm else {
                throw .usage(
                    "\(inv.spec.name): not run: this changes the organization; add --yes to run it (or --dry-run to see the plan)",
                    at: inv.location
                )
            }
            guard confirm("Make these \(pending.filter(\.runs).count) changes? [y/N] ") else {
                shell.say(style.dim("not run: nothing was changed"))
                return Outcome(value: value, printed: inv.showsTables)
            }
        }
        var report: [JSON] = []
        var firstFailure: CallResult?
        for step in pending {
            if Task.isCancelled {
                report.append(.obj(["step": .string(step.what), "result": "not run (interrupted)"]))
                continue
            }
            guard let call = step.call ?? step.build?(made) else {
                report.append(.obj(["step": .string(step.what), "result": .string("left as is: " + (step.note ?? ""))]))
                continue
            }
            let result: CallResult
            do {
                result = try await shell.calls.send(call, key: key, statement: inv.statement.source + "  # " + step.what)
            } catch {
                if case .cancelled = error {
                    report.append(.obj(["step": .string(step.what), "result": "not run (interrupted)"]))
                    continue
                }
                report.append(.obj(["step": .string(step.what), "result": .string("failed: " + error.description)]))
                continue
            }
            // A delete that finds nothing: gone already, as the step wanted.
            let gone = call.method == .delete && result.status == 404
            if result.isSuccess || gone {
                record(step, made: result.json?["id"] ?? .null)
                report.append(.obj(["step": .string(step.what), "result": .string(gone ? "done (it was gone already)" : "done")]))
            } else {
                firstFailure = firstFailure ?? result
                let reason = result.error.map { "\(result.status) \($0.message)" } ?? "HTTP \(result.status)"
                report.append(.obj(["step": .string(step.what), "result": .string("failed: " + reason)]))
            }
        }
        value["report"] = .array(report)
        if inv.showsTables {
            shell.say(style.bold(title) + " — report")
            for line in Table.render(
                items: report,
                columns: [Column("STEP", ".step"), Column("RESULT", ".result")],
                style: style,
                maxWidth: 90,
                fit: shell.tableFit.map { $0 - 2 }
            ) {
                shell.say("  " + line)
            }
            if failed(report) > 0 || Task.isCancelled {
                shell.say(style.yellow("  run it again to finish: what is done is skipped (journal: \(journal))"))
            }
        }
        if failed(report) == 0, !Task.isCancelled {
            // Finished: the next run of the same job is a new one.
            FileMode.remove(journal)
        }
        if Task.isCancelled { throw .cancelled(partial: value) }
        var outcome = Outcome(value: value, printed: inv.showsTables, calls: [])
        if let firstFailure {
            await shell.calls.prepareExplanation(firstFailure, key: key)
            outcome.failure = .api(firstFailure)
        } else if failed(report) > 0 {
            throw .environment("\(title): a step failed (see the report); run it again to finish")
        }
        return outcome
    }

    func failed(_ report: [JSON]) -> Int {
        report.filter { $0["result"]?.stringValue?.hasPrefix("failed") == true }.count
    }

    /// Writes a finished step to the journal (atomically: an interrupted write leaves the old one).
    mutating func record(_ step: Step, made value: JSON) {
        made[step.id] = value
        var entries = journalEntries()
        var steps = entries["steps"] ?? .obj([:])
        steps[step.id] = .obj(["status": "done", "what": .string(step.what), "made": value, "at": .int(UnixTime.now())])
        entries["steps"] = steps
        entries["job"] = .string(title)
        FileMode.makeDirectories(AdmPaths.stateDirectory + "/jobs")
        try? FileMode.writePrivate(journal, entries.serialized(pretty: true) + "\n")
    }

    static func json(_ step: Step) -> JSON {
        .obj([
            "id": .string(step.id), "what": .string(step.what), "request": step.call.map { .string($0.summary) } ?? .null,
            "note": step.note.map(JSON.string) ?? .null,
        ])
    }
}
