import AdmAPI
import Synchronization

/// The sandbox's store: the organization in memory behind one lock (reads and writes take it
/// for microseconds), and with `--db` every write persisted, in the order it was applied,
/// before it is acknowledged. A write that fails validation changes nothing: handlers check
/// everything before they change state.
final class Store: Sendable {
    private let state: Mutex<OrgState>
    /// The organization's id, readable without the state's lock (every answer carries it); a
    /// seed brings a new one.
    private let currentOrganization: Mutex<String>
    var organizationID: String { currentOrganization.withLock { $0 } }
    let persistence: Persistence?
    private let queue: AsyncStream<Job>.Continuation?
    private let consumer: Task<Void, Never>?

    /// Changes waiting to be committed, and whom to tell.
    struct Job: Sendable {
        let changes: [Change]
        let done: @Sendable (SandboxError?) -> Void
    }

    init(state: OrgState, persistence: Persistence?) {
        self.currentOrganization = Mutex(state.organizationID)
        self.state = Mutex(state)
        self.persistence = persistence
        if let persistence {
            let (stream, continuation) = AsyncStream<Job>.makeStream()
            self.queue = continuation
            self.consumer = Task {
                for await job in stream {
                    do throws(SandboxError) {
                        try await persistence.write(job.changes)
                        job.done(nil)
                    } catch {
                        job.done(error)
                    }
                }
            }
        } else {
            self.queue = nil
            self.consumer = nil
        }
    }

    /// Runs `body` under the lock without persisting anything (reads, and in-memory-only touches).
    func read<T: Sendable>(_ body: (inout OrgState) throws(APIFailure) -> T) throws(APIFailure) -> T {
        try state.withLock { (s: inout OrgState) throws(APIFailure) -> T in
            defer {
                s.discardChanges()
                noteOrganization(s)
            }
            return try body(&s)
        }
    }

    /// Runs `body` under the lock and returns once its changes are durable.
    func write<T: Sendable>(_ body: (inout OrgState) throws(APIFailure) -> T) async throws(APIFailure) -> T {
        guard let queue else { return try read(body) }
        let result: Result<T, APIFailure> = await withCheckedContinuation { continuation in
            state.withLock { (s: inout OrgState) in
                do throws(APIFailure) {
                    let value = try body(&s)
                    noteOrganization(s)
                    let changes = s.takeChanges()
                    if changes.isEmpty {
                        continuation.resume(returning: .success(value))
                    } else {
                        queue.yield(
                            Job(changes: changes) { error in
                                continuation.resume(returning: error.map { .failure(.storage($0.description)) } ?? .success(value))
                            }
                        )
                    }
                } catch {
                    s.discardChanges()
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    private func noteOrganization(_ s: OrgState) {
        if s.organizationID != organizationID { currentOrganization.withLock { $0 = s.organizationID } }
    }

    /// Stops the writer after everything queued is committed, and closes the database.
    func close() async {
        queue?.finish()
        await consumer?.value
        await persistence?.close()
    }
}
