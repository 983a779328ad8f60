// adm-bench: measurements that need adm's insides (the bench script drives everything else
// from outside). Today: Tab completion time from a filled id cache.
import AdmAPI
import AdmHTTP
import AdmSandbox
import AdmShell

#if canImport(Glibc)
import Glibc
#endif

/// Median, p99 and max of completing typical lines `rounds` times each, in microseconds.
func benchCompletion() async throws {
    let server = try await SandboxServer.start(SandboxOptions())
    let transport = try HTTPTransport()
    var configuration = ShellConfiguration(baseURL: server.baseURL, transport: transport)
    configuration.builtInSandbox = true
    let shell = Interpreter(configuration: configuration, output: CapturedOutput())
    for k in server.fixtureKeys { shell.session.addKey(SessionKey(name: k.name, secret: k.secret, source: .sandbox)) }
    shell.session.activeKey = "owner"
    shell.session.activeProject = server.defaultProjectID
    // A realistic cache: 500 projects, a service account in $sa.
    shell.session.idCache.note((0..<500).map { "proj_" + String($0).leftPadded(to: 24) })
    try await shell.run("let sa = create-sa name=bench")
    let lines = [
        "use project proj_00000000000000000000001", "crea", "projects --a", "create-sa na",
        "call GET /organization/pro", "print $sa.api_key.", "use key mgmt-", "sa show svc",
    ]
    var samples: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<200 {
        for line in lines {
            let start = clock.now
            _ = Completer.complete(line: line, cursor: line.count, shell: shell)
            let d = clock.now - start
            samples.append(Double(d.components.attoseconds) / 1e12 + Double(d.components.seconds) * 1e6)
        }
    }
    samples.sort()
    let median = samples[samples.count / 2]
    let p99 = samples[samples.count * 99 / 100]
    let max = samples.last!
    print("completion_us median=\(Int(median)) p99=\(Int(p99)) max=\(Int(max)) samples=\(samples.count)")
    await transport.shutdown()
    await server.stop()
}

try await benchCompletion()
