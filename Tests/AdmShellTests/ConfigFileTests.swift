import AdmAPI
import AdmShell
import AdmTestSupport
import Foundation
import Testing

@Suite("The config file")
struct ConfigFileTests {
    /// Writes `text` to a new config file with `mode`.
    func config(_ text: String, mode: Int = 0o600) throws -> String {
        let path = temporaryDirectory() + "/config"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, mode_t(mode))
        return path
    }

    @Test("profiles hold the base URL, organization, project, active key, max wait and named keys")
    func profiles() throws {
        let variable = "ADM_TEST_KEY_" + String(UInt32.random(in: 0...UInt32.max))
        setenv(variable, "sk-admin-fromenv0000000000000000000000", 1)
        let keyFile = temporaryDirectory() + "/ci.key"
        try "sk-admin-fromfile000000000000000000000\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
        chmod(keyFile, 0o600)
        let path = try config(
            """
            # comments and blank lines are fine

            [default]
            base_url = https://api.openai.com/v1
            key = prod
            keys.prod = env:\(variable)

            [profile staging]
            base_url = http://127.0.0.1:8080/v1   # the sandbox
            organization = org-stage
            project = proj_stage
            max_wait = 5m
            keys.ci = file:\(keyFile)
            keys.lit = sk-admin-literal0000000000000000000000
            """
        )
        let file = try #require(try ConfigFile.load(path))
        #expect(file.isPrivate)
        let staging = try #require(file.profiles["staging"])
        #expect(staging.baseURL == "http://127.0.0.1:8080/v1")
        #expect(staging.organization == "org-stage")
        #expect(staging.project == "proj_stage")
        #expect(staging.maxWait == "5m")
        let keys = try file.keys(of: staging)
        #expect(keys.map(\.name) == ["ci", "lit"])
        #expect(keys[0].secret.unredacted == "sk-admin-fromfile000000000000000000000")
        #expect(keys[0].source == .file(keyFile))
        #expect(keys[1].source == .config("staging"))
        let main = try #require(file.profiles["default"])
        #expect(main.activeKey == "prod")
        #expect(try file.keys(of: main).first?.source == .environment(variable))
    }

    @Test("a literal key is refused unless the file is 0600; a key file others can read is refused")
    func privacy() throws {
        let open = try config("[default]\nkeys.lit = sk-admin-literal0000000000000000000000\n", mode: 0o644)
        let file = try #require(try ConfigFile.load(open))
        #expect(!file.isPrivate)
        #expect(throws: ShellError.self) { try file.keys(of: file.profiles["default"]!) }
        do {
            _ = try file.keys(of: file.profiles["default"]!)
        } catch {
            #expect(
                error.description
                    == "\(open):2: key lit is a literal value but \(open) is readable by others; chmod 600 it, or use env:VAR or file:PATH"
            )
        }
        let keyFile = temporaryDirectory() + "/open.key"
        try "sk-admin-x\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
        chmod(keyFile, 0o644)
        let withFile = try #require(try ConfigFile.load(try config("[default]\nkeys.ci = file:\(keyFile)\n")))
        do {
            _ = try withFile.keys(of: withFile.profiles["default"]!)
            Issue.record("a 0644 key file was accepted")
        } catch {
            #expect(error.description == "\(keyFile) is readable by others (mode 644); chmod 600 \(keyFile) first")
        }
    }

    @Test("mistakes name the file and line; an unset variable names the key; a binary file is refused without its content")
    func mistakes() throws {
        for (text, message) in [
            ("[default\n", ":1: expected [profile]"),
            ("key = x\n", ":1: a setting outside a [profile] section"),
            ("[default]\nnonsense\n", ":2: expected KEY = VALUE"),
            (
                "[default]\ncolour = red\n",
                ":2: unknown setting 'colour' (base_url, organization, project, key, max_wait, cache, cache_file, keys.NAME)"
            ),
        ] {
            let path = try config(text)
            do {
                _ = try ConfigFile.load(path)
                Issue.record("loaded: \(text)")
            } catch {
                #expect(error.description == path + message)
            }
        }
        let unset = try config("[default]\nkeys.prod = env:ADM_TEST_SURELY_UNSET\n")
        let file = try #require(try ConfigFile.load(unset))
        do {
            _ = try file.keys(of: file.profiles["default"]!)
            Issue.record("an unset variable resolved")
        } catch {
            #expect(error.description == "\(unset):2: key prod reads $ADM_TEST_SURELY_UNSET, which is not set")
        }
        let binary = temporaryDirectory() + "/config"
        try Data([0x5B, 0x64, 0x5D, 0x0A, 0x1B, 0x5B, 0x32, 0x4A, 0x00, 0xFF]).write(to: URL(fileURLWithPath: binary))
        do {
            _ = try ConfigFile.load(binary)
            Issue.record("a binary config loaded")
        } catch {
            #expect(error.description == "\(binary): not a text config file (binary data at byte 8, line 2)")
        }
        #expect(try ConfigFile.load(temporaryDirectory() + "/none") == nil)
    }
}
