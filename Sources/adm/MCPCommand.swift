import AdmAPI
import AdmHTTP
import AdmShell
import ArgumentParser
@preconcurrency import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// `adm mcp`: adm for assistants, over the Model Context Protocol on stdio (see `MCPServer`).
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve adm to an assistant over the Model Context Protocol (stdio): paced, named, redacted, read-only answers.",
        discussion: """
            Takes adm's options for keys, profiles, the base URL and the sandbox (adm --sandbox mcp needs no account). Tools \
            read; rehearse shows a change on a twin. With --allow-writes, apply_script, offboard and rotate are offered too, \
            each answering first with its rehearsed plan and a one-time confirmation id that a second call must bring back.
            """
    )

    @ParentCommand var root: Adm

    @Flag(help: "Offer the tools that change the organization (each asks for a confirmation id from its rehearsal).")
    var allowWrites = false

    func run() async throws {
        let options = root.options.launchOptions
        let allowWrites = allowWrites
        let status = await withTaskExecutorPreference(EventLoopExecutor.client) {
            await Self.serve(options, allowWrites: allowWrites)
        }
        throw ExitCode(status)
    }

    /// Serves until the client closes standard input; the process then ends as a one-liner
    /// does (what was learned kept, connections left to the exit). Returns only a launch
    /// failure's status.
    static func serve(_ options: LaunchOptions, allowWrites: Bool) async -> Int32 {
        let capture = MCPCapture()
        let launched: Launcher.Launched
        do {
            launched = try await Launcher.launch(options, interactive: false, output: capture)
        } catch {
            Console.standard().warn("adm mcp: error: \(error)")
            return 3
        }
        let output = MCPOutput { line in StandardOutput().write(line) }
        let server = MCPServer(shell: launched.shell, capture: capture, output: output, allowWrites: allowWrites)
        await server.serve(StandardInputLines.stream())
        await Scripts.finish(launched)
        Glibc.exit(0)
    }
}

/// Standard input as lines, read on a thread of its own (a blocking read must not hold one of
/// the few threads tasks run on). A line over 16 MB is refused as one empty line's worth of
/// garbage, so the server answers it with a parse error instead of growing without bound.
enum StandardInputLines {
    static let longest = 16 << 20

    static func stream() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        DispatchQueue(label: "adm.mcp.stdin").async {
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            var skipping = false
            while true {
                let n = read(0, &buffer, buffer.count)
                if n < 0, errno == EINTR { continue }
                if n <= 0 { break }
                for byte in buffer[0..<n] {
                    if byte == UInt8(ascii: "\n") {
                        if skipping {
                            continuation.yield("\u{0}")
                        } else {
                            continuation.yield(String(decoding: pending, as: UTF8.self))
                        }
                        pending.removeAll(keepingCapacity: true)
                        skipping = false
                    } else if !skipping {
                        pending.append(byte)
                        if pending.count > longest {
                            skipping = true
                            pending = []
                        }
                    }
                }
            }
            if !pending.isEmpty, !skipping { continuation.yield(String(decoding: pending, as: UTF8.self)) }
            continuation.finish()
        }
        return stream
    }
}
