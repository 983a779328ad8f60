import AdmAPI
import AdmHTTP
import AdmShell
import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// `adm run FILE.adm …`: scripts with assertions, for repeatable checks and CI.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run .adm scripts.",
        discussion: "Exit status: 0 all passed, 1 an expectation failed, 2 a script is malformed, 3 a usage or connection error."
    )

    @ParentCommand var root: Adm

    @Argument(help: ArgumentHelp("Script files.", valueName: "file"))
    var files: [String]

    @Option(
        name: .customLong("var"),
        help: ArgumentHelp("Set a variable before the script runs (repeatable); NAME=@FILE reads it from a file.", valueName: "name=value")
    )
    var variables: [String] = []

    @Flag(help: "Run every statement and report all failures instead of stopping at the first.")
    var keepGoing = false

    @Option(help: ArgumentHelp("Write a report: junit=PATH, tap[=PATH] or json[=PATH] (no PATH: standard output).", valueName: "format"))
    var report: [String] = []

    func run() async throws {
        // Nothing blocks a thread in a script: run on the client's event loop.
        try await withTaskExecutorPreference(EventLoopExecutor.client) { try await runFiles() }
    }

    private func runFiles() async throws {
        var reports: [(Reports.Format, String?)] = []
        for r in report {
            let parts = r.split(separator: "=", maxSplits: 1).map(String.init)
            guard let format = Reports.Format(rawValue: parts[0]) else {
                Console.standard().warn("adm run: error: --report \(r): expected junit=PATH, tap[=PATH] or json[=PATH]")
                throw ExitCode(3)
            }
            reports.append((format, parts.count == 2 ? parts[1] : nil))
        }
        var presets: [(String, JSON)] = []
        for v in variables {
            let parts = v.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                Console.standard().warn("adm run: error: --var \(v): expected NAME=VALUE")
                throw ExitCode(3)
            }
            var text = parts[1]
            if text.hasPrefix("@") {
                // A file, as people have it: CRLF or a byte-order mark read as text; not text refused.
                do { text = try TextFile.read(String(text.dropFirst()), kind: "--var file") } catch {
                    Console.standard().warn("adm run: error: --var \(parts[0]): \(error)")
                    throw ExitCode(error.notText ? 2 : 3)
                }
                while text.hasSuffix("\n") { text.removeLast() }
            }
            presets.append((parts[0], (try? JSON.parse(text)) ?? .string(text)))
        }
        var worst: Int32 = 0
        var runs: [Reports.FileRun] = []
        // The last session lives until the process exits (see `Scripts.finish`); earlier ones
        // are closed as the next one starts.
        var previous: Launcher.Launched?
        for file in files {
            let text: String
            do { text = try TextFile.read(file, kind: "script") } catch {
                // A binary file is a bad script (2); one that cannot be read, a launch failure (3).
                let status: Int32 = error.notText ? 2 : 3
                Console.standard().warn("adm run: error: \(error)")
                worst = max(worst, status)
                runs.append(Reports.FileRun(file: file, expectations: [], failures: [error.description], exitStatus: status, seconds: 0))
                if keepGoing { continue } else { break }
            }
            let launched: Launcher.Launched
            do { launched = try await Launcher.launch(root.options.launchOptions, interactive: false) } catch {
                Console.standard().warn("adm: error: \(error)")
                if let previous { await Scripts.close(previous) }
                throw ExitCode(3)
            }
            for (name, value) in presets { launched.shell.session.variables[name] = value }
            let clock = ContinuousClock()
            let start = clock.now
            let outcome = await Scripts.run(launched, pieces: [text], file: file, keepGoing: keepGoing)
            let elapsed = clock.now - start
            runs.append(
                Reports.FileRun(
                    file: file,
                    expectations: launched.shell.script.expectations,
                    failures: outcome.failures,
                    exitStatus: outcome.exitStatus,
                    seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                )
            )
            if let previous { await Scripts.close(previous) }
            previous = launched
            worst = max(worst, outcome.exitStatus)
            if outcome.exitStatus != 0 && !keepGoing { break }
        }
        for (format, path) in reports {
            let text = Reports.render(runs, format: format)
            if let path {
                do { try OwnFiles.replace(path, with: text, as: .report) } catch {
                    Console.standard().warn("adm run: error: --report: \(error)")
                    worst = max(worst, 3)
                }
            } else {
                Console.standard().exact(text)
            }
        }
        if let previous { await Scripts.finish(previous) }
        withExtendedLifetime(previous) { Glibc.exit(worst) }
    }
}
