import AdmAPI

/// `snapshot [FILE]` and `diff SNAPSHOT [SNAPSHOT2]`: the organization's configuration kept as
/// one JSON document (0600: it lists key metadata, never a secret), and what changed since —
/// against the live organization, or between two snapshots. `diff` fails (exit 1) when anything
/// differs, so a CI job can watch for drift.
enum SnapshotCommand {
    static let specs = [
        CommandSpec(
            name: "snapshot",
            group: .organization,
            summary: "the organization's configuration as one JSON document (no secret), for diff",
            example: "snapshot org-2026-11-30.json",
            endpoints: Snapshot.perProject.map(\.endpoint) + [.listUsers, .listProjects, .listGroups, .listRoles, .adminApiKeysList],
            flags: Flags.output + Flags.key,
            arguments: [ArgumentSpec("FILE", optional: true, kind: .file)],
            run: { shell, inv throws(ShellError) in
                let reader = try OrgReader(shell, inv)
                let document = try await Snapshot(reader: reader).take()
                var outcome: Outcome = .value(document)
                if let word = inv.optionalArgument(0) {
                    let path = try shell.text(of: word)
                    do { try OwnFiles.replace(path, with: document.serialized(pretty: true) + "\n", as: .snapshot) } catch {
                        throw .environment("snapshot: \(error)")
                    }
                    let projects = document["projects"]?.arrayValue?.count ?? 0
                    let note = reader.memoryNote.map { "; " + $0 } ?? ""
                    shell.say(
                        shell.style.dim("wrote \(path) (\(projects) projects, \(document["users"]?.arrayValue?.count ?? 0) users; mode 0600\(note))")
                    )
                    outcome = .printed(document)
                }
                let unreadable = Snapshot.unreadable(document)
                if !unreadable.isEmpty {
                    outcome.gaps =
                        unreadable.prefix(10).map { "\($0.path): \($0.reason) (recorded as unreadable)" }
                        + (unreadable.count > 10 ? ["and \(unreadable.count - 10) more parts"] : [])
                    outcome.gapSummary = "snapshot: \(unreadable.count) part\(unreadable.count == 1 ? "" : "s") could not be read"
                }
                return outcome
            }
        ),
        CommandSpec(
            name: "diff",
            group: .organization,
            summary: "what changed since a snapshot (or between two); fails when anything did",
            example: "diff org-2026-11-30.json",
            flags: Flags.output + Flags.key,
            arguments: [ArgumentSpec("SNAPSHOT", kind: .file), ArgumentSpec("SNAPSHOT2", optional: true, kind: .file)],
            run: { shell, inv throws(ShellError) in
                let before = try load(shell.text(of: inv.argument(0)))
                let after: JSON
                var against = "the organization now"
                if let second = inv.optionalArgument(1) {
                    against = try shell.text(of: second)
                    after = try load(against)
                } else {
                    // Drift is what changed since: the organization is read as it is now.
                    after = try await Snapshot(reader: OrgReader(shell, inv, fresh: true)).take()
                }
                let compared = SnapshotDiff.changes(before, after)
                let changes = compared.filter { $0.kind != .unreadable }
                let uncompared = compared.filter { $0.kind == .unreadable }
                let rows: [JSON] = changes.map { c in
                    .obj(["change": .string(c.kind.rawValue), "path": .string(c.path), "before": c.before ?? .null, "after": c.after ?? .null])
                }
                let value: JSON = .obj(["object": "snapshot.diff", "changes": .array(rows), "count": .int(rows.count)])
                if inv.showsTables {
                    if rows.isEmpty {
                        shell.say(shell.style.dim("no difference from \(try shell.text(of: inv.argument(0))) to \(against)"))
                    } else {
                        let shown: [JSON] = changes.map { c in
                            .obj(["change": .string(c.kind.rawValue), "path": .string(c.path), "value": .string(describe(c))])
                        }
                        for line in Table.render(
                            items: shown,
                            columns: [Column("CHANGE", ".change"), Column("PATH", ".path"), Column("BEFORE → AFTER", ".value")],
                            style: shell.style,
                            maxWidth: 100,
                            layout: shell.tableLayout
                        ) {
                            shell.say(line)
                        }
                    }
                }
                var outcome = Outcome(value: value, printed: inv.showsTables)
                if !uncompared.isEmpty {
                    outcome.value?["uncompared"] = .array(uncompared.map { .obj(["path": .string($0.path)]) })
                    outcome.gaps =
                        uncompared.prefix(10).map { "\($0.path): not compared (a side could not be read)" }
                        + (uncompared.count > 10 ? ["and \(uncompared.count - 10) more"] : [])
                    outcome.gapSummary = "diff: \(uncompared.count) part\(uncompared.count == 1 ? "" : "s") could not be compared"
                }
                if !rows.isEmpty {
                    outcome.failure = .differs(
                        "diff: \(rows.count) difference\(rows.count == 1 ? "" : "s") from \(try shell.text(of: inv.argument(0))) to \(against)"
                    )
                }
                return outcome
            }
        ),
    ]

    static func load(_ path: String) throws(ShellError) -> JSON {
        let text: String
        do { text = try TextFile.read(path, kind: "snapshot") } catch { throw .environment(error.description) }
        guard let json = try? JSON.parse(text), json["object"]?.stringValue == "organization.snapshot" else {
            throw .environment("\(path) is not a snapshot (write one with `snapshot FILE`)")
        }
        return json
    }

    /// `member → owner`, `+ {…}`, `− {…}`.
    static func describe(_ change: SnapshotDiff.Change) -> String {
        func short(_ v: JSON?) -> String {
            guard let v else { return "" }
            if let s = v.stringValue { return s }
            let text = v.serialized()
            return text.count > 60 ? String(text.prefix(59)) + "…" : text
        }
        switch change.kind {
        case .added: return "+ " + short(change.after)
        case .removed: return "− " + short(change.before)
        case .changed: return short(change.before) + " → " + short(change.after)
        case .unreadable: return "not compared"
        }
    }
}
