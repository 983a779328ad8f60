import AdmAPI
import Testing

@Suite("Secrets and redaction")
struct SecretTests {
    let admin = "sk-admin-" + String(repeating: "A", count: 58) + "T3BlbkFJ" + String(repeating: "b", count: 54) + "wxyz"

    @Test("a secret prints only its redacted form, everywhere")
    func redacted() {
        let s = Secret(admin)
        #expect(s.description == "sk-admin-…wxyz")
        #expect("\(s)" == "sk-admin-…wxyz")
        #expect(String(reflecting: s) == "Secret(sk-admin-…wxyz)")
        var dumped = ""
        dump(s, to: &dumped)
        #expect(!dumped.contains("AAAA"))
        #expect(Redaction.redact("sk-proj-abcdefghijklmnop") == "sk-proj-…mnop")
        #expect(Redaction.redact("sk-svcacct-abcdefghijklmnop") == "sk-svcacct-…mnop")
        #expect(Redaction.redact("short") == "…")
        #expect(s.kind == .admin)
        #expect(Secret("sk-svcacct-xyz").kind == .serviceAccount)
    }

    @Test("finds key-shaped text but not redacted forms or variable references")
    func keyShaped() {
        #expect(Redaction.keyShaped(in: "key " + admin).count == 1)
        #expect(Redaction.keyShaped(in: "Authorization: Bearer abcdefgh12345678").first?.kind == "a bearer token")
        #expect(Redaction.keyShaped(in: "sk-admin-…wxyz and sk-admin...xyz").isEmpty)
        #expect(Redaction.keyShaped(in: "-H \"Authorization: Bearer $OPENAI_ADMIN_KEY\"").isEmpty)
        #expect(Redaction.keyShaped(in: "task-list-of-things-that-is-long").isEmpty)
    }

    @Test("spots any 12-character slice of a secret, and scrubs whole values")
    func leaks() {
        let s = Secret(admin)
        #expect(Redaction.leaks("…" + String(admin.dropFirst(30).prefix(12)) + "…", secrets: [s]))
        #expect(!Redaction.leaks("sk-admin-…wxyz", secrets: [s]))
        #expect(Redaction.scrub("a \(admin) b", secrets: [s]) == "a sk-admin-…wxyz b")
    }
}

@Suite("Permission profiles")
struct PermissionTests {
    @Test("profiles give the scopes the admin-key form would")
    func scopes() throws {
        #expect(PermissionProfile.all.scopes.contains("api.management.write"))
        #expect(
            PermissionProfile.readOnly.scopes == ["api.management.read", "api.usage.read", "api.audit_logs.read", "api.fine_tuning.checkpoints.read"]
        )
        #expect(try PermissionProfile.parse("restricted:management=write").scopes == ["api.management.read", "api.management.write"])
        #expect(try PermissionProfile.parse("usage=read").scopes == ["api.usage.read"])
        #expect(try PermissionProfile.parse("restricted").scopes.isEmpty)
    }

    @Test("profiles read back as written")
    func roundTrip() throws {
        for text in ["all", "read-only", "restricted:management=read", "restricted:management=write,usage=read,audit=read,fine-tuning=write"] {
            #expect(try PermissionProfile.parse(text).description == text)
        }
        #expect(try PermissionProfile.parse("restricted:management=read").displayName == "Restricted (Organization Administration: Read)")
    }

    @Test("levels a category does not offer are refused")
    func invalid() {
        #expect(throws: PermissionProfile.ParseError.self) { try PermissionProfile.parse("usage=write") }
        #expect(throws: PermissionProfile.ParseError.self) { try PermissionProfile.parse("billing=read") }
    }

    @Test("key fingerprints: SipHash-2-4 as its reference vector; the same salt tells keys apart, another salt gives another print")
    func fingerprints() throws {
        // The reference: key 00…0f, message 00…0e.
        #expect(KeyFingerprint.sipHash24(Array(0..<15), k0: 0x0706_0504_0302_0100, k1: 0x0f0e_0d0c_0b0a_0908) == 0xa129_ca61_49be_45e5)
        let a = Secret("sk-admin-" + String(repeating: "a", count: 40))
        let b = Secret("sk-admin-" + String(repeating: "b", count: 40))
        let print = KeyFingerprint()
        let again = try #require(KeyFingerprint(salt: print.salt))
        #expect(print.of(a) == again.of(a))
        #expect(print.of(a) != print.of(b))
        #expect(KeyFingerprint().of(a) != print.of(a))
        #expect(!print.of(a).contains("aaaa") && print.of(a).count == 16)
        #expect(KeyFingerprint(salt: "not hex") == nil)
    }
}
