import AdmAPI

/// `key add|list|remove|export|load`: session keys by name. A value typed on the command line
/// is refused unless adm was started with `--allow-literal-key` (it would land in shell history
/// and `ps`); keys are recorded in the transcript only as their source.
public enum KeyCommand {
    static let spec = CommandSpec(
        name: "key",
        group: .session,
        summary: "name a key (its value never echoes), list, remove, export or load keys",
        example: "key add prod --env OPENAI_ADMIN_KEY",
        flags: [
            FlagSpec("--env", value: true, "read the value from this environment variable").named("VAR"),
            FlagSpec("--file", .file, "read the value from this file (must be 0600)"),
        ],
        subcommands: [
            SubcommandSpec("add", [ArgumentSpec("NAME"), ArgumentSpec("VALUE", optional: true)]) { shell, inv throws(ShellError) in
                try add(shell, inv)
                return .none
            },
            SubcommandSpec("list", aliases: ["ls"]) { shell, _ throws(ShellError) in
                list(shell)
                return .none
            },
            SubcommandSpec("remove", aliases: ["rm"], [ArgumentSpec("NAME", completion: .keyNames)]) { shell, inv throws(ShellError) in
                let name = try shell.text(of: inv.argument(0))
                guard shell.session.keys[name] != nil else { throw shell.session.unknownKey(name, at: inv.location) }
                shell.session.removeKey(name)
                shell.session.remember(statement: "key remove \(name)")
                return .none
            },
            SubcommandSpec("export", [ArgumentSpec("NAME", completion: .keyNames), ArgumentSpec("FILE", kind: .file)]) {
                shell,
                inv throws(ShellError) in
                let name = try shell.text(of: inv.argument(0))
                let path = try shell.text(of: inv.argument(1))
                guard let key = shell.session.keys[name] else { throw shell.session.unknownKey(name, at: inv.location) }
                do { try OwnFiles.storeKeys([(name, key.secret)], in: path) } catch { throw .environment("key export: \(error)") }
                shell.say(shell.style.dim("wrote \(name) (\(key.secret.redacted)) to \(path) (mode 0600)"))
                return .none
            },
            SubcommandSpec("load", [ArgumentSpec("FILE", kind: .file)]) { shell, inv throws(ShellError) in
                let path = try shell.text(of: inv.argument(0))
                let names = try load(shell, path: path)
                shell.say(shell.style.dim("loaded \(names.count) key\(names.count == 1 ? "" : "s") from \(path): \(names.joined(separator: ", "))"))
                shell.session.remember(statement: "key load \(path)")
                return .none
            },
        ],
        setsLastValue: false,
        recordsInTranscript: false,
        run: { shell, _ throws(ShellError) in
            list(shell)
            return .none
        }
    )

    static func add(_ shell: CommandContext, _ inv: Invocation) throws(ShellError) {
        let nameWord = try inv.argument(0)
        let name = try shell.text(of: nameWord)
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw .usage("key add: '\(name)' is not a key name (letters, digits, - _ .)", at: nameWord.location)
        }
        let secret: Secret
        let source: SessionKey.Source
        if let envWord = inv.args.flagWord("--env") {
            let variable = try shell.text(of: envWord)
            guard let v = FileMode.environment(variable), !v.trimmingCharacters(in: " \n\r\t").isEmpty else {
                throw .environment("key add \(name): environment variable \(variable) is not set")
            }
            secret = try readValue(v, from: "$" + variable)
            source = .environment(variable)
        } else if let fileWord = inv.args.flagWord("--file") {
            let path = try shell.text(of: fileWord)
            secret = try readKeyFile(path)
            source = .file(path)
        } else if let literal = inv.optionalArgument(1) {
            guard shell.configuration.allowLiteralKeys else {
                throw .usage(
                    "key add \(name): refusing a key typed on the command line (it would land in shell history and `ps`); use --env VAR or --file PATH, or start adm with --allow-literal-key",
                    at: literal.location
                )
            }
            secret = try readValue(try shell.text(of: literal), from: "key add \(name)")
            source = .literal
        } else {
            guard let prompt = shell.promptForSecret else {
                throw .usage("key add \(name): give --env VAR or --file PATH (no terminal to prompt on)", at: inv.location)
            }
            // Ctrl-C at the hidden prompt, or an empty line, adds nothing.
            guard let typed = prompt("value for key \(name) (not shown; Ctrl-C or an empty line cancels): "), !typed.isEmpty else {
                throw .usage("key add \(name): cancelled, no key added", at: nil)
            }
            secret = try readValue(typed, from: "key add \(name)")
            source = .prompt
        }
        shell.session.addKey(SessionKey(name: name, secret: secret, source: source))
        if shell.session.activeKey == nil { shell.session.activeKey = name }
        switch source {
        case .environment(let v): shell.session.remember(statement: "key add \(name) --env \(v)")
        case .file(let p): shell.session.remember(statement: "key add \(name) --file \(p)")
        default: shell.session.remember(statement: "# key \(name) (\(secret.redacted)) was \(source)")
        }
        let kind = secret.kind == .admin ? "" : shell.style.yellow("  (a \(secret.kind.displayName), not an admin key)")
        shell.say(shell.style.dim("key \(name) = \(secret.redacted) from \(source)") + kind)
    }

    /// A key value read from `origin`, or the reason it is not one (never the value).
    static func readValue(_ raw: String, from origin: String) throws(ShellError) -> Secret {
        do { return try Secret.reading(raw, from: origin) } catch { throw .environment(error.description) }
    }

    /// The text of a file that holds keys; refused when others may read the file.
    static func readPrivateText(_ path: String) throws(ShellError) -> String {
        if let mode = FileMode.mode(path), mode & 0o077 != 0 {
            throw .environment("\(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 \(path) first")
        }
        do { return try TextFile.read(path, kind: "keys file") } catch { throw .environment(error.description) }
    }

    /// A file holding one key's value (`key add NAME --file`, `file:` in the config). A file of
    /// `NAME=VALUE` lines is a keys file: it is refused with a pointer to `--keys-file` and `key
    /// load`, since read as one value it would be sent whole (and every key in it with it).
    static func readKeyFile(_ path: String) throws(ShellError) -> Secret {
        let text = try readPrivateText(path)
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: " \t") }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        if lines.count > 1 || lines.first.map(isKeysFileLine) == true {
            throw .environment(
                "\(path) is a keys file (NAME=VALUE lines), not one key: load it with `key load \(path)` or `adm --keys-file \(path)`, then `use key NAME`"
            )
        }
        return try readValue(lines.first ?? "", from: path)
    }

    /// `NAME=VALUE` with a key name before the `=` (a key value never holds `=`).
    static func isKeysFileLine(_ line: String) -> Bool {
        guard let eq = line.firstIndex(of: "="), eq != line.startIndex else { return false }
        return line[..<eq].trimmingCharacters(in: " ").allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
    }

    /// Loads a keys file at start-up (`--keys-file`).
    public static func loadFile(_ shell: Interpreter, path: String) throws(ShellError) {
        try load(shell.context, path: path)
    }

    /// `NAME=VALUE` lines (a sandbox keys file, `key export` output).
    @discardableResult
    static func load(_ shell: CommandContext, path: String) throws(ShellError) -> [String] {
        let text = try readPrivateText(path)
        var names: [String] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let l = line.trimmingCharacters(in: " \t")
            if l.isEmpty || l.hasPrefix("#") { continue }
            guard let eq = l.firstIndex(of: "="), eq != l.startIndex else {
                throw .environment("\(path):\(n + 1): expected NAME=VALUE")
            }
            let name = String(l[..<eq]).trimmingCharacters(in: " ")
            let value = try readValue(String(l[l.index(after: eq)...]).trimmingCharacters(in: " \"'"), from: "\(path):\(n + 1)")
            shell.session.addKey(SessionKey(name: name, secret: value, source: .keysFile(path, name: name)))
            names.append(name)
        }
        guard !names.isEmpty else { throw .environment("\(path) holds no NAME=VALUE line") }
        if shell.session.activeKey == nil { shell.session.activeKey = names.first }
        return names
    }

    static func list(_ shell: CommandContext) {
        let keys = shell.session.orderedKeys
        if keys.isEmpty {
            shell.say(shell.style.dim("(no keys; key add NAME --env VAR)"))
            return
        }
        let rows: [JSON] = keys.map { k in
            let probe = shell.session.probes[k.name]
            let granted = PermissionCategory.allCases.compactMap { c -> String? in
                guard let p = probe else { return nil }
                if p.writes[c]?.verdict == .granted { return "\(c.shortName):write" }
                if p.levels[c]?.verdict == .granted { return "\(c.shortName):read" }
                return nil
            }
            return .obj([
                "active": .string(shell.session.activeKey == k.name ? "*" : ""), "name": .string(k.name),
                "key": .string(k.secret.redacted), "kind": .string(k.secret.kind.rawValue), "source": .string(k.source.description),
                "probed": .string(probe == nil ? "—" : (granted.isEmpty ? "nothing" : granted.joined(separator: " "))),
            ])
        }
        shell.sayTable(
            rows,
            columns: [
                Column(" ", ".active"), Column("NAME", ".name"), Column("KEY", ".key"), Column("KIND", ".kind"),
                Column("SOURCE", ".source"), Column("PROBED SCOPES", ".probed"),
            ]
        )
    }
}
