import AdmAPI
import AdmHTTP
import AdmSandbox
import AdmShell

/// A failure before any statement runs (bad flags, unreadable files, no sandbox): exit 3.
struct LaunchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Builds a session from the command line, the environment (the official SDKs' variables) and
/// the config file; starts the built-in sandbox for `--sandbox`.
enum Launcher {
    static let defaultBaseURL = "https://api.openai.com/v1"

    /// What a launch built: the shell, and the built-in sandbox when `--sandbox` started one.
    struct Launched {
        let shell: Interpreter
        let sandbox: SandboxServer?
        /// What `--twin` started from.
        var twin: TwinFile?
    }

    /// `output` is where the session prints (`adm mcp` keeps it for its tool results, standard
    /// output being the protocol's).
    static func launch(_ options: LaunchOptions, interactive: Bool, output: (any OutputSink)? = nil) async throws(LaunchError) -> Launched {
        var o = options
        try o.check()
        // A twin is a sandbox: `--twin FILE` starts the built-in one from the file.
        let twin = try o.twin.map { path throws(LaunchError) in try TwinFile.load(path) }
        if twin != nil { o.sandbox = true }
        var sandbox: SandboxServer?
        let env = FileMode.environment
        // The built-in sandbox stands alone: its own fixture keys, and nothing of the config
        // file (a profile's keys could be real ones) unless a profile is named with --profile.
        let standsAlone = o.sandbox && o.profile == nil
        var config: ConfigFile?
        if !standsAlone {
            do { config = try ConfigFile.load() } catch { throw LaunchError(error.description) }
        }
        let profileName = o.profile ?? (o.sandbox ? nil : env("ADM_PROFILE"))
        var profile: ConfigFile.Profile?
        if standsAlone {
            profile = nil
        } else if let profileName {
            guard let p = config?.profiles[profileName] else {
                let known = config.map { $0.profiles.keys.sorted().joined(separator: ", ") } ?? ""
                throw LaunchError(
                    "no profile '\(profileName)' in \(ConfigFile.defaultPath)" + (known.isEmpty ? " (no config file)" : " (profiles: \(known))")
                )
            }
            profile = p
        } else {
            profile = config?.profiles["default"]
        }

        var baseURL = o.baseURL ?? env("OPENAI_BASE_URL").flatMap { $0.isEmpty ? nil : $0 } ?? profile?.baseURL ?? defaultBaseURL
        if o.sandbox {
            var options = SandboxOptions()
            options.databasePath = o.db
            options.twin = twin?.snapshot
            for name in o.knownIssue {
                guard let issue = KnownIssue(rawValue: name) else {
                    throw LaunchError("unknown known-issue mode '\(name)' (known: \(KnownIssue.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                options.knownIssues.insert(issue)
            }
            if let f = o.faults {
                do { options.faults = try Faults.parse(f) } catch { throw LaunchError("--faults: \(error)") }
            }
            if let spec = o.rateLimit {
                do { options.rateLimit = try RateLimitRule.parse(spec) } catch { throw LaunchError("--rate-limit: \(error)") }
            }
            do { sandbox = try await SandboxServer.start(options) } catch { throw LaunchError("could not start the sandbox: \(error)") }
            baseURL = sandbox!.baseURL
        } else if o.db != nil || o.faults != nil || !o.knownIssue.isEmpty || o.rateLimit != nil {
            throw LaunchError(
                "--db, --faults, --known-issue and --rate-limit configure the built-in sandbox: add --sandbox (or pass them to `adm sandbox`)"
            )
        }
        do { try HTTPTransport.validate(baseURL: baseURL) } catch { throw LaunchError(error.description) }

        var transportConfig = HTTPTransport.Configuration()
        transportConfig.caCertificateFile = o.cacert
        transportConfig.connectionsPerHost = max(transportConfig.connectionsPerHost, o.concurrency)
        transportConfig.userAgent = "adm/\(AdmVersion.string)"
        var transport: any Transport
        if let replay = o.replay {
            do {
                let replaying = try ReplayTransport(path: replay)
                if !replaying.knowsKeys {
                    Console.standard().warn(
                        "adm: warning: \(replay) was recorded before adm noted which key made each request: it answers whatever key asks"
                    )
                }
                transport = replaying
            } catch {
                throw LaunchError("--replay: \(error)")
            }
        } else {
            do { transport = try HTTPTransport(configuration: transportConfig) } catch { throw LaunchError(error.description) }
        }
        if let record = o.record {
            do { transport = try RecordingTransport(inner: transport, path: record) } catch {
                // Release what was started (a client dropped unreleased traps).
                await transport.shutdown()
                await sandbox?.stop()
                throw LaunchError("--record: \(error)")
            }
        }

        // From here a failure must release what was started: the transport's threads (whose
        // client traps in debug builds when dropped unreleased) and the sandbox.
        do {
            let shell = try configure(
                o,
                interactive: interactive,
                output: output,
                transport: transport,
                connections: transportConfig.connectionsPerHost,
                baseURL: baseURL,
                sandbox: sandbox,
                profile: profile,
                config: config
            )
            if let twin, let sandbox { try await adopt(twin, sandbox: sandbox, shell: shell) }
            return Launched(shell: shell, sandbox: sandbox, twin: twin)
        } catch {
            await transport.shutdown()
            await sandbox?.stop()
            throw error
        }
    }

    /// The options a later run needs to meet the same API with the same keys (never a key).
    static func launchArguments(_ o: LaunchOptions, sandbox: Bool, baseURL: String, profile: String?) -> [String] {
        var out: [String] = []
        if let twin = o.twin {
            out += ["--twin", twin]
            if let spec = o.rateLimit { out += ["--rate-limit", spec] }
        } else if sandbox {
            out.append("--sandbox")
            if let spec = o.rateLimit { out += ["--rate-limit", spec] }
        } else if o.baseURL != nil || (FileMode.environment("OPENAI_BASE_URL") ?? "").isEmpty == false, baseURL != defaultBaseURL {
            out += ["--base-url", baseURL]
        }
        if let profile, o.profile != nil || FileMode.environment("ADM_PROFILE") != nil { out += ["--profile", profile] }
        if let file = o.keysFile { out += ["--keys-file", file] }
        return out
    }

    /// The shell: its configuration, its keys (sandbox, profile, keys file, environment), the
    /// active key and project.
    private static func configure(
        _ o: LaunchOptions,
        interactive: Bool,
        output: (any OutputSink)?,
        transport: any Transport,
        connections: Int,
        baseURL: String,
        sandbox: SandboxServer?,
        profile: ConfigFile.Profile?,
        config: ConfigFile?
    ) throws(LaunchError) -> Interpreter {
        let env = FileMode.environment
        var configuration = ShellConfiguration(baseURL: baseURL, transport: transport)
        configuration.retry = RetryPolicy(maxRetries: o.retries)
        if let text = o.maxWait {
            configuration.maxRateLimitWait = .seconds(clamped: try LaunchOptions.maxWait(text, from: "--max-wait"))
        } else if let text = profile?.maxWait, let config {
            configuration.maxRateLimitWait = .seconds(clamped: try LaunchOptions.maxWait(text, from: "\(config.path): max_wait"))
        }
        // What endpoints granted is kept between processes; not for the built-in sandbox,
        // whose port and keys are new each time.
        configuration.rateLimits = RateLimitScheduler(memory: sandbox == nil ? .standard : nil)
        configuration.timeout = .seconds(clamped: o.timeout)
        configuration.organization = env("OPENAI_ORG_ID").flatMap { $0.isEmpty ? nil : $0 } ?? profile?.organization
        configuration.builtInSandbox = sandbox != nil
        configuration.twins = SandboxTwins()
        configuration.caCertificateFile = o.cacert
        configuration.lineEditor = LineEditor.version
        configuration.concurrency = o.concurrency
        configuration.maxConcurrency = connections
        configuration.interactive = interactive
        configuration.showNewSecrets = interactive && StandardOutput.isTerminal(1)
        configuration.allowLiteralKeys = o.allowLiteralKey
        configuration.version = AdmVersion.string
        configuration.verbose = o.verbose
        var style = Style.detect()
        if o.noColor { style.enabled = false }
        configuration.pager = !o.noPager
        if output != nil { style.enabled = false }
        configuration.style = style
        configuration.outputIsTerminal = output == nil && StandardOutput.isTerminal(1)
        configuration.errorIsTerminal = output == nil && StandardOutput.isTerminal(2)
        configuration.width = TerminalSize.columns()
        var envKey: Secret?
        if sandbox == nil, let raw = env("OPENAI_ADMIN_KEY"), !raw.trimmingCharacters(in: " \t\r\n").isEmpty {
            do { envKey = try Secret.reading(raw, from: "$OPENAI_ADMIN_KEY") } catch { throw LaunchError(error.description) }
        }
        configuration.environmentKey = envKey

        let shell = Interpreter(configuration: configuration, output: output ?? StandardOutput())
        if let profile, let config { try applyCache(profile, config: config, to: shell.client.readings, organization: configuration.organization) }
        let session = shell.session
        if let sandbox {
            for key in sandbox.fixtureKeys { session.addKey(SessionKey(name: key.name, secret: key.secret, source: .sandbox)) }
            session.activeKey = "owner"
            session.activeProject = sandbox.defaultProjectID
        }
        if let profile, let config {
            do { for k in try config.keys(of: profile) { session.addKey(k) } } catch { throw LaunchError(error.description) }
            if let p = profile.project { session.activeProject = p }
            if let k = profile.activeKey { session.activeKey = k }
        }
        if let path = o.keysFile {
            do { try KeyCommand.loadFile(shell, path: path) } catch { throw LaunchError(error.description) }
        }
        if sandbox == nil, let envKey, session.keyName(matching: envKey) == nil {
            session.addKey(SessionKey(name: "default", secret: envKey, source: .environment("OPENAI_ADMIN_KEY")))
            if profile?.activeKey == nil { session.activeKey = "default" }
        }
        if session.activeKey == nil { session.activeKey = session.keyOrder.first }
        if let p = env("OPENAI_PROJECT_ID"), !p.isEmpty, sandbox == nil { session.activeProject = p }
        if let k = o.key {
            guard session.keys[k] != nil else {
                throw LaunchError("--key \(k): no such key (keys: \(session.keyOrder.isEmpty ? "none" : session.keyOrder.joined(separator: ", ")))")
            }
            session.activeKey = k
        }
        if let p = o.project { session.activeProject = p }
        shell.configuration.launchArguments = launchArguments(o, sandbox: sandbox != nil, baseURL: baseURL, profile: profile?.name)
        return shell
    }
}

extension Launcher {
    /// A reproduction's key stands in the twin with the permissions it showed, active, in its
    /// project; the twin's notes are said.
    static func adopt(_ twin: TwinFile, sandbox: SandboxServer, shell: Interpreter) async throws(LaunchError) {
        for note in sandbox.twinNotes { shell.warn(shell.configuration.style.yellow("twin: ") + TerminalText.inline(note)) }
        if let key = twin.key {
            let secret: Secret
            do { secret = try await sandbox.standIn(name: key.name, profile: key.profile) } catch { throw LaunchError("--twin: \(error)") }
            shell.session.addKey(SessionKey(name: key.name, secret: secret, source: .sandbox))
            shell.session.activeKey = key.name
        }
        if let project = twin.project { shell.session.activeProject = project }
    }

    /// The profile's `cache` and `cache_file` settings, applied to the session's readings.
    static func applyCache(_ profile: ConfigFile.Profile, config: ConfigFile, to readings: Readings, organization: String?) throws(LaunchError) {
        if let text = profile.cache {
            switch ReadingsSetting.parse(text, what: "\(config.path): cache") {
            case .success(let setting): setting.apply(to: readings)
            case .failure(let error): throw LaunchError(error.description)
            }
        }
        if let text = profile.cacheFile {
            switch text.lowercased() {
            case "on", "yes", "true": readings.shared = ReadingsFile(organization: organization)
            case "off", "no", "false": readings.shared = nil
            default: throw LaunchError("\(config.path): cache_file: '\(TerminalText.inline(String(text.prefix(40))))' is not on or off")
            }
        }
    }
}
