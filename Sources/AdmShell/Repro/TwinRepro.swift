import AdmAPI

/// `repro --twin FILE [--anonymize]`: a reproduction that carries the organization. One file
/// holds the last call as adm statements, the key's observed permissions (probed, as `scopes
/// --writes` does) and a snapshot, so a colleague's `adm --twin FILE` starts a twin where the
/// same key meets the same answer. No secret is in it (checked as every reproduction is); with
/// `--anonymize`, names and emails are replaced consistently and ids kept.
enum TwinRepro {
    static func write(_ shell: CommandContext, _ inv: Invocation, to file: String) async throws(ShellError) -> Outcome {
        guard let record = shell.session.calls.last else { throw .usage("repro --twin: no call has been made yet", at: inv.location) }
        guard let keyName = record.keyName, let key = shell.session.keys[keyName] else {
            throw .usage("repro --twin: the last call's key is no longer in the session", at: inv.location)
        }
        // What the key may do, as the API shows it now.
        var profile = "project"
        if key.secret.kind == .admin {
            let probe = try await Probe.run(shell, key, writes: true)
            profile = Rehearsal.observedProfile(probe).description
        }
        var snapshot = try await Snapshot(reader: OrgReader(shell, inv, fresh: true)).take()
        let unreadable = Snapshot.unreadable(snapshot)
        var statements = ["use key \(keyName)", Repro.canonical(record.call)]
        var answer =
            record.status.map {
                "\($0)"
                    + (record.error.map {
                        " " + ($0.missingScopes.isEmpty ? $0.message : "Missing scopes: " + $0.missingScopes.joined(separator: ", "))
                    } ?? "")
            } ?? (record.transportError ?? "no answer")
        if inv.args.has("--anonymize") {
            var names = Anonymizer()
            snapshot = names.apply(snapshot)
            statements = statements.map(names.replace)
            answer = names.replace(answer)
        }
        let document: JSON = .obj([
            "object": "adm.twin_reproduction", "version": 1, "adm_version": .string(shell.configuration.version),
            "created_at": .string(UnixTime.iso8601(UnixTime.now())), "statements": .array(statements.map(JSON.string)),
            "key": .obj(["name": .string(keyName), "profile": .string(profile)]),
            "project": (record.projectID ?? shell.session.activeProject).map(JSON.string) ?? .null,
            "answer": .obj(["status": record.status.map(JSON.int) ?? .null, "summary": .string(answer)]),
            "anonymized": .bool(inv.args.has("--anonymize")),
            "snapshot": snapshot,
        ])
        let text = document.serialized(pretty: true) + "\n"
        do { try Repro.guardText(text, shell: shell) } catch { throw .environment(error.description) }
        do { try OwnFiles.replace(file, with: text, as: .twinReproduction) } catch { throw .environment(error.description) }
        if inv.showsTables {
            shell.say(
                shell.style.dim(
                    "wrote \(file) (mode 0600): \(statements.last ?? "") with key \(keyName) (\(profile)) → \(answer); a colleague runs: adm --twin \(Repro.shellQuote(file))"
                )
            )
            if !unreadable.isEmpty {
                shell.say(
                    shell.style.yellow("note: ")
                        + "\(unreadable.count) part(s) of the organization could not be read with this key; use --key with one that reads everything"
                )
            }
        }
        return .printed(.obj(["file": .string(file), "key": .string(keyName), "profile": .string(profile), "answer": .string(answer)]))
    }
}

/// Replaces names and emails with stand-ins, the same one each time a value recurs (a person's
/// email in the users, their project memberships and their keys' owners), keeping ids and the
/// names of roles (permissions depend on them).
struct Anonymizer {
    private var names: [String: String] = [:]
    private var emails: [String: String] = [:]

    mutating func apply(_ value: JSON, key: String? = nil, inRoles: Bool = false) -> JSON {
        switch value {
        case .object(let members):
            return .object(members.map { m in JSON.Member(m.key, apply(m.value, key: m.key, inRoles: inRoles || m.key == "roles")) })
        case .array(let items):
            return .array(items.map { apply($0, key: key, inRoles: inRoles) })
        case .string(let s):
            if key == "email" || (key == "members" && s.contains("@")) { return .string(email(s)) }
            if !inRoles, key == "name" || key == "group_name" { return .string(name(s)) }
            return value
        default:
            return value
        }
    }

    mutating func email(_ s: String) -> String {
        if let e = emails[s.lowercased()] { return e }
        let e = "person\(emails.count + 1)@example.invalid"
        emails[s.lowercased()] = e
        return e
    }

    mutating func name(_ s: String) -> String {
        if let n = names[s] { return n }
        let n = "name-\(names.count + 1)"
        names[s] = n
        return n
    }

    /// `text` with every email seen so far replaced (statements, answers). Names are left: in a
    /// statement they are mostly adm's own (a session key's, a new object's), and ids carry the rest.
    func replace(_ text: String) -> String {
        var out = text
        for (real, stand) in emails.sorted(by: { $0.key.count > $1.key.count }) { out = out.replacing(real, with: stand) }
        return out
    }
}
