import AdmAPI
import AdmSandbox
import AdmTestSupport
import Testing

@Suite("Sandbox behaviour")
struct SandboxBehaviourTests {
    @Test("unknown routes get the Invalid URL error with the method and /v1 path")
    func invalidURL() async throws {
        try await withSandbox { s in
            let r = try await s.raw(.get, "/organization/credit_grants", key: "owner")
            #expect(r.status == 404)
            #expect(APIError.decode(r)?.message == "Invalid URL (GET /v1/organization/credit_grants)")
            let wrongMethod = try await s.raw(.delete, "/organization/projects", key: "owner")
            #expect(APIError.decode(wrongMethod)?.message == "Invalid URL (DELETE /v1/organization/projects)")
        }
    }

    @Test("lists page with limit, after, has_more and first/last ids, in both directions")
    func paging() async throws {
        try await withSandbox { s in
            _ = try await s.control(.post, "seed", .obj(["kind": "projects", "count": 44]))
            var ids: [String] = []
            var after: String?
            var pages = 0
            repeat {
                let r = try await s.call(
                    .listProjects,
                    key: "owner",
                    query: [QueryItem("limit", "20")] + (after.map { [QueryItem("after", $0)] } ?? [])
                )
                let data = r.json!["data"]!.arrayValue!
                ids += data.map { $0["id"]!.stringValue! }
                #expect(r.json!["first_id"]?.stringValue == data.first?["id"]?.stringValue)
                #expect(r.json!["last_id"]?.stringValue == data.last?["id"]?.stringValue)
                after = r.json!["has_more"]?.boolValue == true ? r.json!["last_id"]?.stringValue : nil
                pages += 1
            } while after != nil
            #expect(pages == 3)
            #expect(ids.count == 45)
            #expect(Set(ids).count == 45)
            let keys = try await s.call(.adminApiKeysList, key: "owner", query: [QueryItem("order", "desc"), QueryItem("limit", "2")])
            #expect(keys.json!["data"]!.arrayValue!.map { $0["name"]!.stringValue! } == ["usage", "mgmt-write"])
            let groups = try await s.call(.listGroups, key: "owner")
            #expect(groups.json!["next"] == .null)
        }
    }

    @Test(
        "validation errors name the parameter, as the real API does",
        arguments: [
            ("{}", "Missing required parameter: 'name'.", "name", "missing_required_parameter"),
            (#"{"name": 5}"#, "Invalid type for 'name': expected a string, but got a number instead.", "name", "invalid_type"),
            (#"{"name": "x", "colour": "red"}"#, "Unrecognized request argument supplied: colour", "colour", nil),
            (
                #"{"name": "x", "residency": "MARS"}"#,
                "Invalid value: 'MARS'. Supported values are: 'GLOBAL', 'US_STORAGE_PROCESSING', 'EU_STORAGE_PROCESSING', 'JP_STORAGE', 'KR_STORAGE', 'CA_STORAGE', 'SG_STORAGE', 'IN_STORAGE', 'AU_STORAGE', 'GB_STORAGE', 'AE_STORAGE' and 'AE_STORAGE_PROCESSING'.",
                "residency", "invalid_value"
            ),
            (
                "{not json",
                "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
                nil, nil
            ),
        ] as [(String, String, String?, String?)]
    )
    func validation(body: String, message: String, param: String?, code: String?) async throws {
        try await withSandbox { s in
            let r = try await s.raw(.post, "/organization/projects", key: "owner", body: body)
            let e = APIError.decode(r)
            #expect(r.status == 400)
            #expect(e?.message == message)
            #expect(e?.param == param)
            #expect(e?.code == code)
        }
    }

    @Test("what the spec forbids and an outside tester found accepted: no body where one is required, null where a field is not nullable")
    func strictBodies() async throws {
        try await withSandbox { s in
            let project = try #require(try await s.call(.listProjects, key: "owner").json?["data"]?[0]?["id"]?.stringValue)
            for path in ["/organization/projects/\(project)", "/organization/projects/\(project)/hosted_tool_permissions"] {
                let r = try await s.raw(.post, path, key: "owner")
                #expect(r.status == 400, "POST \(path) with no body")
                #expect(APIError.decode(r)?.message == "The request body is required: a JSON object (it may be {}).")
                #expect(APIError.decode(r)?.type == "invalid_request_error")
                // An empty object is a body: nothing to change.
                #expect(try await s.raw(.post, path, key: "owner", body: "{}").status == 200, "POST \(path) with {}")
            }
            let key = try await s.raw(.post, "/organization/admin_api_keys", key: "owner", body: #"{"name": "x", "expires_in_seconds": null}"#)
            #expect(key.status == 400)
            #expect(APIError.decode(key)?.message == "Invalid type for 'expires_in_seconds': expected an integer, but got null instead.")
            #expect(APIError.decode(key)?.param == "expires_in_seconds")
            // A field the spec marks nullable takes null.
            #expect(try await s.raw(.post, "/organization/projects/\(project)", key: "owner", body: #"{"name": null}"#).status == 200)
        }
    }

    @Test("query parameters are checked: ranges and enums")
    func queryValidation() async throws {
        try await withSandbox { s in
            let r = try await s.raw(.get, "/organization/audit_logs?limit=0", key: "owner")
            #expect(APIError.decode(r)?.message == "Invalid 'limit': integer below minimum value. Expected a value >= 1, but got 0 instead.")
            let o = try await s.raw(.get, "/organization/admin_api_keys?order=sideways", key: "owner")
            #expect(APIError.decode(o)?.message == "Invalid value: 'sideways'. Supported values are: 'asc' and 'desc'.")
            let u = try await s.raw(.get, "/organization/usage/completions", key: "owner")
            #expect(APIError.decode(u)?.param == "start_time")
        }
    }

    @Test("service accounts: the secret is returned once, keys go with the account")
    func serviceAccounts() async throws {
        try await withSandbox { s in
            let p = s.defaultProject
            let created = try await s.call(.createProjectServiceAccount, key: "owner", path: ["project_id": p], body: .obj(["name": "bot"]))
            let sa = created.json!
            #expect(sa["object"] == "organization.project.service_account")
            #expect(sa["role"] == "member")
            #expect(created.minted.first?.secret.kind == .serviceAccount)
            #expect(sa["api_key"]?["value"]?.stringValue == created.minted.first?.secret.redacted, "the client keeps the value out of the JSON")
            let id = sa["id"]!.stringValue!
            #expect(id.hasPrefix("svc_acct_"))
            let fetched = try await s.call(.retrieveProjectServiceAccount, key: "owner", path: ["project_id": p, "service_account_id": id])
            #expect(fetched.json?["api_key"] == nil)
            let keys = try await s.call(.listProjectApiKeys, key: "owner", path: ["project_id": p])
            let saKeys = keys.json!["data"]!.arrayValue!.filter { $0["owner"]?["service_account"]?["id"]?.stringValue == id }
            #expect(saKeys.count == 1)
            #expect(saKeys[0]["redacted_value"]?.stringValue?.contains("…") == false)
            #expect(!keys.response.bodyText.contains(created.minted.first!.secret.unredacted))
            let keyID = saKeys[0]["id"]!.stringValue!
            let refused = try await s.call(.deleteProjectApiKey, key: "owner", path: ["project_id": p, "api_key_id": keyID])
            #expect(refused.status == 400)
            _ = try await s.call(.deleteProjectServiceAccount, key: "owner", path: ["project_id": p, "service_account_id": id])
            let after = try await s.call(.retrieveProjectApiKey, key: "owner", path: ["project_id": p, "api_key_id": keyID])
            #expect(after.status == 404)
            let only = try await s.call(
                .createProjectServiceAccount,
                key: "owner",
                path: ["project_id": p],
                body: .obj(["name": "bare", "create_service_account_only": true])
            )
            #expect(only.json?["api_key"] == .null)
            #expect(only.json?["role"] == "none")
        }
    }

    @Test("archived projects refuse writes; unknown ids get 404; changes land in the audit log")
    func archiveAndAudit() async throws {
        try await withSandbox { s in
            let created = try await s.call(.createProject, key: "owner", body: .obj(["name": "temp"]))
            let id = created.json!["id"]!.stringValue!
            #expect(id.hasPrefix("proj_") && id.count == 29)
            let archived = try await s.call(.archiveProject, key: "owner", path: ["project_id": id])
            #expect(archived.json?["status"] == "archived")
            let refused = try await s.call(.createProjectServiceAccount, key: "owner", path: ["project_id": id], body: .obj(["name": "x"]))
            #expect(refused.status == 400)
            #expect(refused.error?.message == "Project \(id) is archived and cannot be modified.")
            let listed = try await s.call(.listProjects, key: "owner")
            #expect(!listed.response.bodyText.contains(id))
            let all = try await s.call(.listProjects, key: "owner", query: [QueryItem("include_archived", "true")])
            #expect(all.response.bodyText.contains(id))
            let missing = try await s.call(.retrieveProject, key: "owner", path: ["project_id": "proj_nope"])
            #expect(missing.status == 404)
            let log = try await s.call(.listAuditLogs, key: "owner", query: [QueryItem("resource_ids[]", id)])
            #expect(log.json!["data"]!.arrayValue!.map { $0["type"]!.stringValue! } == ["project.archived", "project.created"])
            let entry = log.json!["data"]![0]!
            #expect(entry["actor"]?["type"] == "api_key")
            #expect(entry["project.archived"]?["id"]?.stringValue == id)
        }
    }

    /// Lists projects with `key` until the sandbox refuses (40 requests at most). What was granted
    /// must be the burst plus what refilled meanwhile, and no more: on a loaded machine a few
    /// requests can take seconds, and a token that came back in that time is rightly granted.
    func requestUntilRefused(
        _ s: TestSandbox,
        key: String,
        burst: Int,
        perMinute: Double
    ) async throws -> (granted: Int, refusal: WireResponse?) {
        let clock = ContinuousClock()
        let started = clock.now
        var granted = 0
        for _ in 0..<40 {
            let r = try await s.raw(.get, "/organization/projects", key: key)
            if r.status == 429 {
                let elapsed = clock.now - started
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                let refilled = Int((seconds * perMinute / 60).rounded(.down))
                #expect(granted <= burst + refilled, "\(granted) granted in \(seconds) s: a burst of \(burst) and \(refilled) refilled at most")
                return (granted, r)
            }
            #expect(r.status == 200)
            granted += 1
        }
        return (granted, nil)
    }

    @Test("by default the sandbox refuses like the live API: 7 at once per key and endpoint, then a bare 429")
    func faithfulRateLimit() async throws {
        try await withSandbox(SandboxOptions()) { s in
            let (granted, refused) = try await requestUntilRefused(s, key: "owner", burst: 7, perMinute: 8)
            #expect(granted >= 7)
            let refusal = try #require(refused, "refused within 40 requests")
            let body = try JSON.parse(bytes: refusal.body)
            #expect(body["error"]?["message"] == "You're making too many requests, please slow down.")
            #expect(refusal.header("Retry-After") == nil)
            #expect(!refusal.headers.contains { $0.name.lowercased().hasPrefix("x-ratelimit") })
            // Another endpoint, and another key on the same endpoint, have buckets of their own.
            #expect(try await s.raw(.get, "/organization/users", key: "owner").status == 200)
            #expect(try await s.raw(.get, "/organization/projects", key: "reader").status == 200)
            // The control API is never limited.
            for _ in 0..<20 { #expect(try await s.control(.get, "info")["rate_limit"] == "8/min,burst=7,scope=key") }
        }
    }

    @Test("the rate-limit rule's variants: retry-after adds the header, scope=org shares a bucket, off turns it off")
    func rateLimitVariants() async throws {
        try await withSandbox(SandboxOptions().limited(try RateLimitRule.parse("8/min,burst=2,retry-after"))) { s in
            let (granted, refusal) = try await requestUntilRefused(s, key: "owner", burst: 2, perMinute: 8)
            #expect(granted >= 2)
            // 7.5 s to the next token (less what the requests took), in whole seconds, at least 1.
            #expect(refusal?.header("Retry-After").flatMap { Int($0) }.map { (1...8).contains($0) } == true)
            // One bucket for the organization: a token another key took is gone for this one too.
            _ = try await s.control(.post, "rate-limit", .obj(["rule": "1/min,burst=1,scope=org"]))
            let clock = ContinuousClock()
            let started = clock.now
            #expect(try await s.raw(.get, "/organization/users", key: "owner").status == 200)
            let second = try await s.raw(.get, "/organization/users", key: "reader").status
            #expect(second == 429 || clock.now - started >= .seconds(60), "a minute had not passed, so no token had come back")
            // ratelimit-headers: the bucket's size, what is left, the time until it is full.
            _ = try await s.control(.post, "rate-limit", .obj(["rule": "8/min,burst=2,ratelimit-headers"]))
            let (_, withHeaders) = try await requestUntilRefused(s, key: "owner", burst: 2, perMinute: 8)
            #expect(withHeaders?.header("x-ratelimit-limit-requests") == "2")
            #expect(withHeaders?.header("x-ratelimit-remaining-requests") == "0")
            let untilFull = withHeaders?.header("x-ratelimit-reset-requests").flatMap(Durations.parse) ?? -1
            #expect(untilFull > 0 && untilFull <= 15, "two tokens at 7.5 s each: \(untilFull)")
            #expect(withHeaders?.header("Retry-After") == nil)
            _ = try await s.control(.post, "rate-limit", .obj(["rule": "off"]))
            for _ in 0..<10 { #expect(try await s.raw(.get, "/organization/users", key: "reader").status == 200) }
            let bad = try await s.control(.post, "rate-limit", .obj(["rule": "fast"]))
            #expect(
                bad["error"]?["message"]
                    == "'fast' is not a rate; expected off, realistic, or N/min[,burst=B][,scope=key|org][,retry-after][,ratelimit-headers]"
            )
        }
    }

    @Test("usage and costs give buckets over generated data, paged with next_page")
    func usage() async throws {
        try await withSandbox { s in
            // Usage exists over the last 90 days; a week that ended yesterday at midnight UTC.
            let today = UnixTime.now() / 86400 * 86400
            let start = String(today - 8 * 86400)
            let end = String(today - 86400)
            let r = try await s.call(
                .usageCompletions,
                key: "usage",
                query: [
                    QueryItem("start_time", start), QueryItem("end_time", end),
                    QueryItem("limit", "3"), QueryItem("group_by[]", "model"),
                ]
            )
            let page = r.json!
            #expect(page["object"] == "page")
            #expect(page["data"]?.arrayValue?.count == 3)
            #expect(page["has_more"] == true)
            #expect(page["next_page"] == .string("page_\(today - 5 * 86400)"))
            #expect(page["data"]?[0]?["results"]?[0]?["object"] == "organization.usage.completions.result")
            let again = try await s.call(
                .usageCompletions,
                key: "usage",
                query: [
                    QueryItem("start_time", start), QueryItem("end_time", end),
                    QueryItem("limit", "3"), QueryItem("group_by[]", "model"),
                ]
            )
            #expect(again.json == page)
            let costs = try await s.call(
                .usageCosts,
                key: "usage",
                query: [QueryItem("start_time", start), QueryItem("bucket_width", "1h")]
            )
            #expect(costs.status == 400)
        }
    }
}
