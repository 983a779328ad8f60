import AdmShell
import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// The process entry point.
///
/// A one-liner (`adm [OPTIONS] -e 'STATEMENTS'`) is the form people type most and the one that
/// must start fastest. swift-argument-parser finds a command's options by reflection, and on
/// Linux each first-time reflective cast scans every protocol conformance in the binary: parsing
/// alone cost about 2.7 ms of a 13.6 ms one-liner, and even building an unparsed
/// `GlobalOptions` 0.4 ms (measured with perf). So a one-liner whose
/// options are all plain (`--name value`, `--name=value`, the flags) is read by `OneLiner`;
/// anything else — help, a subcommand, a bad or unknown option, a value that looks like an
/// option — goes to `Adm.main()` unchanged, which parses everything and reports every error.
/// A test holds `OneLiner` to swift-argument-parser's reading of the same arguments.
@main
enum Entry {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--version"] {
            // What swift-argument-parser would print, without its 1.8 ms of reflection.
            print(AdmVersion.string)
            exit(0)
        }
        if let (options, statements) = OneLiner.parse(arguments) {
            exit(await Adm.start(options, execute: statements))
        }
        await parseAndRun(arguments)
    }

    /// swift-argument-parser's reading of the command line, with adm's own form of its errors: a
    /// bad option is one line naming it and exit 3 (a usage error), as everywhere else in adm,
    /// not a page of help and exit 64. Help and `--version` are printed as the parser prints them.
    static func parseAndRun(_ arguments: [String]) async {
        do {
            var command = try Adm.parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            let code = Adm.exitCode(for: error)
            if code == .success { Adm.exit(withError: error) }
            if let exit = error as? ExitCode { Glibc.exit(exit.rawValue) }
            let message = Adm.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            Console.standard().warn("adm: error: \(message) (adm --help lists the options)")
            Glibc.exit(3)
        }
    }
}

/// Reads `adm [OPTIONS] -e STATEMENTS` without reflection; nil when anything is not plain.
enum OneLiner {
    /// Every name `GlobalOptions` declares (a test checks this against the parser's own list,
    /// and that each one sets its field as the parser does).
    static let names: Set<String> = [
        "--sandbox", "--verbose", "-v", "--allow-literal-key", "--no-color", "--base-url", "--keys-file", "--profile",
        "--key", "--project", "--cacert", "--record", "--replay", "--db", "--faults", "--known-issue", "--timeout",
        "--retries", "--concurrency", "--rate-limit", "--max-wait",
    ]

    /// The options that take no value.
    static let flags: Set<String> = ["--sandbox", "--verbose", "-v", "--allow-literal-key", "--no-color"]

    /// The fast path gives up; the parser takes over.
    private struct Decline: Error {}

    static func parse(_ arguments: [String]) -> (LaunchOptions, String)? {
        var options = LaunchOptions()
        var statements: String?
        var index = 0
        while index < arguments.count {
            let parts = arguments[index].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            let inline = parts.count == 2 ? String(parts[1]) : nil
            /// The option's value: after `=`, or the next argument unless it looks like an option.
            func value() throws(Decline) -> String {
                if let inline {
                    guard !inline.isEmpty else { throw Decline() }
                    return inline
                }
                index += 1
                guard index < arguments.count, !arguments[index].hasPrefix("-") else { throw Decline() }
                return arguments[index]
            }
            func flag() throws(Decline) -> Bool {
                guard inline == nil else { throw Decline() }
                return true
            }
            func number() throws(Decline) -> Int {
                guard let n = Int(try value()) else { throw Decline() }
                return n
            }
            do {
                switch name {
                case "-e":
                    guard statements == nil, inline == nil else { return nil }
                    statements = try value()
                case "--execute":
                    guard statements == nil else { return nil }
                    statements = try value()
                case "--sandbox": options.sandbox = try flag()
                case "--verbose", "-v": options.verbose = try flag()
                case "--allow-literal-key": options.allowLiteralKey = try flag()
                case "--no-color": options.noColor = try flag()
                case "--base-url": options.baseURL = try value()
                case "--keys-file": options.keysFile = try value()
                case "--profile": options.profile = try value()
                case "--key": options.key = try value()
                case "--project": options.project = try value()
                case "--cacert": options.cacert = try value()
                case "--record": options.record = try value()
                case "--replay": options.replay = try value()
                case "--db": options.db = try value()
                case "--faults": options.faults = try value()
                case "--known-issue": options.knownIssue.append(try value())
                case "--rate-limit": options.rateLimit = try value()
                case "--max-wait": options.maxWait = try value()
                case "--timeout":
                    guard let seconds = Double(try value()) else { return nil }
                    options.timeout = seconds
                case "--retries": options.retries = try number()
                case "--concurrency": options.concurrency = try number()
                default: return nil
                }
            } catch {
                return nil
            }
            index += 1
        }
        guard let statements else { return nil }
        return (options, statements)
    }
}
