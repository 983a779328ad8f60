import AdmAPI

/// `offboard USER`: removes a person everywhere. The plan lists the project keys and admin
/// keys they own (any status: keys stay when their owner loses access), the projects and groups
/// they are in; the steps delete the keys, take them out of projects and groups, and remove
/// them from the organization. Keys in archived projects cannot be deleted (the API refuses
/// writes there): the plan says so. Invites carry no sender, so "invites they sent" cannot be
/// found through the API.
enum OffboardCommand {
    static let spec = CommandSpec(
        name: "offboard",
        group: .organization,
        summary: "remove a person everywhere: their keys, projects, groups, then the organization (plan first)",
        usage: "offboard EMAIL|USER_ID [--dry-run] [--yes]",
        example: "offboard ada@example.com --dry-run",
        endpoints: [
            "list-users", "list-projects", "list-project-users", "list-project-api-keys", "admin-api-keys-list", "list-groups",
            "list-group-users", "delete-project-api-key", "admin-api-keys-delete", "delete-project-user", "remove-group-user", "delete-user",
        ],
        flags: Flags.output + Flags.key + [
            FlagSpec("--dry-run", "show the plan and change nothing"), FlagSpec("--yes", "run without asking (scripts)"),
        ],
        arguments: [ArgumentSpec("EMAIL|USER_ID", completion: .ids("user"))],
        run: { shell, inv throws(ShellError) in try await run(shell, inv) }
    )

    static func run(_ shell: Interpreter, _ inv: Invocation) async throws(ShellError) -> Outcome {
        let who = try shell.text(of: inv.argument(0))
        let reader = try OrgReader(shell, inv)
        let users = try await reader.all("list-users")
        let user = users.first { $0["id"]?.stringValue == who || $0["email"]?.stringValue?.lowercased() == who.lowercased() }
        var job = OrgJob(title: "offboard \(who)", name: "offboard-" + who.lowercased(), organization: shell.session.organizationID)
        // Once removed from the organization the id is only in the journal.
        let userID = user?["id"]?.stringValue ?? (who.hasPrefix("user-") ? who : job.journalEntries()["user_id"]?.stringValue)
        let email = user?["email"]?.stringValue?.lowercased() ?? (who.contains("@") ? who.lowercased() : nil)
        func isTheirs(_ owner: JSON?) -> Bool {
            guard let owner else { return false }
            let o = owner["user"] ?? owner
            return (userID != nil && o["id"]?.stringValue == userID) || (email != nil && o["email"]?.stringValue?.lowercased() == email)
        }
        let projects = try await reader.all("list-projects", query: [QueryItem("include_archived", "true")])
        let targets = projects.map { ["project_id": $0["id"]?.stringValue ?? ""] }
        let keyListings = await reader.each("list-project-api-keys", targets: targets, query: [QueryItem("owner_project_access", "any")])
        let memberListings = await reader.each("list-project-users", targets: targets)
        let adminKeys = try await reader.all("admin-api-keys-list")
        let groups = try await reader.all("list-groups")
        let groupListings = await reader.each("list-group-users", targets: groups.map { ["group_id": $0["id"]?.stringValue ?? ""] })
        if OrgReader.incomplete(keyListings) || OrgReader.incomplete(memberListings) || OrgReader.incomplete(groupListings) {
            if Task.isCancelled { throw .cancelled() }
            throw .environment("offboard: the organization could not be read whole (the rate limit stopped it past --max-wait); nothing was changed")
        }
        reader.warnUnread(keyListings, names: projects.map { $0["name"]?.stringValue ?? "" }, what: "the keys")
        reader.warnUnread(memberListings, names: projects.map { $0["name"]?.stringValue ?? "" }, what: "the members")

        var steps: [OrgJob.Step] = []
        /// A change inside a project: a call, or — the project archived, which refuses changes —
        /// a note saying so (or nothing, when leaving the organization covers it anyway).
        func projectStep(_ id: String, _ what: String, in project: JSON, _ call: Call, noteIfArchived: Bool = true) {
            if project["status"]?.stringValue == "archived" {
                if noteIfArchived { steps.append(.init(id: id, what: what, note: "the project is archived; the API refuses changes to it")) }
            } else {
                steps.append(.init(id: id, what: what, call: call))
            }
        }
        for (project, listing) in zip(projects, keyListings) {
            let pid = project["id"]?.stringValue ?? ""
            let pname = Cells.inline(project["name"]?.stringValue ?? pid)
            for key in listing?.items ?? [] where key["owner"]?["type"]?.stringValue == "user" && isTheirs(key["owner"]) {
                let kid = key["id"]?.stringValue ?? ""
                let what = "delete key \(Cells.text(key["name"])) (\(Cells.text(key["redacted_value"]))) in \(pname)"
                projectStep(
                    "delete-key \(kid)",
                    what,
                    in: project,
                    Call(op("delete-project-api-key"), pathParameters: ["project_id": pid, "api_key_id": kid])
                )
            }
        }
        for key in adminKeys where isTheirs(key["owner"]) {
            let kid = key["id"]?.stringValue ?? ""
            steps.append(
                .init(
                    id: "delete-admin-key \(kid)",
                    what: "delete admin key \(Cells.text(key["name"])) (\(Cells.text(key["redacted_value"])))",
                    call: Call(op("admin-api-keys-delete"), pathParameters: ["key_id": kid])
                )
            )
        }
        if let userID {
            for (project, listing) in zip(projects, memberListings) where (listing?.items ?? []).contains(where: { $0["id"]?.stringValue == userID })
            {
                let pid = project["id"]?.stringValue ?? ""
                // Leaving the organization ends an archived project's membership anyway.
                projectStep(
                    "leave-project \(pid)",
                    "remove from project \(Cells.inline(project["name"]?.stringValue ?? pid))",
                    in: project,
                    Call(op("delete-project-user"), pathParameters: ["project_id": pid, "user_id": userID]),
                    noteIfArchived: user == nil
                )
            }
            for (group, listing) in zip(groups, groupListings)
            where (listing?.items ?? []).contains(where: { $0["id"]?.stringValue == userID || $0["user_id"]?.stringValue == userID }) {
                let gid = group["id"]?.stringValue ?? ""
                steps.append(
                    .init(
                        id: "leave-group \(gid)",
                        what: "remove from group \(Cells.inline(group["name"]?.stringValue ?? gid))",
                        call: Call(op("remove-group-user"), pathParameters: ["group_id": gid, "user_id": userID])
                    )
                )
            }
            if user != nil {
                steps.append(
                    .init(
                        id: "remove-user \(userID)",
                        what: "remove \(Cells.inline(email ?? userID)) from the organization",
                        call: Call(op("delete-user"), pathParameters: ["user_id": userID])
                    )
                )
            }
        } else if user == nil {
            throw .usage("offboard: no user '\(Cells.inline(who))' in the organization (users lists them)", at: inv.location)
        }
        if inv.showsTables {
            shell.say(shell.style.dim("invites they sent: the API does not say who sent an invite (invites lists them all)"))
        }
        if let userID { recordUser(&job, userID) }
        var outcome = try await job.run(shell, inv, steps: steps, key: reader.key)
        outcome.value?["user"] = user ?? .obj(["id": userID.map(JSON.string) ?? .null, "email": email.map(JSON.string) ?? .null])
        return outcome
    }

    /// Keeps the user's id in the journal, for a re-run once they are gone from the organization.
    static func recordUser(_ job: inout OrgJob, _ userID: String) {
        var entries = job.journalEntries()
        guard entries["user_id"] == nil else { return }
        entries["user_id"] = .string(userID)
        FileMode.makeDirectories(AdmPaths.stateDirectory + "/jobs")
        try? FileMode.writePrivate(job.journal, entries.serialized(pretty: true) + "\n")
    }

    static func op(_ id: String) -> Endpoint { EndpointCatalog.endpoint(id: id)! }
}
