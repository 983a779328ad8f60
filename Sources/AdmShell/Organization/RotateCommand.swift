import AdmAPI

/// `rotate SERVICE_ACCOUNT`: a new key for a service account's work, within what the API
/// allows — a service account's key cannot be deleted on its own (the spec's
/// delete-project-api-key), so the default replacement is a new service account
/// `<name>-<YYYYMMDD>` with the same role, and the old account is deleted (with its keys) only
/// with `--retire-old`. `--same-account` adds a second key to the same account instead (its old
/// key then stays until the account goes). The new secret becomes a session key, shown once on
/// a terminal; `--save FILE` writes it to a 0600 file; it is printed nowhere else.
enum RotateCommand {
    static let spec = CommandSpec(
        name: "rotate",
        group: .organization,
        summary: "replace a service account's key: a new dated account (or --same-account), the old one retired only when told",
        usage: "rotate SERVICE_ACCOUNT [--project P] [--same-account] [--retire-old] [--save FILE] [--dry-run] [--yes]",
        example: "rotate ci-bot --retire-old --save ci-bot.key",
        endpoints: [
            "list-project-service-accounts", "create-project-service-account", "update-project-service-account",
            "CreateanAPIkeyforaserviceaccount", "delete-project-service-account",
        ],
        flags: Flags.output + Flags.key + Flags.project + [
            FlagSpec("--same-account", "add a key to the same service account instead of making a new one"),
            FlagSpec("--retire-old", "delete the old service account (and its keys) once the new one exists"),
            FlagSpec("--save", value: true, "write the new key to this file (mode 0600) as NAME=VALUE"),
            FlagSpec("--dry-run", "show the plan and change nothing"), FlagSpec("--yes", "run without asking (scripts)"),
        ],
        arguments: [ArgumentSpec("SERVICE_ACCOUNT", completion: .ids("service_account"))],
        run: { shell, inv throws(ShellError) in try await run(shell, inv) }
    )

    static func run(_ shell: Interpreter, _ inv: Invocation) async throws(ShellError) -> Outcome {
        let which = try shell.text(of: inv.argument(0))
        let project = Interpreter.stringify(try shell.projectID(inv))
        let sameAccount = inv.args.has("--same-account")
        if sameAccount, inv.args.has("--retire-old") {
            throw .usage(
                "rotate: --retire-old deletes the old account, which --same-account keeps (a service account's key cannot be deleted on its own)",
                at: inv.location
            )
        }
        let savePath = try inv.args.flagWord("--save").map { w throws(ShellError) in try shell.text(of: w) }
        let reader = try OrgReader(shell, inv)
        let accounts = try await reader.all("list-project-service-accounts", path: ["project_id": project])
        var job = OrgJob(title: "rotate \(which)", name: "rotate-\(project)-\(which)", organization: shell.session.organizationID)
        let date = String(UnixTime.iso8601(UnixTime.now()).prefix(10)).replacing("-", with: "")
        // The old account: by id or name; once retired, only the journal knows it.
        let old = accounts.first { $0["id"]?.stringValue == which || $0["name"]?.stringValue == which }
        let journal = job.journalEntries()
        guard let oldID = old?["id"]?.stringValue ?? journal["old"]?["id"]?.stringValue else {
            let names = accounts.compactMap { $0["name"]?.stringValue }
            let hint = Suggest.closest(which, among: names).map { "; did you mean \($0)?" } ?? ""
            throw .usage(
                "rotate: no service account '\(Cells.inline(which))' in project \(Cells.inline(project))\(hint) (sa lists them; --project P for another)",
                at: inv.location
            )
        }
        let oldName = old?["name"]?.stringValue ?? journal["old"]?["name"]?.stringValue ?? which
        let role = old?["role"]?.stringValue ?? journal["old"]?["role"]?.stringValue ?? "member"
        remember(&job, old: .obj(["id": .string(oldID), "name": .string(oldName), "role": .string(role)]))
        let newName = "\(oldName)-\(date)"
        var steps: [OrgJob.Step] = []
        if sameAccount {
            steps.append(
                .init(
                    id: "new-key \(oldID)",
                    what: "add key rotated-\(date) to service account \(Cells.inline(oldName))",
                    call: Call(
                        op("CreateanAPIkeyforaserviceaccount"),
                        pathParameters: ["project_id": project, "service_account_id": oldID],
                        body: .obj(["name": .string("rotated-\(date)")])
                    )
                )
            )
        } else {
            let existing = accounts.first { $0["name"]?.stringValue == newName }
            steps.append(
                .init(
                    id: "new-account \(newName)",
                    what: "create service account \(Cells.inline(newName)) (its key is the new one)",
                    call: Call(op("create-project-service-account"), pathParameters: ["project_id": project], body: .obj(["name": .string(newName)]))
                )
            )
            if existing != nil, !job.doneEarlier("new-account \(newName)") {
                throw .usage(
                    "rotate: a service account named \(Cells.inline(newName)) exists already (rotated today?); retire it or rename it first",
                    at: inv.location
                )
            }
            if role != "member" {
                let created = "new-account \(newName)"
                steps.append(
                    .init(id: "role \(newName)", what: "give \(Cells.inline(newName)) the role \(role), as \(Cells.inline(oldName)) has") { made in
                        made[created]?.stringValue.map { newID in
                            Call(
                                op("update-project-service-account"),
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
                        call: Call(op("delete-project-service-account"), pathParameters: ["project_id": project, "service_account_id": oldID])
                    )
                )
            }
        }
        if inv.showsTables {
            shell.say(shell.style.dim("the new key's secret is shown once on a terminal and kept as a session key; --save FILE writes it (0600)"))
        }
        let before = Set(shell.session.keyOrder)
        var outcome = try await job.run(shell, inv, steps: steps, key: reader.key)
        let newKeys = shell.session.keyOrder.filter { !before.contains($0) }
        if let path = savePath, let name = newKeys.last, let key = shell.session.keys[name] {
            do { try FileMode.writePrivate(path, "\(name)=\(key.secret.unredacted)\n") } catch { throw .environment("rotate --save: \(error)") }
            shell.say(shell.style.dim("wrote the new key \(name) (\(key.secret.redacted)) to \(path) (mode 0600)"))
        }
        outcome.value?["new_session_keys"] = .array(newKeys.map(JSON.string))
        return outcome
    }

    /// Keeps the old account in the journal, for a re-run once it is retired.
    static func remember(_ job: inout OrgJob, old: JSON) {
        var entries = job.journalEntries()
        guard entries["old"] == nil else { return }
        entries["old"] = old
        FileMode.makeDirectories(AdmPaths.stateDirectory + "/jobs")
        try? FileMode.writePrivate(job.journal, entries.serialized(pretty: true) + "\n")
    }

    static func op(_ id: String) -> Endpoint { EndpointCatalog.endpoint(id: id)! }
}
