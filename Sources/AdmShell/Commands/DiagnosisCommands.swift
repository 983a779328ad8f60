import AdmAPI

/// Permission diagnosis: `scopes`, `whoami`, `retry-with`, `what-changed`.
enum DiagnosisCommands {
    static let specs: [CommandSpec] = [
        Doctor.spec,
        CommandSpec(
            name: "scopes",
            group: .diagnosis,
            summary: "what a key can do (probed), or which scope a command needs",
            example: "scopes --all-keys --writes",
            flags: Flags.output + [
                FlagSpec("--writes", "also probe writes, with requests that fail validation after authorization (they change nothing)"),
                FlagSpec("--all-keys", "compare every key of the session side by side"),
                FlagSpec("--save", .file, "write what the probe saw as a least-privilege check script (of every key with --all-keys)"),
            ],
            arguments: [ArgumentSpec("KEY, COMMAND or METHOD", optional: true, completion: .keysOrCommands), ArgumentSpec("PATH", optional: true)],
            run: { shell, inv throws(ShellError) in try await ScopesCommand.run(shell, inv) }
        ),
        CommandSpec(
            name: "whoami",
            group: .diagnosis,
            summary: "the active key's own record (id, name, created, last used, owner)",
            endpoints: [.adminApiKeysList],
            flags: Flags.output + Flags.key,
            run: { shell, inv throws(ShellError) in try await Whoami.run(shell, inv) }
        ),
        CommandSpec(
            name: "retry-with",
            group: .diagnosis,
            summary: "the last call again with other keys, compared side by side",
            example: "retry-with mgmt-write",
            flags: Flags.output + [FlagSpec("--all", "every other key of the session")],
            arguments: [ArgumentSpec("KEY", optional: true, repeats: true, completion: .keyNames)],
            run: { shell, inv throws(ShellError) in try await RetryWith.run(shell, inv) }
        ),
        CommandSpec(
            name: "what-changed",
            group: .diagnosis,
            summary: "audit-log changes to the last failed call's resources and key, beside the key's last use",
            example: "what-changed --since 24h",
            endpoints: [.listAuditLogs, .adminApiKeysList],
            flags: Flags.output + [FlagSpec("--since", value: true, "how far back (default 7d)").named("DURATION")],
            run: { shell, inv throws(ShellError) in try await WhatChanged.run(shell, inv) }
        ),
    ]
}
