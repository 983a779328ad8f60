import AdmAPI
import AdmSandbox
import AdmShell
import ArgumentParser

/// `adm sandbox`: the Admin API emulator as a server on loopback.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Serve the Admin API emulator on 127.0.0.1 (its fixture keys go to a 0600 keys file).",
        discussion: """
            Also takes adm's --db PATH (keep the organization), --keys-file PATH (where the keys go), --faults SPEC, \
            --known-issue NAME and --rate-limit SPEC (default realistic: 8/min, burst 7, per key and endpoint, a bare 429 as \
            the live API gives; off for none).
            """
    )

    /// `--db`, `--keys-file`, `--faults`, `--known-issue` and `--rate-limit` are the shared
    /// options of `adm` (ArgumentParser gives an option to the first command that declares it).
    @ParentCommand var root: Adm

    @Option(help: "Port (0 picks a free one).") var port: Int = 8080
    @Option(help: "Address to listen on (loopback only).") var host: String = "127.0.0.1"

    func run() async throws {
        let db = root.options.db
        let keysFile = root.options.keysFile
        let knownIssue = root.options.knownIssue
        let faults = root.options.faults
        guard host == "127.0.0.1" || host == "::1" || host == "localhost" else {
            Console.standard().warn("adm sandbox: error: the sandbox listens on loopback only (127.0.0.1, ::1)")
            throw ExitCode(3)
        }
        var options = SandboxOptions()
        options.stopsOnSignals = true
        options.host = host
        options.port = port
        options.databasePath = db
        if let spec = root.options.rateLimit {
            do { options.rateLimit = try RateLimitRule.parse(spec) } catch {
                Console.standard().warn("adm sandbox: error: --rate-limit: \(error)")
                throw ExitCode(3)
            }
        }
        for name in knownIssue {
            guard let issue = KnownIssue(rawValue: name) else {
                Console.standard().warn(
                    "adm sandbox: error: unknown known-issue mode '\(name)' (known: \(KnownIssue.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
                throw ExitCode(3)
            }
            options.knownIssues.insert(issue)
        }
        if let faults {
            do { options.faults = try Faults.parse(faults) } catch {
                Console.standard().warn("adm sandbox: error: --faults: \(error)")
                throw ExitCode(3)
            }
        }
        let server: SandboxServer
        do { server = try await SandboxServer.start(options) } catch {
            Console.standard().warn("adm sandbox: error: \(error)")
            throw ExitCode(3)
        }
        let keysPath = keysFile ?? SandboxServer.defaultKeysFile
        do { try server.writeKeysFile(keysPath) } catch {
            Console.standard().warn("adm sandbox: error: \(error)")
            await server.stop()
            throw ExitCode(3)
        }
        let out = Console.standard()
        out.say("adm sandbox listening on \(server.baseURL) (organization \(server.organizationID))")
        out.say("fixture keys: \(server.fixtureKeys.map(\.name).joined(separator: ", ")) → \(keysPath) (mode 0600)")
        if let db { out.say("organization kept in \(db)") }
        out.say("rate limit: \(RateLimitRule.describe(options.rateLimit)) (change it with --rate-limit, or sandbox rate-limit SPEC)")
        out.say("connect: adm --base-url \(server.baseURL) --keys-file \(keysPath)")
        // SIGINT or SIGTERM stops it gracefully (ServiceLifecycle).
        await server.wait()
        out.say("stopped")
    }
}
