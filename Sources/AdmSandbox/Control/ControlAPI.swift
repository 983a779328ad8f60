import AdmAPI
import Synchronization

/// Sandbox control, apart from the emulated API: under `/_sandbox/`, never mixed into `/v1`.
///
/// - `GET  /_sandbox/info`: organization, keys (names, ids, profiles), known issues, faults,
///   requests served (with the most at once)
/// - `POST /_sandbox/keys` `{name, profile}`: a new admin key (its value is returned here only)
/// - `POST /_sandbox/keys/{name or id}` `{profile}`: change a key's permissions
/// - `POST /_sandbox/known-issues` `{name, enabled}`; `POST /_sandbox/faults` `{faults}`
/// - `POST /_sandbox/rate-limit` `{rule: "8/min,burst=7" | "realistic" | "off"}`; `POST /_sandbox/reset`
///   (the organization back to its fixtures, the settings back to those the sandbox started with)
/// - `POST /_sandbox/seed` `{kind: projects|service-accounts|users, count, project_id?}`, or
///   `{kind: org, seed?}`: a realistic organization (`OrgSeed`)
/// - `POST /_sandbox/load` `{snapshot}`: the sandbox becomes a twin of that organization
///   (`Twin`); its fixture keys are stand-ins under the same names
/// - `POST /_sandbox/stand-ins` `{name, profile, created_profile?}`: a key that only calls the
///   sandbox, with that profile (`project` for a project key), listed nowhere
/// - `GET  /_sandbox/snapshot` (every object, secrets left out); `GET /_sandbox/integrity`
struct ControlAPI: Sendable {
    let store: Store
    let fixtures: FixtureKeyring
    /// The snapshot a twin was built from (a reset rebuilds it), if the sandbox is a twin.
    let twin = TwinMemory()

    /// The snapshot behind a twin, kept for resets.
    final class TwinMemory: Sendable {
        private let snapshot = Mutex<JSON?>(nil)
        var value: JSON? {
            get { snapshot.withLock { $0 } }
            set { snapshot.withLock { $0 = newValue } }
        }
    }

    func handle(method: String, path: String, body: [UInt8], dispatcher: Dispatcher) async -> SandboxResponse {
        do {
            let json: JSON = body.isEmpty ? .obj([:]) : try JSON.parse(bytes: body)
            let result = try await route(method.uppercased(), path, json, dispatcher)
            return SandboxResponse(status: 200, headers: [Header("Content-Type", "application/json")], body: result.bytes())
        } catch let e as SandboxError {
            let status: Int
            if case .notFound = e { status = 404 } else if case .storage = e { status = 500 } else { status = 400 }
            return SandboxResponse(
                status: status,
                headers: [Header("Content-Type", "application/json")],
                body: JSON.obj(["error": .obj(["message": .string(e.description), "type": "sandbox_error", "param": .null, "code": .null])]).bytes()
            )
        } catch {
            return SandboxResponse(
                status: 400,
                headers: [Header("Content-Type", "application/json")],
                body: JSON.obj([
                    "error": .obj(["message": .string("invalid JSON body: \(error)"), "type": "sandbox_error", "param": .null, "code": .null])
                ]).bytes()
            )
        }
    }

    private func route(_ method: String, _ path: String, _ body: JSON, _ d: Dispatcher) async throws -> JSON {
        let parts = path.split(separator: "/").dropFirst().map(String.init)
        switch (method, parts.first ?? "", parts.count) {
        case ("GET", "info", 1):
            return info(d)
        case ("POST", "keys", 1):
            guard let name = body["name"]?.stringValue, !name.isEmpty else { throw SandboxError.badRequest("a key needs a name") }
            let profile = try parseProfile(body["profile"]?.stringValue ?? "all")
            let now = UnixTime.now()
            let (record, secret) = try await write { s in
                let owner = s.records(.user).first { $0.body["role"]?.stringValue == "owner" }?.id
                return s.mintAdminKey(name: name, profile: profile, ownerUserID: owner, now: now)
            }
            return .obj(["id": .string(record.id), "name": .string(name), "profile": .string(profile.description), "value": .string(secret)])
        case ("POST", "keys", 2):
            let ref = parts[1]
            let profile = try parseProfile(body["profile"]?.stringValue ?? "")
            let record: Record = try await write { s throws(APIFailure) -> Record in
                guard let key = s.records(.adminKey).last(where: { $0.id == ref || $0.body["name"]?.stringValue == ref }) else {
                    throw APIFailure.notFound("admin key", ref)
                }
                let updated = s.update(.adminKey, key.id) { r in r.hidden["profile"] = .string(profile.description) }!
                // The platform logs a permission change as api_key.updated, by the session user.
                let now = UnixTime.now()
                let owner = s.records(.user).first { $0.body["role"]?.stringValue == "owner" }
                var entry: JSON = .obj([
                    "id": .string(IDs.auditLog(at: now)), "type": "api_key.updated", "effective_at": .int(now),
                    "actor": .obj([
                        "type": "session",
                        "session": .obj([
                            "user": .obj(["id": owner.map { .string($0.id) } ?? .null, "email": owner?.body["email"] ?? .null]),
                            "ip_address": "127.0.0.1",
                        ]),
                    ]),
                    "api_key.updated": .obj([
                        "id": .string(key.id), "changes_requested": .obj(["scopes": .array(profile.scopes.sorted().map(JSON.string))]),
                    ]),
                ])
                if let p = s.defaultProject { entry["project"] = .obj(["id": .string(p.id), "name": p.body["name"] ?? .null]) }
                s.put(
                    Record(
                        kind: .auditLog,
                        id: entry["id"]!.stringValue!,
                        body: entry,
                        hidden: .obj(["actor_id": .null, "user_id": owner.map { .string($0.id) } ?? .null])
                    )
                )
                return updated
            }
            return keyInfo(record, d)
        case ("POST", "known-issues", 1):
            guard let name = body["name"]?.stringValue, let issue = KnownIssue(rawValue: name) else {
                throw SandboxError.badRequest(
                    "unknown known-issue mode '\(body["name"]?.stringValue ?? "")'; known: \(KnownIssue.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            let enabled = body["enabled"]?.boolValue ?? true
            d.settings.withLock { s in
                if enabled { s.knownIssues.insert(issue) } else { s.knownIssues.remove(issue) }
            }
            return .obj([
                "name": .string(issue.rawValue), "enabled": .bool(enabled), "summary": .string(issue.summary), "report": .string(issue.citation),
            ])
        case ("POST", "faults", 1):
            let faults = try Faults.parse(body["faults"]?.stringValue ?? "")
            d.settings.withLock { $0.faults = faults }
            return .obj(["faults": .string(faults.description)])
        case ("POST", "rate-limit", 1):
            guard let text = body["rule"]?.stringValue else {
                throw SandboxError.badRequest("a rate-limit change needs {\"rule\": \"off\" | \"realistic\" | \"N/min,…\"}")
            }
            let rule = try RateLimitRule.parse(text)
            d.settings.withLock { $0.rateLimit = rule }
            d.buckets.withLock { $0.removeAll() }
            return .obj(["rule": .string(RateLimitRule.describe(rule))])
        case ("POST", "reset", 1):
            let secrets = Dictionary(fixtures.keys.map { ($0.name, $0.secret.unredacted) }, uniquingKeysWith: { a, _ in a })
            let orgID = store.organizationID
            let fresh: OrgState
            if let snapshot = twin.value {
                fresh = try Twin.withFixtures(snapshot, now: UnixTime.now(), secrets: secrets).state
            } else {
                fresh = Fixtures.make(now: UnixTime.now(), secrets: secrets, organizationID: orgID).0
            }
            _ = try await write { s in
                s.replace(with: fresh)
                return 0
            }
            d.settings.withLock { $0 = d.initialSettings }
            d.buckets.withLock { $0.removeAll() }
            return .obj(["reset": true])
        case ("POST", "seed", 1):
            twin.value = nil
            return try await seed(body)
        case ("POST", "load", 1):
            guard let snapshot = body["snapshot"] else {
                throw SandboxError.badRequest("a load needs {\"snapshot\": …}, a file `snapshot FILE` wrote")
            }
            let (state, keys, notes) = try Twin.withFixtures(snapshot, now: UnixTime.now())
            let project: String? = try await write { s in
                s.replace(with: state)
                return s.defaultProject?.id
            }
            twin.value = snapshot
            d.buckets.withLock { $0.removeAll() }
            do throws(FileError) { try fixtures.replace(with: keys) } catch { throw SandboxError.storage(error.description) }
            return .obj([
                "kind": "twin", "organization_id": .string(state.organizationID), "notes": .array(notes.map(JSON.string)),
                "counts": Self.counts(state),
                "fixture_keys": .object(keys.map { JSON.Member($0.name, .string($0.secret.unredacted)) }),
                "default_project": project.map(JSON.string) ?? .null,
            ])
        case ("POST", "stand-ins", 1):
            guard let name = body["name"]?.stringValue, !name.isEmpty else { throw SandboxError.badRequest("a stand-in needs a name") }
            let text = body["profile"]?.stringValue ?? "all"
            let profile = text == "project" ? nil : try parseProfile(text)
            let created = try body["created_profile"]?.stringValue.map { try parseProfile($0) }
            let now = UnixTime.now()
            let (record, secret) = try await write { s in
                s.standIn(name: name, profile: profile, createdProfile: created, ownerUserID: s.firstOwner?.id, now: now)
            }
            return .obj(["id": .string(record.id), "name": .string(name), "profile": .string(text), "value": .string(secret.unredacted)])
        case ("GET", "snapshot", 1):
            return try store.read { s in
                .obj([
                    "records": .array(
                        Kind.allCases.filter { $0 != .auditLog && $0 != .standIn }.flatMap { kind in
                            s.table(kind).all.map { r in
                                .obj([
                                    "kind": .string(kind.rawValue), "id": .string(r.id), "parent": .string(r.parent),
                                    "body": Self.withoutVolatile(r.body),
                                ])
                            }
                        }
                    )
                ])
            }
        case ("GET", "integrity", 1):
            let result = try await store.persistence?.integrityCheck() ?? "ok (in memory)"
            return .obj(["integrity": .string(result), "path": store.persistence.map { .string($0.path) } ?? .null])
        default:
            throw SandboxError.notFound("no sandbox control route \(method) \(path)")
        }
    }

    /// Bodies without fields that change by merely being used (`last_used_at`).
    static func withoutVolatile(_ body: JSON) -> JSON {
        var b = body
        b["last_used_at"] = nil
        return b
    }

    private func write<T: Sendable>(_ body: (inout OrgState) throws(APIFailure) -> T) async throws -> T {
        do { return try await store.write(body) } catch { throw SandboxError.badRequest(error.message) }
    }

    private func parseProfile(_ text: String) throws -> PermissionProfile {
        do { return try PermissionProfile.parse(text) } catch { throw SandboxError.badRequest(error.description) }
    }

    /// How many records of each kind (stand-ins and the audit log left out).
    static func counts(_ s: OrgState) -> JSON {
        .object(Kind.allCases.filter { $0 != .standIn }.map { JSON.Member($0.rawValue, .int(s.table($0).count)) })
    }

    private func info(_ d: Dispatcher) -> JSON {
        let settings = d.settings.withLock { $0 }
        let (keys, counts, orgID, seeded, twinOf) =
            (try? store.read { s in
                (
                    s.records(.adminKey).map { keyInfo($0, d, settings) },
                    Self.counts(s),
                    s.organizationID,
                    s.meta["seeded"].flatMap { UInt64($0) }.map { OrgSeed.summary(s, seed: $0) } ?? JSON.null,
                    s.meta["twin"].map { JSON.obj(["snapshot_taken_at": .string($0)]) } ?? JSON.null
                )
            }) ?? ([], .null, "", .null, .null)
        return .obj([
            "organization_id": .string(orgID),
            "admin_keys": .array(keys),
            "known_issues": .array(settings.knownIssues.map { .string($0.rawValue) }),
            "faults": .string(settings.faults.description),
            "rate_limit": .string(RateLimitRule.describe(settings.rateLimit)),
            "counts": counts,
            "requests": .obj([
                "served": .int(d.served.load(ordering: .relaxed)), "in_flight": .int(d.inFlight.load(ordering: .relaxed)),
                "peak_in_flight": .int(d.peakInFlight.load(ordering: .relaxed)),
                "rate_limited": .int(d.rateLimited.load(ordering: .relaxed)),
                "writes_applied": .int(d.writesApplied.load(ordering: .relaxed)),
            ]),
            "db": store.persistence.map { .string($0.path) } ?? .null,
            "seeded": seeded,
            "twin": twinOf,
        ])
    }

    private func keyInfo(_ r: Record, _ d: Dispatcher, _ settings: SandboxSettings? = nil) -> JSON {
        let s = settings ?? d.settings.withLock { $0 }
        let (effective, stale) = Authorizer.effectiveScopes(r, knownIssues: s.knownIssues)
        return .obj([
            "id": .string(r.id), "name": r.body["name"] ?? .null,
            "redacted_value": r.body["redacted_value"] ?? .null,
            "profile": r.hidden["profile"] ?? .null, "created_profile": r.hidden["created_profile"] ?? .null,
            "effective_scopes": .array(effective.sorted().map(JSON.string)), "stale": .bool(stale),
        ])
    }

    private func seed(_ body: JSON) async throws -> JSON {
        if body["kind"]?.stringValue == "org" {
            // One seed, one organization: the fixtures too (organization id, owner, keys) are
            // drawn from the seed, and times are counted from the seed's clock (midnight UTC),
            // so two sandboxes seeded alike the same day hold the same organization, byte for byte.
            let seed = UInt64(max(0, body["seed"]?.intValue ?? 1))
            let clock = UnixTime.now() / OrgSeed.day * OrgSeed.day
            let (summary, keys, project) = try await write { s throws(APIFailure) -> (JSON, FixtureKeys, String?) in
                if let seeded = s.meta["seeded"], !seeded.isEmpty {
                    throw APIFailure.invalid("this sandbox was seeded already (sandbox reset first)")
                }
                let built: Result<(JSON, FixtureKeys, String?), APIFailure> = IDs.$seeded.withValue(SeededSource(seed: seed)) {
                    let (fresh, keys) = Fixtures.make(now: clock - 1000 * OrgSeed.day)
                    s.replace(with: fresh)
                    do throws(APIFailure) {
                        return .success((try OrgSeed.build(&s, seed: seed, now: clock), keys, s.defaultProject?.id))
                    } catch {
                        return .failure(error)
                    }
                }
                return try built.get()
            }
            do throws(FileError) { try fixtures.replace(with: keys) } catch { throw SandboxError.storage(error.description) }
            return .obj([
                "kind": "org", "seeded": summary,
                "fixture_keys": .object(keys.map { JSON.Member($0.name, .string($0.secret.unredacted)) }),
                "default_project": project.map(JSON.string) ?? .null,
            ])
        }
        let count = body["count"]?.intValue ?? 0
        guard (1...1_000_000).contains(count) else { throw SandboxError.badRequest("count must be between 1 and 1000000") }
        let kind = body["kind"]?.stringValue ?? ""
        let now = UnixTime.now()
        let projectID = body["project_id"]?.stringValue
        let created: Int = try await write { s throws(APIFailure) -> Int in
            switch kind {
            case "projects":
                let base = s.table(.project).count
                for i in 0..<count { _ = s.createProject(name: "Project \(base + i + 1)", now: now, ownerUserID: nil) }
            case "service-accounts":
                let pid = projectID ?? s.defaultProject?.id ?? ""
                _ = try s.activeProject(pid)
                let base = s.table(.serviceAccount).ids(parent: pid).count
                for i in 0..<count {
                    let id = IDs.serviceAccount()
                    s.put(
                        Record(
                            kind: .serviceAccount,
                            id: id,
                            parent: pid,
                            body: .obj([
                                "object": "organization.project.service_account", "id": .string(id),
                                "name": .string("seeded-\(base + i + 1)"), "role": "member", "created_at": .int(now),
                            ])
                        )
                    )
                }
            case "users":
                let base = s.table(.user).count
                for i in 0..<count { s.addUser(name: "User \(base + i + 1)", email: "user\(base + i + 1)@example.com", role: "reader", now: now) }
            default:
                throw APIFailure.invalid("seed kind must be projects, service-accounts or users, not '\(kind)'")
            }
            return count
        }
        return .obj(["kind": .string(kind), "created": .int(created)])
    }
}
