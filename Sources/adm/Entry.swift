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
/// alone cost about 2.7 ms of a 13.6 ms one-liner (measured with perf). So a one-liner whose
/// options are all plain (`--name value`, `--name=value`, the flags) is read by `OneLiner`;
/// anything else — help, a subcommand, a bad or unknown option, a value that looks like an
/// option — goes to `Adm.main()` unchanged, which parses everything and reports every error.
/// A test holds `OneLiner` to swift-argument-parser's reading of the same arguments.
@main
enum Entry {
    static func main() async {
        if let (options, statements) = OneLiner.parse(Array(CommandLine.arguments.dropFirst())) {
            exit(await Adm.start(options, execute: statements))
        }
        await Adm.main()
    }
}

/// Reads `adm [OPTIONS] -e STATEMENTS` without reflection; nil when anything is not plain.
enum OneLiner {
    /// How an option's value is stored into `GlobalOptions`.
    private enum Field: Sendable {
        case flag(WritableKeyPath<GlobalOptions, Bool> & Sendable)
        case string(WritableKeyPath<GlobalOptions, String?> & Sendable)
        case strings(WritableKeyPath<GlobalOptions, [String]> & Sendable)
        case double(WritableKeyPath<GlobalOptions, Double> & Sendable)
        case int(WritableKeyPath<GlobalOptions, Int> & Sendable)
    }

    /// Every name `GlobalOptions` declares (the test checks this against the parser's own list).
    private static let fields: [String: Field] = [
        "--sandbox": .flag(\.sandbox), "--verbose": .flag(\.verbose), "-v": .flag(\.verbose),
        "--allow-literal-key": .flag(\.allowLiteralKey), "--no-color": .flag(\.noColor),
        "--base-url": .string(\.baseURL), "--keys-file": .string(\.keysFile), "--profile": .string(\.profile),
        "--key": .string(\.key), "--project": .string(\.project), "--cacert": .string(\.cacert),
        "--record": .string(\.record), "--replay": .string(\.replay), "--db": .string(\.db), "--faults": .string(\.faults),
        "--known-issue": .strings(\.knownIssue), "--timeout": .double(\.timeout), "--retries": .int(\.retries),
        "--concurrency": .int(\.concurrency),
    ]

    /// The names the fast path understands (for the test that compares it with the parser).
    static var names: Set<String> { Set(fields.keys) }

    static func parse(_ arguments: [String]) -> (GlobalOptions, String)? {
        var options = defaults()
        var statements: String?
        var index = 0
        func value(inline: String?) -> String? {
            if let inline { return inline.isEmpty ? nil : inline }
            index += 1
            guard index < arguments.count, !arguments[index].hasPrefix("-") else { return nil }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = parts[0]
            let inline = parts.count == 2 ? parts[1] : nil
            if name == "-e" || name == "--execute" {
                guard statements == nil, name == "--execute" || inline == nil, let text = value(inline: inline) else { return nil }
                statements = text
            } else {
                guard name.hasPrefix("-"), let field = fields[name] else { return nil }
                switch field {
                case .flag(let path):
                    guard inline == nil else { return nil }
                    options[keyPath: path] = true
                case .string(let path):
                    guard let v = value(inline: inline) else { return nil }
                    options[keyPath: path] = v
                case .strings(let path):
                    guard let v = value(inline: inline) else { return nil }
                    options[keyPath: path].append(v)
                case .double(let path):
                    guard let v = value(inline: inline), let d = Double(v) else { return nil }
                    options[keyPath: path] = d
                case .int(let path):
                    guard let v = value(inline: inline), let n = Int(v) else { return nil }
                    options[keyPath: path] = n
                }
            }
            index += 1
        }
        guard let statements else { return nil }
        return (options, statements)
    }

    /// `GlobalOptions` as the parser leaves it when no option is given. The wrappers of an
    /// instance that was not parsed hold no value, so every field is set here.
    static func defaults() -> GlobalOptions {
        var o = GlobalOptions()
        o.sandbox = false; o.verbose = false; o.allowLiteralKey = false; o.noColor = false
        o.baseURL = nil; o.keysFile = nil; o.profile = nil; o.key = nil; o.project = nil; o.cacert = nil
        o.record = nil; o.replay = nil; o.db = nil; o.faults = nil; o.knownIssue = []
        o.timeout = 60; o.retries = 2; o.concurrency = 8
        return o
    }
}
