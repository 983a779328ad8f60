import AdmAPI

/// `offboard EMAIL|USER_ID`: removes a person everywhere — and first of all the person who has
/// already left. The most common offboarding is the late one: someone removed from the
/// organization (in the dashboard, by SCIM) whose keys live on. So the person is found by the
/// users list *and* by what they own (keys' owner records, invites); someone no longer a member
/// is offboarded from what remains (project keys in every status, admin keys, pending invites,
/// group memberships), and the plan says they are no longer a member.
///
/// Everything is read side by side, each endpoint at its own pace (the job takes about as long
/// as its busiest endpoint), and from this session's readings when they are young (`inventory
/// keys` then `offboard X --dry-run` reads nothing twice). Keys in archived projects cannot be
/// deleted (the API refuses writes there): the plan says so. Invites carry no sender, so
/// "invites they sent" cannot be found through the API.
enum OffboardCommand {
    static let spec = CommandSpec(
        name: "offboard",
        group: .organization,
        summary: "remove a person everywhere, someone who already left included: their keys, invites, projects, groups (plan first)",
        example: "offboard ada@example.com --dry-run",
        endpoints: [
            .listUsers, .listProjects, .listProjectUsers, .listProjectApiKeys, .adminApiKeysList, .listGroups, .listGroupUsers, .listInvites,
            .deleteProjectApiKey, .adminApiKeysDelete, .deleteInvite, .deleteProjectUser, .removeGroupUser, .deleteUser,
        ],
        flags: Flags.output + Flags.key + [
            FlagSpec("--dry-run", "show the plan and change nothing").excluding("--yes"), FlagSpec("--yes", "run without asking (scripts)"),
            Flags.rehearse,
            FlagSpec("--fresh", "read the organization again (not this session's readings, nor a finished job's receipt)"),
        ],
        arguments: [ArgumentSpec("EMAIL|USER_ID", completion: .named("user"))],
        run: { shell, inv throws(ShellError) in try await OrgJob.sayingWhenNothingChanged(shell, inv, run) }
    )

    /// Who is being offboarded, as far as the organization knows them.
    struct Person {
        var id: String?
        var email: String?
        /// The user record, when they are still a member.
        var member: JSON?

        /// Whether an owner record (`{type, user: {id, email}}`, or a user object) is theirs.
        func owns(_ owner: JSON?) -> Bool {
            guard let owner else { return false }
            let o = owner["user"] ?? owner
            if let id, o["id"]?.stringValue == id { return true }
            if let email, o["email"]?.stringValue?.lowercased() == email { return true }
            return false
        }
    }

    static func run(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        if inv.args.has("--rehearse") { return try await RehearseCommand.rehearseJob(shell, inv) }
        let who = try shell.text(of: inv.argument(0))
        let reader = try OrgReader(shell, inv)
        var job = try OrgJob(title: "offboard \(who)", name: "offboard-" + who.lowercased(), organization: shell.session.organizationID)
        let lock = inv.args.has("--dry-run") ? nil : try job.lock()
        defer { lock?.release() }
        if job.completedAt != nil, !reader.fresh { return job.receiptOutcome(shell, inv) }

        // The organization-wide listings, side by side.
        let first = await reader.many(
            [
                (.listUsers, [:], []), (.listProjects, [:], [QueryItem("include_archived", "true")]), (.adminApiKeysList, [:], []),
                (.listGroups, [:], []), (.listInvites, [:], []),
            ],
            concurrency: 5
        )
        var parts: [[JSON]] = []
        for listing in first {
            guard let listing else { throw .cancelled() }
            parts.append(try await reader.unwrap(listing))
        }
        let (users, projects, adminKeys, groups, invites) = (parts[0], parts[1], parts[2], parts[3], parts[4])

        // Then every project's keys (any status), a member's project memberships, and every
        // group's members, side by side. Someone who left is in no project any more: their
        // memberships went with them, their keys did not.
        let lowered = who.lowercased()
        let member = users.first { $0["id"]?.stringValue == who || $0["email"]?.stringValue?.lowercased() == lowered }
        let perProject: [(endpoint: Endpoint, query: [QueryItem])] =
            [(.listProjectApiKeys, [QueryItem("owner_project_access", "any")])] + (member == nil ? [] : [(.listProjectUsers, [])])
        var requests: [OrgReader.Request] = []
        for project in projects {
            for read in perProject { requests.append((read.endpoint, ["project_id": project["id"]?.stringValue ?? ""], read.query)) }
        }
        for group in groups { requests.append((.listGroupUsers, ["group_id": group["id"]?.stringValue ?? ""], [])) }
        let second = await reader.many(requests, concurrency: shell.configuration.concurrency * perProject.count)
        if OrgReader.incomplete(second) {
            if Task.isCancelled { throw .cancelled() }
            throw .environment("offboard: the organization could not be read whole (the rate limit stopped it past --max-wait); nothing was changed")
        }
        let step = perProject.count
        let keyListings = stride(from: 0, to: projects.count * step, by: step).map { second[$0] }
        let memberListings: [OrgReader.Listing?] = member == nil ? [] : stride(from: 1, to: projects.count * step, by: step).map { second[$0] }
        let groupListings = Array(second.suffix(groups.count))
        var unread = OrgReader.unread(keyListings, targets: projects, what: "the keys")
        unread.targets += OrgReader.unread(memberListings, targets: projects, what: "the members").targets

        // Who: a member, or someone who left and owns something still.
        var person = Person(
            id: member?["id"]?.stringValue ?? (who.hasPrefix("user-") ? who : job.kept("user_id")?.stringValue),
            email: member?["email"]?.stringValue?.lowercased() ?? (who.contains("@") ? lowered : job.kept("email")?.stringValue),
            member: member
        )
        let ownerRecords = keyListings.flatMap { $0?.items ?? [] }.map { $0["owner"] } + adminKeys.map { $0["owner"] }
        // Someone who left: their id and email from what they own.
        if member == nil, let record = ownerRecords.first(where: { person.owns($0) }) {
            let o = record?["user"] ?? record
            person.id = person.id ?? o?["id"]?.stringValue
            person.email = person.email ?? o?["email"]?.stringValue?.lowercased()
        }
        if let id = person.id { job.keep("user_id", .string(id)) }
        if let email = person.email { job.keep("email", .string(email)) }

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
            for key in listing?.items ?? [] where key["owner"]?["type"]?.stringValue == "user" && person.owns(key["owner"]) {
                let kid = key["id"]?.stringValue ?? ""
                let what = "delete key \(Cells.text(key["name"])) (\(Cells.text(key["redacted_value"]))) in \(pname)"
                projectStep(
                    "delete-key \(kid)",
                    what,
                    in: project,
                    Call(.deleteProjectApiKey, pathParameters: ["project_id": pid, "api_key_id": kid])
                )
            }
        }
        for key in adminKeys where person.owns(key["owner"]) {
            let kid = key["id"]?.stringValue ?? ""
            steps.append(
                .init(
                    id: "delete-admin-key \(kid)",
                    what: "delete admin key \(Cells.text(key["name"])) (\(Cells.text(key["redacted_value"])))",
                    call: Call(.adminApiKeysDelete, pathParameters: ["key_id": kid])
                )
            )
        }
        for invite in invites
        where invite["status"]?.stringValue == "pending" && person.email != nil
            && invite["email"]?.stringValue?.lowercased() == person.email
        {
            let iid = invite["id"]?.stringValue ?? ""
            steps.append(
                .init(
                    id: "delete-invite \(iid)",
                    what: "delete the pending invite of \(Cells.inline(person.email ?? ""))",
                    call: Call(.deleteInvite, pathParameters: ["invite_id": iid])
                )
            )
        }
        if let userID = person.id {
            for (project, listing) in zip(projects, memberListings) where (listing?.items ?? []).contains(where: { $0["id"]?.stringValue == userID })
            {
                let pid = project["id"]?.stringValue ?? ""
                // Leaving the organization ends an archived project's membership anyway.
                projectStep(
                    "leave-project \(pid)",
                    "remove from project \(Cells.inline(project["name"]?.stringValue ?? pid))",
                    in: project,
                    Call(.deleteProjectUser, pathParameters: ["project_id": pid, "user_id": userID]),
                    noteIfArchived: member == nil
                )
            }
            for (group, listing) in zip(groups, groupListings)
            where (listing?.items ?? []).contains(where: { $0["id"]?.stringValue == userID || $0["user_id"]?.stringValue == userID }) {
                let gid = group["id"]?.stringValue ?? ""
                steps.append(
                    .init(
                        id: "leave-group \(gid)",
                        what: "remove from group \(Cells.inline(group["name"]?.stringValue ?? gid))",
                        call: Call(.removeGroupUser, pathParameters: ["group_id": gid, "user_id": userID])
                    )
                )
            }
            if member != nil {
                steps.append(
                    .init(
                        id: "remove-user \(userID)",
                        what: "remove \(Cells.inline(person.email ?? userID)) from the organization",
                        call: Call(.deleteUser, pathParameters: ["user_id": userID])
                    )
                )
            }
        }
        let knownBefore = job.steps.contains { $0.value["status"] != nil }
        if member == nil, steps.isEmpty, !knownBefore {
            throw .usage(
                "offboard: nothing in the organization knows '\(Cells.inline(who))': not a member, and no key, invite or group of theirs (users lists the members)",
                at: inv.location
            )
        }
        if inv.showsTables {
            if member == nil {
                let name = person.email ?? person.id ?? who
                shell.say(
                    shell.style.yellow(
                        "\(Cells.inline(name)) is no longer a member of the organization (removed earlier); what is left of them is below"
                    )
                )
            }
            shell.say(shell.style.dim("invites they sent: the API does not say who sent an invite (invites lists them all)"))
            if let note = reader.memoryNote { shell.say(shell.style.dim(note)) }
        }
        // What could not be read is not in the plan: said before anything runs, and the job
        // ends incomplete (exit 4) even when every step it could plan succeeds.
        for line in unread.lines { shell.warn(shell.style.yellow("warning: ") + line + " (anything of theirs there is not in this plan)") }
        var outcome = try await job.run(shell, inv, steps: steps, key: reader.key)
        if !unread.isEmpty {
            outcome.value?["incomplete"] = unread.json
            outcome.gaps = unread.lines
            outcome.gapSummary = "offboard: \(unread.targets.count) part\(unread.targets.count == 1 ? "" : "s") of the organization could not be read"
        }
        outcome.value?["user"] =
            member ?? .obj(["id": person.id.map(JSON.string) ?? .null, "email": person.email.map(JSON.string) ?? .null, "member": false])
        return outcome
    }
}
