import AdmAPI

/// mTLS certificates: uploaded inactive, activated and deactivated in batches of at most 10
/// for the organization or a project, deletable only when inactive everywhere; at most 50.
enum CertificateHandlers {
    static func register(_ t: inout [String: Handler]) {
        t.on(.listOrganizationCertificates) { (s, ctx) throws(APIFailure) in
            Pager.page(
                s,
                ctx,
                .certificate,
                defaultDescending: true,
                render: { r in listItem(r, object: "organization.certificate", active: r.hidden["active"]?.boolValue ?? false) }
            )
        }
        t.on(.uploadCertificate) { (s, ctx) throws(APIFailure) in
            let pem = ctx.string("certificate") ?? ""
            guard pem.contains("-----BEGIN CERTIFICATE-----"), pem.contains("-----END CERTIFICATE-----") else {
                throw .invalid("Invalid certificate: expected a PEM-encoded X.509 certificate.", param: "certificate", code: "invalid_certificate")
            }
            if s.table(.certificate).count >= 50 {
                throw .invalid("The organization already has 50 certificates, the maximum.", param: "certificate")
            }
            let r = s.create(.certificate, IDs.certificate(), hidden: .obj(["pem": .string(pem), "active": false, "projects": .array([])])) { id in
                .obj([
                    "object": "certificate", "id": .string(id), "name": ctx.field("name") ?? .null, "created_at": .int(ctx.now),
                    "certificate_details": .obj(["valid_at": .int(ctx.now), "expires_at": .int(ctx.now + 365 * 86400)]),
                ])
            }
            let id = r.id
            s.audit("certificate.created", ctx, details: .obj(["id": .string(id), "name": r.body["name"]!]))
            return r.body
        }
        t.on(.getCertificate) { (s, ctx) throws(APIFailure) in
            let r = try s.record(.certificate, ctx.param("certificate_id"), what: "certificate", param: "certificate_id")
            var body = r.body
            if ctx.query.array("include").contains("content") {
                body["certificate_details"]?["content"] = r.hidden["pem"]
            }
            return body
        }
        t.on(.modifyCertificate) { (s, ctx) throws(APIFailure) in
            let id = ctx.param("certificate_id")
            _ = try s.record(.certificate, id, what: "certificate", param: "certificate_id")
            let r = s.update(.certificate, id) { r in if let n = ctx.string("name") { r.body["name"] = .string(n) } }!
            s.audit("certificate.updated", ctx, details: .obj(["id": .string(id), "name": r.body["name"]!]))
            return r.body
        }
        t.on(.deleteCertificate) { (s, ctx) throws(APIFailure) in
            let id = ctx.param("certificate_id")
            let r = try s.record(.certificate, id, what: "certificate", param: "certificate_id")
            if r.hidden["active"]?.boolValue == true || !(r.hidden["projects"]?.arrayValue?.isEmpty ?? true) {
                throw .invalid("Certificate \(id) is active; deactivate it in the organization and every project first.", param: "certificate_id")
            }
            s.remove(.certificate, id)
            s.audit("certificate.deleted", ctx, details: .obj(["id": .string(id), "name": r.body["name"]!]))
            return .obj(["object": "certificate.deleted", "id": .string(id)])
        }
        for (op, activate) in [(Endpoint.activateOrganizationCertificates, true), (.deactivateOrganizationCertificates, false)] {
            t.on(op) { (s, ctx) throws(APIFailure) in
                let ids = try certificateIDs(s, ctx)
                var data: [JSON] = []
                for id in ids {
                    let r = s.update(.certificate, id) { r in r.hidden["active"] = .bool(activate) }!
                    data.append(listItem(r, object: "organization.certificate", active: activate))
                }
                s.audit(
                    activate ? "certificates.activated" : "certificates.deactivated",
                    ctx,
                    details: .obj(["certificates": .array(data.map { .obj(["id": $0["id"]!, "name": $0["name"]!]) })])
                )
                return .obj([
                    "object": .string(activate ? "organization.certificate.activation" : "organization.certificate.deactivation"),
                    "data": .array(data),
                ])
            }
        }
        t.on(.listProjectCertificates) { (s, ctx) throws(APIFailure) in
            let pid = ctx.param("project_id")
            _ = try s.project(pid)
            return Pager.page(
                s,
                ctx,
                .certificate,
                defaultDescending: true,
                render: { r in listItem(r, object: "organization.project.certificate", active: activeIn(r, pid)) }
            )
        }
        for (op, activate) in [(Endpoint.activateProjectCertificates, true), (.deactivateProjectCertificates, false)] {
            t.on(op) { (s, ctx) throws(APIFailure) in
                let pid = ctx.param("project_id")
                _ = try s.activeProject(pid)
                let ids = try certificateIDs(s, ctx)
                var data: [JSON] = []
                for id in ids {
                    let r = s.update(.certificate, id) { r in
                        var projects = Set(r.hidden["projects"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                        if activate { projects.insert(pid) } else { projects.remove(pid) }
                        r.hidden["projects"] = .array(projects.sorted().map(JSON.string))
                    }!
                    data.append(listItem(r, object: "organization.project.certificate", active: activate))
                }
                return .obj([
                    "object": .string(activate ? "organization.project.certificate.activation" : "organization.project.certificate.deactivation"),
                    "data": .array(data),
                ])
            }
        }
    }

    static func certificateIDs(_ s: OrgState, _ ctx: OpContext) throws(APIFailure) -> [String] {
        let ids = ctx.field("certificate_ids")?.arrayValue?.compactMap(\.stringValue) ?? []
        if ids.isEmpty { throw .invalid("'certificate_ids' must name at least one certificate.", param: "certificate_ids") }
        if ids.count > 10 { throw .invalid("At most 10 certificates can be changed at once; got \(ids.count).", param: "certificate_ids") }
        for id in ids where s.get(.certificate, id) == nil { throw .notFound("certificate", id, param: "certificate_ids") }
        return ids
    }

    static func activeIn(_ r: Record, _ pid: String) -> Bool {
        r.hidden["projects"]?.arrayValue?.contains(.string(pid)) ?? false
    }

    static func listItem(_ r: Record, object: String, active: Bool) -> JSON {
        .obj([
            "object": .string(object), "id": .string(r.id), "name": r.body["name"] ?? .null, "active": .bool(active),
            "created_at": r.body["created_at"]!,
            "certificate_details": .obj([
                "valid_at": r.body["certificate_details"]?["valid_at"] ?? .null,
                "expires_at": r.body["certificate_details"]?["expires_at"] ?? .null,
            ]),
        ])
    }
}
