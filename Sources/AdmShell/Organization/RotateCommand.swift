import AdmAPI

/// `rotate SERVICE_ACCOUNT`: a new key for a service account's work, within what the API
/// allows — a service account's key cannot be deleted on its own (the spec's
/// delete-project-api-key), so the default replacement is a new service account
/// `<name>-<YYYYMMDD>` with the same role, and the old account is deleted (with its keys) only
/// with `--retire-old`. `--same-account` adds a second key to the same account instead (its old
/// key then stays until the account goes).
///
/// The new secret is never lost: `--save FILE` is checked writable before anything changes, and
/// the key is in it (0600, synced) before the job sends its next request; without `--save` a
/// rotation that retires the old key runs only on a terminal, where the secret is shown once
/// before the job goes on. A run stopped after the new account was made but before its answer
/// arrived is finished by running it again: the account whose key never reached adm is deleted
/// and made again.
enum RotateCommand {
    static let spec = CommandSpec(
        name: "rotate",
        group: .organization,
        summary: "replace a service account's key: a new dated account (or --same-account), the old one retired only when told",
        example: "rotate ci-bot --retire-old --save ci-bot.key",
        endpoints: [
            .listProjectServiceAccounts, .createProjectServiceAccount, .updateProjectServiceAccount, .createServiceAccountKey,
            .deleteProjectServiceAccount,
        ],
        flags: Flags.output + Flags.key + Flags.project + [
            FlagSpec("--same-account", "add a key to the same service account instead of making a new one"),
            FlagSpec("--retire-old", "delete the old service account (and its keys) once the new one exists").excluding("--same-account"),
            FlagSpec("--save", .file, "write the new key to this keys file (mode 0600) as NAME=VALUE, before anything else is sent"),
            FlagSpec("--dry-run", "show the plan and change nothing").excluding("--yes"), FlagSpec("--yes", "run without asking (scripts)"),
            Flags.rehearse,
        ],
        arguments: [ArgumentSpec("SERVICE_ACCOUNT", completion: .ids("service_account"))],
        run: { shell, inv throws(ShellError) in try await OrgJob.sayingWhenNothingChanged(shell, inv, run) }
    )

    static func run(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        if inv.args.has("--rehearse") { return try await RehearseCommand.rehearseJob(shell, inv) }
        let which = try shell.text(of: inv.argument(0))
        let project = Interpreter.stringify(try await shell.projectID(inv))
        let sameAccount = inv.args.has("--same-account")
        let dryRun = inv.args.has("--dry-run")
        if sameAccount, inv.args.has("--retire-old") {
            throw .usage(
                "rotate: --retire-old deletes the old account, which --same-account keeps (a service account's key cannot be deleted on its own)",
                at: inv.location
            )
        }
        let savePath = try inv.args.flagWord("--save").map { w throws(ShellError) in try shell.text(of: w) }
        if let savePath, !dryRun {
            // Proven writable before the first change: the only copy of the new key goes there.
            do { try checkWritable(savePath) } catch { throw .environment("rotate --save: \(error.description); nothing was changed") }
        }
        if savePath == nil, inv.args.has("--retire-old"), !shell.configuration.showNewSecrets, !dryRun {
            throw .usage(
                "rotate --retire-old: give --save FILE (outside a terminal the new key would exist only in this process, and the old one is deleted)",
                at: inv.location
            )
        }
        let reader = try OrgReader(shell, inv, fresh: true)
        let date = String(UnixTime.iso8601(UnixTime.now()).prefix(10)).replacing("-", with: "")
        // An unfinished rotation of this account (from another day, too) is resumed, not doubled.
        let name = unfinishedJob(organization: shell.session.organizationID, project: project, which: which) ?? "rotate-\(project)-\(which)-\(date)"
        var job = try OrgJob(title: "rotate \(which)", name: name, organization: shell.session.organizationID)
        let lock = dryRun ? nil : try job.lock()
        defer { lock?.release() }
        if job.completedAt != nil { return job.receiptOutcome(shell, inv) }
        let accounts = try await reader.all(.listProjectServiceAccounts, path: ["project_id": project])
        // The old account: by id or name; once retired, only the journal knows it.
        let old = accounts.first { $0["id"]?.stringValue == which || $0["name"]?.stringValue == which }
        guard let oldID = old?["id"]?.stringValue ?? job.kept("old")?["id"]?.stringValue else {
            let names = accounts.compactMap { $0["name"]?.stringValue }
            let hint = Suggest.closest(which, among: names).map { "; did you mean \($0)?" } ?? ""
            throw .usage(
                "rotate: no service account '\(Cells.inline(which))' in project \(Cells.inline(project))\(hint) (sa lists them; --project P for another)",
                at: inv.location
            )
        }
        let oldName = old?["name"]?.stringValue ?? job.kept("old")?["name"]?.stringValue ?? which
        let role = old?["role"]?.stringValue ?? job.kept("old")?["role"]?.stringValue ?? "member"
        job.keep("old", .obj(["id": .string(oldID), "name": .string(oldName), "role": .string(role)]))
        let jobDate = job.kept("date")?.stringValue ?? date
        job.keep("date", .string(jobDate))
        let newName = "\(oldName)-\(jobDate)"
        var steps: [OrgJob.Step] = []
        if sameAccount {
            steps.append(
                .init(
                    id: "new-key \(oldID)",
                    what: "add key rotated-\(jobDate) to service account \(Cells.inline(oldName))",
                    call: Call(
                        .createServiceAccountKey,
                        pathParameters: ["project_id": project, "service_account_id": oldID],
                        body: .obj(["name": .string("rotated-\(jobDate)")])
                    )
                )
            )
        } else {
            let created = "new-account \(newName)"
            let existing = accounts.first { $0["name"]?.stringValue == newName }
            let startedBefore = job.steps.contains { $0.key == created && $0.value["status"] == "started" }
            if let existing, startedBefore, let lostID = existing["id"]?.stringValue {
                // Made by a run stopped before its answer came: its key never reached adm.
                steps.append(
                    .init(
                        id: "discard \(lostID)",
                        what: "delete \(Cells.inline(newName)) (\(lostID)): the interrupted run made it, its key never reached adm",
                        call: Call(.deleteProjectServiceAccount, pathParameters: ["project_id": project, "service_account_id": lostID])
                    )
                )
            } else if existing != nil, !job.doneEarlier(created) {
                throw .usage(
                    "rotate: a service account named \(Cells.inline(newName)) exists already (rotated today?); retire it or rename it first",
                    at: inv.location
                )
            }
            steps.append(
                .init(
                    id: created,
                    what: "create service account \(Cells.inline(newName)) (its key is the new one)",
                    call: Call(.createProjectServiceAccount, pathParameters: ["project_id": project], body: .obj(["name": .string(newName)]))
                )
            )
            if role != "member" {
                steps.append(
                    .init(id: "role \(newName)", what: "give \(Cells.inline(newName)) the role \(role), as \(Cells.inline(oldName)) has") { made in
                        made[created]?.stringValue.map { newID in
                            Call(
                                .updateProjectServiceAccount,
                                pathParameters: ["project_id": project, "service_account_id": newID],
                                body: .obj(["role": .string(role)])
                            )
                        }
                    }
                )
            }
            if inv.args.has("--retire-old") {
                steps.append(
                    .init(
                        id: "retire \(oldID)",
                        what: "delete the old service account \(Cells.inline(oldName)) and its keys",
                        call: Call(.deleteProjectServiceAccount, pathParameters: ["project_id": project, "service_account_id": oldID])
                    )
                )
            }
        }
        if inv.showsTables {
            let whereTo =
                savePath.map { "written to \($0) (0600) before anything else is sent" } ?? "shown once on a terminal and kept as a session key"
            shell.say(shell.style.dim("the new key's secret is \(whereTo)"))
        }
        let before = Set(shell.session.keyOrder)
        var outcome = try await job.run(shell, inv, steps: steps, key: reader.key, secretsFile: savePath)
        let newKeys = shell.session.keyOrder.filter { !before.contains($0) }
        if let path = savePath, let name = newKeys.last, let key = shell.session.keys[name] {
            shell.say(shell.style.dim("wrote the new key \(name) (\(key.secret.redacted)) to \(path) (mode 0600)"))
        }
        outcome.value?["new_session_keys"] = .array(newKeys.map(JSON.string))
        return outcome
    }

    /// A rotation of this account begun and not finished (on any day), by its journal's name.
    static func unfinishedJob(organization: String?, project: String, which: String) -> String? {
        let prefix = "rotate-\(project)-\(which)-"
        let folder = AdmPaths.stateDirectory + "/jobs"
        let file = (organization ?? "org") + "-" + prefix
        let safe = String(file.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        for entry in FileMode.listDirectory(folder).sorted().reversed() where entry.hasPrefix(safe) && entry.hasSuffix(".json") {
            guard let text = try? TextFile.read(folder + "/" + entry, kind: "journal"), let json = try? JSON.parse(text),
                json["completed_at"] == nil
            else { continue }
            return prefix + String(entry.dropFirst(safe.count).dropLast(5))
        }
        return nil
    }

    /// Refuses a `--save` target that could not take the key: a foreign file, a missing or
    /// read-only folder, an unwritable file.
    static func checkWritable(_ path: String) throws(FileError) {
        try OwnFiles.check(path, as: .keysFile)
        let lock = try FileLock.acquire(path, writing: .keysFile)  // proves the folder takes files
        lock.release()
        if FileMode.exists(path), !FileMode.isWritable(path) { throw FileError("\(path) is not writable") }
    }
}
