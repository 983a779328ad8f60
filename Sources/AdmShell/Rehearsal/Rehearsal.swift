import AdmAPI

/// A script run on a twin of the organization instead of the organization: what every write
/// would do (done, refused and why, failed), which expectations would fail, and how the
/// organization would differ afterwards. Nothing that changes the organization is sent to it:
/// the only calls to it are reads (the snapshot, when none is given) and the permission probes
/// `scopes --writes` makes (writes that fail validation, so they change nothing).
///
/// The session's keys stand in the twin as keys of the same permissions: each key the script
/// may use is probed on the live API, and its stand-in gets the profile probing observed, so a
/// write the live key cannot make is refused in the rehearsal too. Files the script writes land
/// in a scratch folder (`Scratch`) that is removed afterwards: the rehearsal leaves the disk,
/// the job journals included, as it found them.
struct Rehearsal {
    /// One write the script made, and what came of it in the twin.
    struct Write {
        let statement: String
        let call: Call
        /// `Delete project API key grace-laptop (sk-...kqKZ) in Customer Success`.
        let what: String
        let status: Int?
        let error: APIError?
        let transportError: String?

        var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }
        /// Refused for want of permission (401, 403); any other error answer is a failure.
        var refused: Bool { status == 401 || status == 403 }

        /// `done`, `refused: missing api.management.write`, `failed: 404 No API key found …`.
        var outcome: String {
            if succeeded { return "done" }
            if let error, refused {
                if !error.missingScopes.isEmpty { return "refused: missing " + error.missingScopes.joined(separator: ", ") }
                if error.code == "invalid_api_key" { return "refused: the key is not valid (deleted, or never in this organization)" }
                return "refused: " + Self.firstSentence(error.message)
            }
            if let status {
                return "failed: \(status)" + (error.map { " " + Self.firstSentence($0.message) } ?? "")
            }
            return "failed: " + (transportError ?? "no answer")
        }

        private static func firstSentence(_ message: String) -> String {
            let first = message.split(separator: ". ", maxSplits: 1).first.map(String.init) ?? message
            return first.count > 100 ? String(first.prefix(99)) + "…" : first
        }

        var json: JSON {
            .obj([
                "statement": .string(statement), "request": .string(call.summary), "what": .string(what),
                "outcome": .string(succeeded ? "done" : refused ? "refused" : "failed"), "status": status.map(JSON.int) ?? .null,
                "reason": succeeded ? .null : .string(outcome),
            ])
        }
    }

    /// What a rehearsal found.
    struct Result {
        var script: String
        var organization: String?
        var snapshotTakenAt: String?
        var writes: [Write] = []
        /// The script's own failures (expectations, errors), as the run reported them.
        var failures: [String] = []
        var exitStatus: Int32 = 0
        var changes: [SnapshotDiff.Change] = []
        /// Files the script wrote (kept in the scratch folder, then removed).
        var files: [String] = []
        /// What the twin could not carry over, and keys whose permissions are partly unknown.
        var notes: [String] = []
        /// The profile each key stood in with.
        var standIns: [(name: String, profile: String)] = []

        var refusedCount: Int { writes.filter(\.refused).count }
        var succeededCount: Int { writes.filter(\.succeeded).count }
        var failedCount: Int { writes.count - refusedCount - succeededCount }

        /// `rehearsed: 7 writes, 6 would succeed, 1 refused (missing api.management.write); no change was sent to the organization`.
        var summary: String {
            var parts = ["\(writes.count) write\(writes.count == 1 ? "" : "s")", "\(succeededCount) would succeed"]
            if refusedCount > 0 {
                let reasons = Array(Set(writes.filter(\.refused).map { $0.outcome.replacingPrefix("refused: ") })).sorted()
                parts.append("\(refusedCount) refused (\(reasons.prefix(3).joined(separator: "; ")))")
            }
            if failedCount > 0 { parts.append("\(failedCount) failed") }
            if !failures.isEmpty { parts.append("\(failures.count) failure\(failures.count == 1 ? "" : "s") in the script") }
            return "rehearsed: " + parts.joined(separator: ", ") + "; no change was sent to the organization"
        }
    }

    let shell: CommandContext
    let inv: Invocation

    /// Rehearses `text` (the script `file`) on a twin built from `snapshot`.
    func run(file: String, text: String, snapshot: JSON) async throws(ShellError) -> Result {
        guard let provider = shell.configuration.twins else {
            throw .environment("this adm cannot build twins (rehearsals need the sandbox it was built with)")
        }
        let program: Program
        do { program = try Parser.parse(text, file: file) } catch { throw .usage(error.description, at: nil) }
        let twin = try await provider.twin(of: snapshot)
        var result = Result(script: file, organization: snapshot["organization"]?.stringValue, snapshotTakenAt: snapshot["taken_at"]?.stringValue)
        result.notes = twin.notes

        // The keys the script may use stand in with the permissions the live keys showed.
        let child = makeChild(twin)
        for key in keysUsed(by: program) {
            let profile: PermissionProfile?
            if key.secret.kind == .admin {
                let probe = try await Probe.run(shell, key, writes: true)
                profile = Self.observedProfile(probe)
                if let unsure = Self.unsure(probe) { result.notes.append("\(key.name): \(unsure)") }
            } else {
                profile = nil
            }
            // The record this key is, when exactly one of the organization's admin keys fits it.
            let fits = (snapshot["admin_keys"]?.arrayValue ?? []).filter {
                Session.redactedValue($0["redacted_value"]?.stringValue ?? "", fits: key.secret)
            }
            let standsFor = fits.count == 1 ? fits[0]["id"]?.stringValue : nil
            let secret = try await twin.standIn(name: key.name, profile: profile, standsFor: standsFor)
            child.session.addKey(SessionKey(name: key.name, secret: secret, source: .created("rehearsal stand-in")))
            result.standIns.append((key.name, profile?.description ?? "project key"))
        }
        child.session.activeKey = shell.session.activeKey
        child.session.activeProject = shell.session.activeProject
        child.session.variables = shell.session.variables

        // The twin as the script will find it, the script, and the twin as it leaves it.
        let reader = try await twin.standIn(name: "adm-rehearsal-reader", profile: .all, standsFor: nil)
        let before = try await twinSnapshot(child, reader: reader)
        let scratch: String
        do { scratch = try Scratch.make() } catch { throw .environment(error.description) }
        defer { Scratch.remove(scratch) }
        let outcome = await Scratch.redirecting(to: scratch) {
            await ScriptRunner.run(child, text: text, file: file)
        }
        // adm's own state (job journals) is not the script's output.
        result.files = Scratch.written(in: scratch).filter { !$0.hasPrefix(AdmPaths.stateDirectory + "/") }
        result.exitStatus = outcome.exitStatus
        result.failures = outcome.failures
        let after = try await twinSnapshot(child, reader: reader)
        result.changes = SnapshotDiff.changes(before, after).filter { $0.kind != .unreadable }
        let names = WriteNames(before, after)
        result.writes = child.session.calls.filter { $0.call.method != .get }.map { record in
            Write(
                statement: record.statement,
                call: record.call,
                what: names.describe(record.call),
                status: record.status,
                error: record.error,
                transportError: record.transportError
            )
        }
        return result
    }

    /// A session on the twin: the live session's settings, no rate limit to wait for, no
    /// memory kept between processes, output kept (the plan is what is shown).
    func makeChild(_ twin: any RehearsalTwin) -> Interpreter {
        var configuration = shell.configuration
        configuration.baseURL = twin.baseURL
        configuration.transport = twin.transport
        configuration.rateLimits = RateLimitScheduler()
        configuration.interactive = false
        configuration.showNewSecrets = false
        configuration.outputIsTerminal = false
        configuration.errorIsTerminal = false
        configuration.verbose = false
        configuration.twins = nil
        return Interpreter(configuration: configuration, output: CapturedOutput())
    }

    /// The twin's snapshot, read with a stand-in that may read everything.
    func twinSnapshot(_ child: Interpreter, reader: Secret) async throws(ShellError) -> JSON {
        let name = "adm-rehearsal-reader"
        child.session.addKey(SessionKey(name: name, secret: reader, source: .created("rehearsal")))
        let active = child.session.activeKey
        child.session.activeKey = name
        defer { child.session.activeKey = active }
        return try await Snapshot(reader: OrgReader(child.context, inv, fresh: true)).take()
    }

    /// The session keys a script may call with: the active key and every key it names.
    func keysUsed(by program: Program) -> [SessionKey] {
        var words: Set<String> = []
        for statement in program.statements {
            for word in statement.words { if let text = word.literalText { words.insert(text) } }
        }
        return shell.session.orderedKeys.filter { $0.name == shell.session.activeKey || words.contains($0.name) }
    }

    /// The permissions probing saw: write where a write passed authorization, read where a
    /// read did, nothing where the key was refused. Unknown answers count as granted (the
    /// rehearsal then assumes the key may; `unsure` says so).
    static func observedProfile(_ probe: KeyProbe) -> PermissionProfile {
        var levels: [PermissionCategory: AccessLevel] = [:]
        for category in PermissionCategory.allCases {
            let read = probe.levels[category]?.verdict
            let write = probe.writes[category]?.verdict
            if category.writeScope != nil, write == .granted || write == .unknown {
                levels[category] = .write
            } else if read == .granted || read == .unknown {
                levels[category] = .read
            } else {
                levels[category] = AccessLevel.none
            }
        }
        return .restricted(levels)
    }

    /// `permissions partly unknown (usage: 500); the rehearsal assumes it may`, when probing
    /// could not tell.
    static func unsure(_ probe: KeyProbe) -> String? {
        let unknown = PermissionCategory.allCases.filter { c in
            probe.levels[c]?.verdict == .unknown || probe.writes[c]?.verdict == .unknown
        }
        guard !unknown.isEmpty else { return nil }
        return "its permissions in \(unknown.map(\.displayName).joined(separator: ", ")) could not be told by probing; the rehearsal assumes it may"
    }
}

extension String {
    /// The text without `prefix`, if it starts with it.
    func replacingPrefix(_ prefix: String) -> String { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self }
}
