import AdmShell
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The process entry point.
///
/// A one-liner (`adm [OPTIONS] -e 'STATEMENTS'`) is the form people type most and the one that
/// must start fastest. Its options are parsed by swift-argument-parser as `GlobalOptions`
/// alone, which skips building the whole command tree and the completion-script check
/// (together about a quarter of a one-liner's time). Anything else, and any option the fast
/// path does not recognise, goes to `Adm.main()` unchanged, which also reports every error.
@main
enum Entry {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let (options, statements) = oneLiner(arguments) {
            exit(await Adm.start(options, execute: statements))
        }
        await Adm.main()
    }

    /// `GlobalOptions` and the statements when `arguments` are exactly a one-liner.
    static func oneLiner(_ arguments: [String]) -> (GlobalOptions, String)? {
        var rest: [String] = []
        var statements: String?
        var index = 0
        while index < arguments.count {
            let a = arguments[index]
            if a == "-e" || a == "--execute" {
                guard statements == nil, index + 1 < arguments.count else { return nil }
                statements = arguments[index + 1]
                index += 2
                continue
            }
            if a.hasPrefix("--execute=") {
                guard statements == nil else { return nil }
                statements = String(a.dropFirst("--execute=".count))
                index += 1
                continue
            }
            if a == "run" || a == "sandbox" || a == "help" || a == "-h" || a == "--help" || a == "--version"
                || a.hasPrefix("--generate-completion") || a == "--experimental-dump-help" {
                return nil
            }
            rest.append(a)
            index += 1
        }
        guard let statements, let options = try? GlobalOptions.parse(rest) else { return nil }
        return (options, statements)
    }
}
