import AdmAPI
import AdmSandbox
import AdmShell

/// Twins for `rehearse`, built by the sandbox in this process (no socket, no rate limit).
struct SandboxTwins: TwinProvider {
    func twin(of snapshot: JSON) async throws(ShellError) -> any RehearsalTwin {
        do { return InProcessTwin(try TwinSandbox(snapshot: snapshot)) } catch { throw .environment("rehearse: \(error)") }
    }
}

/// A `TwinSandbox` as the shell sees a twin.
struct InProcessTwin: RehearsalTwin {
    let twin: TwinSandbox

    init(_ twin: TwinSandbox) { self.twin = twin }

    var baseURL: String { TwinSandbox.baseURL }
    var transport: any Transport { twin.transport }
    var notes: [String] { twin.notes }
    var requestsServed: Int { twin.requestsServed }

    func standIn(name: String, profile: PermissionProfile?, standsFor: String?) async throws(ShellError) -> Secret {
        do { return try await twin.standIn(name: name, profile: profile, standsFor: standsFor) } catch { throw .environment("rehearse: \(error)") }
    }
}

/// What `--twin FILE` starts from: a snapshot, or a reproduction that carries one with the key
/// it reproduces (`repro --twin`).
struct TwinFile {
    let snapshot: JSON
    /// For a reproduction: the key's name and the permissions it showed, the active project,
    /// the statements that reproduce it, and the answer they met.
    var key: (name: String, profile: PermissionProfile?)?
    var project: String?
    var statements: [String] = []
    var answer: String?

    static func load(_ path: String) throws(LaunchError) -> TwinFile {
        let document: JSON
        do { document = try JSON.parse(try TextFile.read(path, kind: "twin")) } catch {
            throw LaunchError("--twin: \(path): \(error)")
        }
        switch document["object"]?.stringValue {
        case "organization.snapshot":
            return TwinFile(snapshot: document)
        case "adm.twin_reproduction":
            guard let snapshot = document["snapshot"] else { throw LaunchError("--twin: \(path) has no snapshot") }
            var file = TwinFile(snapshot: snapshot)
            if let name = document["key"]?["name"]?.stringValue {
                let text = document["key"]?["profile"]?.stringValue ?? "all"
                var profile: PermissionProfile?
                if text != "project" {
                    do { profile = try PermissionProfile.parse(text) } catch { throw LaunchError("--twin: \(path): key profile: \(error)") }
                }
                file.key = (name, profile)
            }
            file.project = document["project"]?.stringValue
            file.statements = (document["statements"]?.arrayValue ?? []).compactMap(\.stringValue)
            file.answer = document["answer"]?["summary"]?.stringValue
            return file
        default:
            throw LaunchError("--twin: \(path) is neither a snapshot (`snapshot FILE`) nor a reproduction (`repro --twin FILE`)")
        }
    }
}
