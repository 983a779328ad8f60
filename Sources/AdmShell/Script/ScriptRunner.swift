import AdmAPI

/// How a script run ended.
public struct ScriptOutcome: Sendable {
    /// 0 all passed, 1 an expectation failed, 2 malformed, 3 usage or connection error.
    public var exitStatus: Int32
    public var failures: [String]
    public var statements: Int
}

/// Runs scripts (`adm run`, `adm -e`, a pipe on stdin): parse everything first (a malformed
/// script runs nothing), then each statement in order. A failed call is fine when the next
/// statement is an `expect` about it; otherwise it fails the script, as does a failed `expect`.
public enum ScriptRunner {
    public static func run(_ shell: Interpreter, text: String, file: String?, keepGoing: Bool = false) async -> ScriptOutcome {
        await run(shell, pieces: [text], file: file, keepGoing: keepGoing)
    }

    /// Runs pieces of source each complete on its own (a one-liner's `-e`), as one script.
    public static func run(_ shell: Interpreter, pieces: [String], file: String?, keepGoing: Bool = false) async -> ScriptOutcome {
        let program: Program
        do {
            program = try Parser.parse(pieces: pieces, file: file)
        } catch {
            shell.warn(shell.style.red(error.description))
            return ScriptOutcome(exitStatus: 2, failures: [error.headline], statements: 0)
        }
        shell.script.currentFile = file
        var worst: Int32 = 0
        var failures: [String] = []
        var index = 0
        let statements = program.statements
        while index < statements.count {
            let statement = statements[index]
            let place = (file.map { "\($0):" } ?? "") + "\(statement.location.line)"
            do {
                try await shell.execute(statement)
                if let failure = shell.console.sink.writeFailure {
                    // Output that cannot be written is lost output: the script stops, non-zero.
                    shell.console.sink.writeError("\(place): error: \(failure)\n")
                    return ScriptOutcome(exitStatus: 3, failures: failures + [failure], statements: index)
                }
                if shell.shouldExit { break }
            } catch {
                if case .api(let result) = error {
                    shell.report(error)
                    if index + 1 < statements.count, Expect.judgesOutcome(statements[index + 1]) {
                        index += 1
                        continue
                    }
                    let message =
                        "\(place): \(statement.source): \(result.call.method.rawValue) \(result.call.path) → \(result.error?.description ?? "HTTP \(result.status)")"
                    shell.warn(
                        shell.style.red("\(place): failed: ") + TerminalText.inline(statement.source)
                            + " → \(result.status) (add `expect status \(result.status)` after it if this is expected)"
                    )
                    failures.append(message)
                } else if case .differs = error, index + 1 < statements.count, statements[index + 1].command == "expect" {
                    // What the check found is in $_; the expect judges it.
                    shell.report(error)
                    index += 1
                    continue
                } else if case .incomplete(let summary) = error {
                    shell.warn(shell.style.yellow("\(place): ") + summary + " (exit 4: the result above is partial)")
                    failures.append("\(place): \(summary)")
                } else if case .cancelled = error {
                    shell.report(error)
                    return ScriptOutcome(exitStatus: 130, failures: failures + ["cancelled"], statements: index)
                } else {
                    let place = (file.map { "\($0):" } ?? "") + (error.location.map { "\($0.line):\($0.column)" } ?? "\(statement.location.line)")
                    let message = "\(place): \(error.description)"
                    shell.warn(shell.style.red("\(place): ") + (error.exitStatus == 1 ? "expectation failed: " : "error: ") + error.description)
                    failures.append(message)
                }
                worst = max(worst, error.exitStatus)
                if !keepGoing { break }
            }
            index += 1
        }
        if let requested = shell.requestedExit, requested != 0 {
            worst = requested
            failures.append("exit \(requested)")
        }
        return ScriptOutcome(exitStatus: worst, failures: failures, statements: statements.count)
    }
}
