import AdmAPI

/// Probing what a key can do. Reads use a cheap list (`limit=1`) per permission category.
/// Writes (only with `--writes`) send a request that fails validation after authorization
/// (a create with an empty body), so they change nothing: a 400 means the key passed the
/// scope check, a 401 naming the scope means it did not.
enum Probe {
    /// The read probe of a category.
    static func readCall(_ c: PermissionCategory) -> Call {
        switch c {
        case .organizationAdministration:
            return Call(Endpoint.listProjects, pathParameters: [:], query: [QueryItem("limit", "1")])
        case .usage:
            return Call(
                Endpoint.usageCompletions,
                pathParameters: [:],
                query: [QueryItem("start_time", String((UnixTime.now() / 86400 - 1) * 86400)), QueryItem("limit", "1")]
            )
        case .auditLogs:
            return Call(Endpoint.listAuditLogs, pathParameters: [:], query: [QueryItem("limit", "1")])
        case .fineTuningCheckpoints:
            return Call(
                Endpoint.listFineTuningCheckpointPermissions,
                pathParameters: ["fine_tuned_model_checkpoint": "ft:adm-probe"],
                query: [QueryItem("limit", "1")]
            )
        }
    }

    /// The write probe of a category (nil where the category cannot be written).
    static func writeCall(_ c: PermissionCategory) -> Call? {
        switch c {
        case .organizationAdministration:
            return Call(Endpoint.createProject, pathParameters: [:], body: .obj([:]))
        case .fineTuningCheckpoints:
            return Call(
                Endpoint.createFineTuningCheckpointPermission,
                pathParameters: ["fine_tuned_model_checkpoint": "ft:adm-probe"],
                body: .obj([:])
            )
        case .usage, .auditLogs:
            return nil
        }
    }

    /// What a probe's answer says about one scope.
    static func verdict(_ result: CallResult, scope: String) -> ProbeOutcome {
        let evidence =
            "\(result.call.method.rawValue) \(result.call.pathAndQuery)\(result.call.body.map { " " + $0.serialized() } ?? "") → \(result.status)"
            + (result.error.map {
                ": " + ($0.missingScopes.isEmpty ? String($0.message.prefix(90)) : "Missing scopes: " + $0.missingScopes.joined(separator: ", "))
            } ?? "")
        if let e = result.error, !e.missingScopes.isEmpty {
            return ProbeOutcome(verdict: .missing, evidence: evidence, missing: e.missingScopes)
        }
        if result.status == 401 || result.status == 403 || result.status >= 500 || result.status == 429 {
            return ProbeOutcome(verdict: .unknown, evidence: evidence)
        }
        return ProbeOutcome(verdict: .granted, evidence: evidence)
    }
}

extension Probe {
    /// Probes `key` and stores what it found in the session.
    @discardableResult
    static func run(_ shell: CommandContext, _ key: SessionKey, writes: Bool) async throws(ShellError) -> KeyProbe {
        let session = shell.session
        var probe = session.probes[key.name] ?? KeyProbe()
        for category in PermissionCategory.allCases {
            let read = try await shell.calls.lookUp(Probe.readCall(category), key: key)
            probe.levels[category] = Probe.verdict(read, scope: category.readScope)
            if writes, let call = Probe.writeCall(category), let scope = category.writeScope {
                let w = try await shell.calls.lookUp(call, key: key)
                var outcome = Probe.verdict(w, scope: scope)
                if outcome.verdict == .granted, probe.levels[category]?.verdict == .missing {
                    outcome = ProbeOutcome(
                        verdict: .unknown,
                        evidence: outcome.evidence + " (but the read was refused: the API may validate before it authorizes)"
                    )
                }
                probe.writes[category] = outcome
            }
        }
        session.probes[key.name] = probe
        return probe
    }
}
