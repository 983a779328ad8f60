import AdmAPI

/// A change to the organization made of steps (`offboard`, `rotate`), run so that an
/// interruption at any moment loses nothing:
///
/// - **One at a time.** The job holds a lock on its journal (named by organization and target)
///   while it runs; a second adm running the same job is refused with the first one's PID. A
///   lock whose process died is free again.
/// - **Plan first.** The plan is shown; it runs only after a yes at a terminal or `--yes` in a
///   script (`--dry-run` stops at the plan).
/// - **Written ahead.** Before the first change the journal is written (a journal that cannot
///   be written stops the job with nothing changed); each step is recorded as *started* before
///   its request and *done* or *failed* after its answer, durably. A rerun reports a started
///   step the organization shows done ("done: confirmed on this run") and plans again one it
///   does not.
/// - **Secrets first.** Keys a step's answer carries become session keys at once and, with a
///   secrets file (`rotate --save`), are written to it (0600, synced) before the next request;
///   a secret that cannot be saved stops the job.
/// - **A receipt.** A job that finished leaves its journal as a receipt: running it again says
///   "nothing left to do" at once, without reading the organization (`--fresh` reads again).
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

        init(id: String, what: String, note: String) {
            self.id = id
            self.what = what
            self.note = note
        }

        var runs: Bool { call != nil || build != nil }
    }

    /// A step's state in the journal.
    enum Status: String {
        case planned, started, done, failed
    }

    /// `offboard ada@example.com`.
    let title: String
    /// The journal: `$XDG_STATE_HOME/adm/jobs/<organization>-<name>.json`.
    let journal: String
    /// The journal as read or last written.
    private(set) var entries: JSON
    /// What a step made (an id the next steps need), by step id, from this run or an earlier one.
    private(set) var made: [String: JSON] = [:]

    /// The journal's format: 2 records steps started, done and failed, and the receipt.
    static let version = 2

    /// A job named `name` in `organization` (journals of other organizations never mix in).
    init(title: String, name: String, organization: String?) throws(ShellError) {
        self.title = title
        let file = (organization ?? "org") + "-" + name
        self.journal =
            AdmPaths.stateDirectory + "/jobs/" + String(file.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }) + ".json"
        entries = .obj(["object": "adm.job", "job": .string(title), "version": .int(Self.version), "steps": .obj([:])])
        if FileMode.exists(journal) {
            do {
                try OwnFiles.check(journal, as: .journal)
                entries = try JSON.parse(try TextFile.read(journal, kind: "journal"))
            } catch {
                throw .environment("\(title): its journal \(journal) cannot be read (\(error)); move it away to start afresh")
            }
        }
        for step in steps where step.value["status"] == "done" { made[step.key] = step.value["made"] ?? .null }
    }

    /// The steps the journal records, by id.
    var steps: [Named<JSON>] { entries["steps"]?.objectValue ?? [] }

    /// Whether an earlier run did `stepID`.
    func doneEarlier(_ stepID: String) -> Bool { made[stepID] != nil }

    /// Something the job keeps for its reruns (the user's id, the old account), by name.
    func kept(_ name: String) -> JSON? { entries["kept"]?[name] ?? entries[name] }

    /// Keeps `value` for reruns; written with the journal's next write.
    mutating func keep(_ name: String, _ value: JSON) {
        var kept = entries["kept"] ?? .obj([:])
        guard kept[name] == nil else { return }
        kept[name] = value
        entries["kept"] = kept
    }

    /// When the job finished, if it did: its receipt.
    var completedAt: String? { entries["completed_at"]?.stringValue }

    /// Takes the job's lock (one run of a job at a time).
    func lock() throws(ShellError) -> FileLock {
        FileMode.makeDirectories(AdmPaths.stateDirectory + "/jobs")
        do { return try FileLock.acquire(journal, writing: .journal) } catch {
            throw .environment("\(title): \(error.description)")
        }
    }

    /// The outcome of a job that finished before: "nothing left to do", from its receipt alone.
    func receiptOutcome(_ shell: CommandContext, _ inv: Invocation) -> Outcome {
        let done = steps.filter { $0.value["status"] == "done" }.compactMap { $0.value["what"]?.stringValue }
        if inv.showsTables {
            shell.say(shell.style.bold(title) + " — nothing left to do")
            shell.say(
                shell.style.dim(
                    "  finished \(completedAt ?? "earlier") (\(done.count) step\(done.count == 1 ? "" : "s"); receipt \(journal)); --fresh checks the organization again"
                )
            )
        }
        return Outcome(
            value: .obj([
                "object": "job", "title": .string(title), "plan": [], "done_earlier": .array(done.map(JSON.string)),
                "completed_at": completedAt.map(JSON.string) ?? .null, "receipt": .string(journal),
            ]),
            printed: inv.showsTables
        )
    }

    /// Shows the plan, asks, runs the steps, and reports. `secretsFile` is where new keys go
    /// (0600, before the next request); it was checked writable before the plan.
    mutating func run(
        _ shell: CommandContext,
        _ inv: Invocation,
        steps plan: [Step],
        key: SessionKey,
        secretsFile: String? = nil
    ) async throws(ShellError)
        -> Outcome
    {
        let style = shell.style
        let recorded = Dictionary(steps.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        let pending = plan.filter { !doneEarlier($0.id) }
        let planned = Set(plan.map(\.id))
        // Done by an earlier run; and started by one whose answer never came, which the
        // organization now shows done (the step is no longer in today's plan: a key that was
        // deleted is no longer listed).
        let doneBefore = steps.filter { $0.value["status"] == "done" }.compactMap { $0.value["what"]?.stringValue }
        let confirmed = steps.filter { $0.value["status"] == "started" && !planned.contains($0.key) }.compactMap { $0.value["what"]?.stringValue }
        let retried = pending.filter { recorded[$0.id]?["status"] == "started" }.map(\.id)
        if inv.showsTables {
            shell.say(style.bold(title) + " — plan")
            for step in doneBefore { shell.say(style.dim("  done earlier  \(step)")) }
            for step in confirmed { shell.say(style.dim("  done earlier  \(step) (its answer was lost; the organization shows it done)")) }
            for step in pending {
                let again = retried.contains(step.id) ? style.dim("  (started before, not done: again)") : ""
                shell.say(
                    "  " + (step.runs ? "will          " : style.yellow("left as is   ")) + step.what
                        + (step.note.map { style.dim("  (\($0))") } ?? "")
                        + again
                )
            }
            if pending.isEmpty { shell.say(style.dim("  nothing left to do")) }
        }
        var value: JSON = .obj([
            "object": "job", "title": .string(title), "plan": .array(pending.map(Self.json)),
            "done_earlier": .array((doneBefore + confirmed).map(JSON.string)),
        ])
        let dryRun = inv.args.has("--dry-run")
        if dryRun || pending.allSatisfy({ !$0.runs }) {
            if dryRun, inv.showsTables { shell.say(style.dim("dry run: nothing was changed")) }
            if dryRun { return Outcome(value: value, printed: inv.showsTables) }
            if pending.isEmpty {
                for step in steps where step.value["status"] == "started" { mark(step.key, .done, what: step.value["what"]?.stringValue ?? step.key) }
                try await complete()
                return Outcome(value: value, printed: inv.showsTables)
            }
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
        // Before the first change: the journal must be writable, or nothing happens.
        for step in steps where step.value["status"] == "started" && !planned.contains(step.key) {
            mark(step.key, .done, what: step.value["what"]?.stringValue ?? step.key)
        }
        for step in pending where step.runs { mark(step.id, .planned, what: step.what) }
        entries["started_at"] = .string(UnixTime.iso8601(UnixTime.now()))
        entries["completed_at"] = nil
        try await write(beforeAnyChange: true)

        var report: [JSON] = []
        var firstFailure: CallResult?
        var stopped: String?
        for step in pending {
            if Task.isCancelled || stopped != nil {
                report.append(.obj(["step": .string(step.what), "result": .string(stopped.map { "not run (\($0))" } ?? "not run (interrupted)")]))
                continue
            }
            guard let call = step.call ?? step.build?(made) else {
                report.append(.obj(["step": .string(step.what), "result": .string("left as is: " + (step.note ?? ""))]))
                continue
            }
            mark(step.id, .started, what: step.what)
            try await write()
            let result: CallResult
            let keysBefore = Set(shell.session.keyOrder)
            do {
                result = try await shell.calls.send(call, key: key, statement: inv.statement.source + "  # " + step.what)
            } catch {
                if case .cancelled = error {
                    // The request may have reached the server: the next run checks.
                    report.append(.obj(["step": .string(step.what), "result": "interrupted in flight: the next run checks whether it happened"]))
                    continue
                }
                report.append(.obj(["step": .string(step.what), "result": .string("failed: " + error.description)]))
                mark(step.id, .failed, what: step.what)
                try await write()
                continue
            }
            // Keys the answer carried (session keys now) are saved before anything else is sent.
            let adopted = shell.session.orderedKeys.filter { !keysBefore.contains($0.name) }
            if let secretsFile, !adopted.isEmpty {
                let keys = adopted.map { ($0.name, $0.secret) }
                do { try await DiskWork.perform { () throws(FileError) in try OwnFiles.storeKeys(keys, in: secretsFile) } } catch {
                    stopped = "the new key could not be saved"
                    shell.warn(
                        style.red("error: ")
                            + "\(title): the new key \(adopted.map(\.name).joined(separator: ", ")) could not be written to \(secretsFile): \(error.description); "
                            + "it is the session key \(adopted[0].name) now (`key export \(adopted[0].name) FILE` saves it); nothing more is changed"
                    )
                }
            }
            // A delete that finds nothing: gone already, as the step wanted.
            let gone = call.method == .delete && result.status == 404
            if result.isSuccess || gone {
                made[step.id] = result.json?["id"] ?? .null
                mark(step.id, .done, what: step.what, made: made[step.id])
                report.append(.obj(["step": .string(step.what), "result": .string(gone ? "done (it was gone already)" : "done")]))
            } else {
                firstFailure = firstFailure ?? result
                mark(step.id, .failed, what: step.what)
                let reason = result.error.map { "\(result.status) \($0.message)" } ?? "HTTP \(result.status)"
                report.append(.obj(["step": .string(step.what), "result": .string("failed: " + reason)]))
            }
            try await write()
        }
        value["report"] = .array(report)
        let unfinished = failed(report) > 0 || Task.isCancelled || stopped != nil
        if inv.showsTables {
            shell.say(style.bold(title) + " — report")
            for line in Table.render(
                items: report,
                columns: [Column("STEP", ".step"), Column("RESULT", ".result")],
                style: style,
                maxWidth: 90,
                layout: shell.tableLayout.narrowed(by: 2)
            ) {
                shell.say("  " + line)
            }
            if unfinished { shell.say(style.yellow("  run it again to finish: what is done is skipped (journal: \(journal))")) }
        }
        if !unfinished { try await complete() }
        if Task.isCancelled { throw .cancelled(partial: value) }
        var outcome = Outcome(value: value, printed: inv.showsTables, calls: [])
        if let firstFailure {
            await shell.calls.prepareExplanation(firstFailure, key: key)
            outcome.failure = .api(firstFailure)
        } else if unfinished {
            throw .environment("\(title): \(stopped ?? "a step failed (see the report)"); run it again to finish")
        }
        return outcome
    }

    func failed(_ report: [JSON]) -> Int {
        report.filter { $0["result"]?.stringValue?.hasPrefix("failed") == true }.count
    }

    /// Records a step's state (written with the next `write`).
    mutating func mark(_ id: String, _ status: Status, what: String, made value: JSON? = nil) {
        var all = entries["steps"] ?? .obj([:])
        var step: JSON = .obj(["status": .string(status.rawValue), "what": .string(what), "at": .int(UnixTime.now())])
        if let value { step["made"] = value }
        all[id] = step
        entries["steps"] = all
    }

    /// Marks the job finished: the journal becomes its receipt.
    mutating func complete() async throws(ShellError) {
        entries["completed_at"] = .string(UnixTime.iso8601(UnixTime.now()))
        try await write()
    }

    /// Writes the journal durably (a temporary file renamed over it, synced), off the event loop
    /// (`DiskWork`). A journal that cannot be written stops the job: its resumability would be
    /// gone without a trace.
    func write(beforeAnyChange: Bool = false) async throws(ShellError) {
        var document = entries
        document["job"] = .string(title)
        document["version"] = .int(Self.version)
        let (journal, text) = (journal, document.serialized(pretty: true) + "\n")
        do {
            try await DiskWork.perform { () throws(FileError) in
                FileMode.makeDirectories(AdmPaths.stateDirectory + "/jobs")
                try FileMode.writePrivate(journal, text)
            }
        } catch {
            throw .environment(
                "\(title): its journal cannot be written (\(error.description))"
                    + (beforeAnyChange ? "; nothing was changed" : "; stopped, run it again to finish once the journal can be written")
            )
        }
    }

    static func json(_ step: Step) -> JSON {
        .obj([
            "id": .string(step.id), "what": .string(step.what), "request": step.call.map { .string($0.summary) } ?? .null,
            "note": step.note.map(JSON.string) ?? .null,
        ])
    }
}

extension OrgJob {
    /// Runs a job's command so that a Ctrl-C before any change — while it reads the
    /// organization, or at its question — says that nothing was changed, not only "cancelled".
    /// Once its changes have begun, its cancellation carries the report it printed (what was
    /// done, and "run it again to finish"), and nothing more is said.
    static func sayingWhenNothingChanged(
        _ shell: CommandContext,
        _ inv: Invocation,
        _ job: (CommandContext, Invocation) async throws(ShellError) -> Outcome
    ) async throws(ShellError) -> Outcome {
        do {
            return try await job(shell, inv)
        } catch {
            if case .cancelled(partial: nil) = error {
                shell.warn(shell.style.yellow("\(inv.spec.name): stopped before any change; nothing was changed"))
            }
            throw error
        }
    }
}
