import AdmAPI
import AdmSandbox
import AdmTestSupport
import Testing

/// Paging against a model: every page the sandbox serves must equal the same slice of the full
/// listing worked out naively (filter, direction, cursors by position), for cursors that are
/// kept and filtered out, in both directions, at several limits.
@Suite("Sandbox paging agrees with a naive model")
struct PagingModelTests {
    @Test("projects with archived ones hidden or shown, after and before cursors, both orders, many limits")
    func pagesMatchModel() async throws {
        try await withSandbox { s in
            _ = try await s.control(.post, "seed", .obj(["kind": "projects", "count": 29]))
            let everything = try await s.call(
                .listProjects,
                key: "owner",
                query: [QueryItem("limit", "100"), QueryItem("include_archived", "true")]
            )
            let all = everything.json!["data"]!.arrayValue!.map { $0["id"]!.stringValue! }
            #expect(all.count == 30)
            var archived: Set<String> = []
            for (i, id) in all.enumerated() where i % 3 == 1 || i == all.count - 1 {
                let r = try await s.call(.archiveProject, key: "owner", path: ["project_id": id])
                #expect(r.status == 200)
                archived.insert(id)
            }
            var checked = 0
            for includeArchived in [false, true] {
                for descending in [false, true] {
                    let ordered = descending ? Array(all.reversed()) : all
                    let visible = ordered.filter { includeArchived || !archived.contains($0) }
                    for limit in [1, 4, 7, 100] {
                        for cursor in [nil, all[0], all[1], all[13], all[28], all[29]] as [String?] {
                            for useBefore in cursor == nil ? [false] : [false, true] {
                                // The model: positions in the unfiltered order, then the filter.
                                var window = visible
                                if let cursor, let at = ordered.firstIndex(of: cursor) {
                                    let kept = Set(useBefore ? ordered[..<at] : ordered[(at + 1)...])
                                    window = visible.filter { kept.contains($0) }
                                }
                                let expected = useBefore ? Array(window.suffix(limit)) : Array(window.prefix(limit))
                                let expectedMore = window.count > limit
                                var query = "limit=\(limit)&include_archived=\(includeArchived)&order=\(descending ? "desc" : "asc")"
                                if let cursor { query += "&\(useBefore ? "before" : "after")=\(cursor)" }
                                let r = try await s.raw(.get, "/organization/projects?" + query, key: "owner")
                                let page = try JSON.parse(bytes: r.body)
                                let got = page["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
                                #expect(got == expected, "\(query)")
                                #expect(page["has_more"]?.boolValue == expectedMore, "\(query)")
                                checked += 1
                            }
                        }
                    }
                }
            }
            #expect(checked == 176)
        }
    }
}
