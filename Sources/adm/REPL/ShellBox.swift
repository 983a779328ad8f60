import AdmShell

/// Lets the command task use the interpreter while the REPL awaits it.
///
/// `Interpreter` is not `Sendable`: it is meant for one task at a time. The REPL keeps that
/// promise (it starts a command, then only awaits it; completion runs on the same thread only
/// between commands), which the compiler cannot see, hence `@unchecked`.
final class ShellBox: @unchecked Sendable {
    let shell: Interpreter
    init(_ shell: Interpreter) { self.shell = shell }
}
