import AdmAPI
import AdmTestSupport
import Testing

@testable import AdmShell

/// Issue "Hostile input", numbers: every numeric flag and argument any command declares, at the
/// values that used to trap. A trap would end this test process; a hang is cut off and counted.
@Suite("Numbers: every declared numeric option, at every hostile value")
struct NumberWalkTests {
    static let hostile = ["0", "-1", "9223372036854775807", "9223372036854775808", "1e308", "nan", "inf", "1e16", "-0", "007"]

    /// Each statement that gives one checked value to one command, with placeholders for the
    /// arguments before it.
    static func statements() -> [String] {
        var out: [String] = []
        for spec in CommandTable.all {
            let forms: [(words: [String], flags: [FlagSpec], arguments: [ArgumentSpec])] =
                [([spec.name], spec.flags, spec.arguments)] + spec.subcommands.map { ([spec.name, $0.name], spec.flags + $0.flags, $0.arguments) }
            for form in forms {
                let required = form.arguments.filter { !$0.optional && !$0.repeats }.map { _ in "x" }
                for flag in form.flags where flag.kind.isChecked {
                    for value in hostile { out.append((form.words + required + [flag.name, value]).joined(separator: " ")) }
                }
                for (index, argument) in form.arguments.enumerated() where argument.kind.isChecked {
                    for value in hostile {
                        out.append((form.words + Array(repeating: "x", count: index) + [value]).joined(separator: " "))
                    }
                }
            }
        }
        return out
    }

    @Test("an error naming the range, or a result: never a signal, never a hang")
    func walk() async throws {
        let statements = Self.statements()
        #expect(statements.count >= 120, "the walk covers every declared numeric option: \(statements.count)")
        try await withScratchFiles {
            try await withSandbox { s in
                let shell = s.shell()
                shell.configuration.maxRateLimitWait = .seconds(1)
                var refused = 0
                var ran = 0
                var hung: [String] = []
                for statement in statements {
                    let box = UncheckedShell(shell)
                    let (succeeded, cutOff) = await watched(seconds: 10) { try await box.shell.run(statement) }
                    if cutOff { hung.append(statement) }
                    if succeeded { ran += 1 } else { refused += 1 }
                }
                #expect(hung.isEmpty, "statements that did not end within 10 s: \(hung)")
                #expect(refused > ran, "most hostile values are refused (\(refused) refused, \(ran) ran)")
            }
        }
    }

    @Test("an out-of-range value names the range in one line")
    func oneLine() throws {
        do {
            _ = try Parser.parse("costs --days 1e308")
            Issue.record("parsed")
        } catch {
            #expect(error.headline == "1:14: error: --days: '1e308' is out of range: a whole number from 1 to 36,500")
        }
    }
}

/// The interpreter handed to a watched task (one statement at a time, awaited before the next).
final class UncheckedShell: @unchecked Sendable {
    let shell: Interpreter
    init(_ shell: Interpreter) { self.shell = shell }
}
