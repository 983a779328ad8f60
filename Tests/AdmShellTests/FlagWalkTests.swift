import AdmAPI
import AdmTestSupport
import Testing

@testable import AdmShell

/// Issue "Organization jobs", no flag accepted without effect: every flag every command declares
/// is walked. A flag that works only beside another (`requires`) or not beside one (`excludes`)
/// is refused before anything runs when given wrongly; the flags whose effect depends on what the
/// statement does are refused when it would do nothing.
@Suite("Flags: each one acts, or is refused")
struct FlagWalkTests {
    /// Every (command words, flag) pair the table declares.
    static var declared: [(words: [String], flag: FlagSpec, all: [FlagSpec])] {
        CommandTable.all.flatMap { spec in
            [(words: [spec.name], flags: spec.flags)] + spec.subcommands.map { ([spec.name, $0.name], spec.flags + $0.flags) }
        }.flatMap { form in form.flags.map { (form.words, $0, form.flags) } }
    }

    @Test("a flag given without the flag it needs, or beside one it excludes, is refused by the parser with both named")
    func combinations() {
        var walked = 0
        for (words, flag, all) in Self.declared {
            let value = flag.takesValue ? [placeholder(flag)] : []
            for needed in flag.requires {
                let statement = (words + [flag.name] + value).joined(separator: " ")
                do {
                    _ = try Parser.parse(statement)
                    Issue.record("accepted without \(needed): \(statement)")
                } catch {
                    #expect(error.headline.contains("\(flag.name) goes with \(needed)"), "\(statement): \(error.headline)")
                }
                let neededSpec = all.first { $0.name == needed }
                let with = (words + [flag.name] + value + [needed] + (neededSpec?.takesValue == true ? ["x"] : [])).joined(separator: " ")
                do { _ = try Parser.parse(with) } catch {
                    #expect(!error.headline.contains("goes with"), "refused with its partner: \(with): \(error.headline)")
                }
                walked += 1
            }
            for clash in flag.excludes {
                let clashSpec = all.first { $0.name == clash }
                let statement = (words + [flag.name] + value + [clash] + (clashSpec?.takesValue == true ? ["x"] : [])).joined(separator: " ")
                do {
                    _ = try Parser.parse(statement)
                    Issue.record("accepted beside \(clash): \(statement)")
                } catch {
                    #expect(error.headline.contains("do not go together"), "\(statement): \(error.headline)")
                }
                walked += 1
            }
        }
        #expect(walked >= 6, "the walk met the declared combinations: \(walked)")
    }

    func placeholder(_ flag: FlagSpec) -> String {
        switch flag.kind {
        case .integer(let r): return String(r.lowerBound)
        case .duration: return "10s"
        case .choice(let words): return words[0]
        default: return "2026-01-01"
        }
    }

    @Test("flags that act only in some forms of a statement are refused in the others, at run time")
    func formDependent() async throws {
        try await withSandbox { s in
            let shell = s.shell()
            let dir = temporaryDirectory()
            // --concurrency without a list: one call, nothing to run side by side.
            await #expect(throws: ShellError.self) { try await shell.run("projects --concurrency 4") }
            try await shell.run("let ids = projects | .data[].id; keys --project $ids --concurrency 4 --quiet")
            // scopes --save without --all-keys saves the active key's check (it acts)...
            try await shell.run("scopes --save \(dir)/one.adm --quiet")
            #expect(try FileMode.read(dir + "/one.adm").contains("use key owner"))
            // ...and beside an operation's description (nothing probed) it is refused, as --writes is.
            for flag in ["--save \(dir)/two.adm", "--writes"] {
                do throws(ShellError) {
                    try await shell.run("scopes create-sa \(flag)")
                    Issue.record("scopes create-sa \(flag) accepted")
                } catch {
                    #expect(error.description.contains("goes with probing a key"))
                }
            }
            #expect(!FileMode.exists(dir + "/two.adm"))
        }
    }

    @Test("every declared flag is named in help, so none hides: the declaration is the documentation")
    func documented() {
        for spec in CommandTable.all {
            let help = Help(style: Style(enabled: false)).lines(for: spec.name).joined(separator: "\n")
            for flag in spec.flags + spec.subcommands.flatMap(\.flags) {
                #expect(help.contains(flag.name), "help \(spec.name) does not name \(flag.name)")
            }
        }
    }
}
