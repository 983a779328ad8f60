import AdmAPI
import AdmSandbox
import AdmShell

/// Twins for the shell in tests: the sandbox's `TwinSandbox`, as the `adm` executable provides
/// them (`SandboxTwins`).
public struct TestTwins: TwinProvider {
    public init() {}

    public func twin(of snapshot: JSON) async throws(ShellError) -> any RehearsalTwin {
        do { return TestTwin(twin: try TwinSandbox(snapshot: snapshot)) } catch { throw .environment("\(error)") }
    }
}

struct TestTwin: RehearsalTwin {
    let twin: TwinSandbox
    var baseURL: String { TwinSandbox.baseURL }
    var transport: any Transport { twin.transport }
    var notes: [String] { twin.notes }
    var requestsServed: Int { twin.requestsServed }

    func standIn(name: String, profile: PermissionProfile?, standsFor: String?) async throws(ShellError) -> Secret {
        do { return try await twin.standIn(name: name, profile: profile, standsFor: standsFor) } catch { throw .environment("\(error)") }
    }
}
