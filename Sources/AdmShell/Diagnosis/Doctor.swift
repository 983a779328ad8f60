import AdmAPI

/// `doctor` (and `adm doctor`): what adm will use and whether it works, one line each — the
/// key (by name and source, never its value) and whether the API takes it, what it can read,
/// the base URL and the certificates trusted, the clock against the server's, the folders adm
/// keeps state and configuration in, the terminal and the line editor. Every problem is named
/// with what to do; the statement fails (exit 1) when there is one.
enum Doctor {
    static let spec = CommandSpec(
        name: "doctor",
        group: .diagnosis,
        summary: "check what adm uses: the key and whether the API takes it, its access, TLS, the clock, folders, the terminal",
        example: "doctor",
        endpoints: [.adminApiKeysList, .listProjects, .usageCosts, .listAuditLogs],
        flags: Flags.output + Flags.key,
        setsLastValue: true,
        recordsInTranscript: false,
        run: { shell, inv throws(ShellError) in try await run(shell, inv) }
    )

    /// One line of the checkup.
    struct Check {
        enum Verdict: String { case ok, warning, problem }
        let topic: String
        let verdict: Verdict
        let detail: String
        var json: JSON { .obj(["check": .string(topic), "verdict": .string(verdict.rawValue), "detail": .string(detail)]) }
    }

    static func run(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        var checks: [Check] = []
        let c = shell.configuration
        checks.append(Check(topic: "base URL", verdict: .ok, detail: c.builtInSandbox ? "\(c.baseURL) (the built-in sandbox)" : c.baseURL))
        if c.baseURL.hasPrefix("https://") {
            checks.append(
                Check(
                    topic: "TLS",
                    verdict: .ok,
                    detail: c.caCertificateFile.map { "trusting the certificates in \($0) (--cacert)" } ?? "trusting the system's certificates"
                )
            )
        }
        checks += await keyChecks(shell, inv)
        checks += folderChecks()
        checks.append(terminalCheck(c))
        if let editor = c.lineEditor { checks.append(Check(topic: "line editor", verdict: .ok, detail: editor)) }

        let value = JSON.obj(["object": "doctor", "checks": .array(checks.map(\.json))])
        if inv.showsTables {
            let style = shell.style
            let width = checks.map { DisplayWidth.of($0.topic) }.max() ?? 0
            for check in checks {
                let mark: String
                switch check.verdict {
                case .ok: mark = style.green("ok     ")
                case .warning: mark = style.yellow("warning")
                case .problem: mark = style.red("problem")
                }
                shell.say("\(mark)  \(DisplayWidth.pad(check.topic, to: width))  \(TerminalText.inline(check.detail))")
            }
        }
        var outcome = Outcome(value: value, printed: inv.showsTables)
        let problems = checks.filter { $0.verdict == .problem }
        if !problems.isEmpty {
            outcome.failure = .differs(
                "doctor: \(problems.count) problem\(problems.count == 1 ? "" : "s"): " + problems.map(\.topic).joined(separator: ", ")
            )
        } else if inv.showsTables {
            shell.say(shell.style.dim("all is well"))
        }
        return outcome
    }

    /// The key, whether the API takes it, what it can read, and the server's clock.
    static func keyChecks(_ shell: CommandContext, _ inv: Invocation) async -> [Check] {
        let key: SessionKey
        do { key = try shell.calls.key(for: inv) } catch {
            return [Check(topic: "key", verdict: .problem, detail: error.description)]
        }
        var checks = [Check(topic: "key", verdict: .ok, detail: "\(key.name) \(key.secret.redacted) from \(key.source.description)")]
        if key.secret.kind != .admin {
            checks.append(
                Check(
                    topic: "key kind",
                    verdict: .problem,
                    detail: "a \(key.secret.kind.displayName): admin endpoints take only admin keys (sk-admin-…)"
                )
            )
        }
        let first: CallResult
        do {
            first = try await shell.calls.send(
                Call(.adminApiKeysList, pathParameters: [:], query: [QueryItem("limit", "1")]),
                key: key,
                statement: "doctor"
            )
        } catch {
            checks.append(Check(topic: "API", verdict: .problem, detail: reach(error)))
            return checks
        }
        if first.status == 401, first.error?.missingScopes.isEmpty ?? true {
            checks.append(
                Check(
                    topic: "API",
                    verdict: .problem,
                    detail: "\(first.status): the API does not take this key (revoked, mistyped, or of another organization)"
                )
            )
            return checks
        }
        checks.append(Check(topic: "API", verdict: .ok, detail: "answers (\(first.status) in \(Formatting.duration(first.elapsed.seconds)))"))
        if let skew = clockSkew(first) {
            let seconds = abs(skew)
            checks.append(
                seconds > 300
                    ? Check(
                        topic: "clock",
                        verdict: .warning,
                        detail:
                            "this machine's clock is \(Formatting.duration(Double(seconds))) \(skew > 0 ? "ahead of" : "behind") the server's: dates like --since 1d will be off"
                    )
                    : Check(topic: "clock", verdict: .ok, detail: "within \(Formatting.duration(Double(max(seconds, 1)))) of the server's")
            )
        }
        // What the key can read: one cheap read per permission adm's work needs most.
        var readable: [String] = []
        var refused: [String] = []
        let reads: [(String, Call)] = [
            ("admin keys", Call(.adminApiKeysList, pathParameters: [:], query: [QueryItem("limit", "1")])),
            ("projects", Call(.listProjects, pathParameters: [:], query: [QueryItem("limit", "1")])),
            (
                "costs",
                Call(.usageCosts, pathParameters: [:], query: [QueryItem("start_time", String(UnixTime.now() - 86_400)), QueryItem("limit", "1")])
            ),
            ("audit log", Call(.listAuditLogs, pathParameters: [:], query: [QueryItem("limit", "1")])),
        ]
        for (name, call) in reads {
            let result: CallResult
            if name == "admin keys" {
                result = first
            } else {
                do { result = try await shell.calls.send(call, key: key, statement: "doctor") } catch { continue }
            }
            if result.isSuccess {
                readable.append(name)
            } else {
                refused.append(name + (result.error?.missingScopes.first.map { " (missing \($0))" } ?? " (\(result.status))"))
            }
        }
        checks.append(
            Check(
                topic: "access",
                verdict: refused.isEmpty ? .ok : .warning,
                detail: (readable.isEmpty ? "reads nothing" : "reads " + readable.joined(separator: ", "))
                    + (refused.isEmpty ? "" : "; refused: " + refused.joined(separator: ", ") + " (scopes --writes shows everything)")
            )
        )
        return checks
    }

    /// Why the API could not be reached, in plain words.
    static func reach(_ error: ShellError) -> String {
        let text = error.description
        let lower = text.lowercased()
        if lower.contains("refused") { return "nothing answers at this address (connection refused): is the base URL right, the server up?" }
        if lower.contains("timed out") || lower.contains("timeout") {
            return "no answer in time (\(text)): a firewall or proxy in the way, or --timeout too short"
        }
        if lower.contains("certificate") || lower.contains("tls") || lower.contains("ssl") || lower.contains("handshake") {
            return "the server's certificate is not trusted (\(text)): behind a proxy that inspects TLS, give its CA with --cacert FILE"
        }
        if lower.contains("resolve") || lower.contains("dns") || lower.contains("host") { return "the host name does not resolve (\(text))" }
        return text
    }

    /// The server's clock minus this machine's, from the answer's `Date`.
    static func clockSkew(_ result: CallResult) -> Int? {
        guard let date = result.response.headers.first(where: { $0.name.lowercased() == "date" })?.value, let server = HTTPDate.parse(date) else {
            return nil
        }
        return UnixTime.now() - server
    }

    /// A folder's mode: private, or a warning saying how to make it so.
    static func privacy(of path: String, topic: String, mode: Int) -> Check {
        mode & 0o077 != 0
            ? Check(topic: topic, verdict: .warning, detail: "\(path) is open to others (mode \(String(mode, radix: 8))): chmod 700 \(path)")
            : Check(topic: topic, verdict: .ok, detail: "\(path) (mode \(String(mode, radix: 8)))")
    }

    /// The nearest folder above `path` that exists (`/` at worst).
    static func nearestExisting(_ path: String) -> String {
        var current = path
        while FileMode.mode(current) == nil, let slash = current.lastIndex(of: "/") {
            current = slash == current.startIndex ? "/" : String(current[..<slash])
        }
        return current
    }

    /// The state folder (adm writes there: it can be made or written, and is private) and the
    /// config folder (adm only reads it: a folder, private).
    static func folderChecks() -> [Check] {
        let state = AdmPaths.stateDirectory
        let lost = "history, journals and learned rate limits will not be kept"
        var checks: [Check] = []
        if let mode = FileMode.mode(state) {
            if !FileMode.isDirectory(state) {
                checks.append(Check(topic: "state folder", verdict: .problem, detail: "\(state) is not a folder: \(lost)"))
            } else if !FileMode.isWritable(state) {
                checks.append(Check(topic: "state folder", verdict: .problem, detail: "\(state) cannot be written: \(lost)"))
            } else {
                checks.append(privacy(of: state, topic: "state folder", mode: mode))
            }
        } else {
            // Not there yet: whether it can be made is whether its nearest existing folder takes a
            // new entry (a read-only home cannot).
            let ancestor = nearestExisting(state)
            if !FileMode.isDirectory(ancestor) {
                checks.append(
                    Check(topic: "state folder", verdict: .problem, detail: "\(state) cannot be made (\(ancestor) is not a folder): \(lost)")
                )
            } else if !FileMode.isWritable(ancestor) {
                checks.append(
                    Check(topic: "state folder", verdict: .problem, detail: "\(state) cannot be made (\(ancestor) cannot be written): \(lost)")
                )
            } else {
                checks.append(
                    Check(topic: "state folder", verdict: .ok, detail: "\(state) (not made yet; adm makes it 0700 when it first writes there)")
                )
            }
        }
        let configFolder = AdmPaths.configDirectory
        if let mode = FileMode.mode(configFolder) {
            checks.append(
                FileMode.isDirectory(configFolder)
                    ? privacy(of: configFolder, topic: "config folder", mode: mode)
                    : Check(topic: "config folder", verdict: .problem, detail: "\(configFolder) is not a folder: profiles cannot be read")
            )
        } else {
            checks.append(Check(topic: "config folder", verdict: .ok, detail: "\(configFolder) (none: profiles are read from its file config)"))
        }
        let config = ConfigFile.defaultPath
        if let mode = FileMode.mode(config) {
            checks.append(
                mode & 0o077 != 0
                    ? Check(
                        topic: "config file",
                        verdict: .warning,
                        detail: "\(config) is readable by others (mode \(String(mode, radix: 8))): chmod 600 \(config)"
                    )
                    : Check(topic: "config file", verdict: .ok, detail: "\(config) (mode \(String(mode, radix: 8)))")
            )
        }
        return checks
    }

    static func terminalCheck(_ c: ShellConfiguration) -> Check {
        guard c.outputIsTerminal else {
            return Check(topic: "terminal", verdict: .ok, detail: "output is not a terminal: plain text, no colour, no pager")
        }
        let utf8 = ["LC_ALL", "LC_CTYPE", "LANG"].compactMap { FileMode.environment($0) }.first { !$0.isEmpty }.map {
            $0.uppercased().contains("UTF-8") || $0.uppercased().contains("UTF8")
        }
        return Check(
            topic: "terminal",
            verdict: utf8 == false ? .warning : .ok,
            detail: "\(c.width) columns, colour \(c.style.enabled ? "on" : "off (NO_COLOR or --no-color)")"
                + (utf8 == false ? "; the locale is not UTF-8: names outside ASCII show as escapes" : ", UTF-8")
        )
    }
}

/// The `Date` header's form (RFC 9110 IMF-fixdate: `Sun, 06 Dec 2026 02:35:00 GMT`).
enum HTTPDate {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func parse(_ text: String) -> Int? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, let day = Int(parts[1]), let month = months.firstIndex(of: String(parts[2])), let year = Int(parts[3]),
            (1...31).contains(day), (1970...9999).contains(year)
        else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2]) else { return nil }
        return UnixTime.civilToUnix(year: year, month: month + 1, day: day) + clock[0] * 3600 + clock[1] * 60 + clock[2]
    }
}
