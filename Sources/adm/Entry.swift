import AdmHTTP
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
            print(AdmVersion.full)
            exit(0)
        }
        if let (options, statements) = OneLiner.parse(arguments) {
            // The main thread, idle from here, runs the one-liner itself: one that makes no
            // request starts no other thread (see LentThreadExecutor).
            exit(LentThreadExecutor().run { await Adm.start(options, execute: statements) })
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
/// The options come from `LaunchOptions.table`, generated with the parser's declarations from
/// one list (Scripts/options/generate.py); a test still holds the two readings equal.
enum OneLiner {
    /// Every name `GlobalOptions` declares.
    static var names: Set<String> { Set(LaunchOptions.table.flatMap(\.names)) }

    /// The options that take no value.
    static var flags: Set<String> { Set(LaunchOptions.table.filter { !$0.takesValue }.flatMap(\.names)) }

    static func parse(_ arguments: [String]) -> (LaunchOptions, [String])? {
        var options = LaunchOptions()
        var executes: [String] = []
        var index = 0
        while index < arguments.count {
            let parts = arguments[index].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            let inline = parts.count == 2 ? String(parts[1]) : nil
            if name == "-e" || name == "--execute" {
                guard name == "--execute" || inline == nil else { return nil }
                if let inline {
                    executes.append(inline)
                } else {
                    index += 1
                    guard index < arguments.count else { return nil }
                    executes.append(arguments[index])
                }
                index += 1
                continue
            }
            guard let option = LaunchOptions.table.first(where: { $0.names.contains(name) }) else { return nil }
            if option.takesValue {
                // After `=`, or the next argument unless it looks like an option.
                var text = inline
                if text == nil {
                    index += 1
                    guard index < arguments.count, !arguments[index].hasPrefix("-") else { return nil }
                    text = arguments[index]
                }
                guard let text, !text.isEmpty, option.apply(&options, text) else { return nil }
            } else {
                guard inline == nil, option.apply(&options, "") else { return nil }
            }
            index += 1
        }
        guard !executes.isEmpty else { return nil }
        return (options, executes)
    }
}
