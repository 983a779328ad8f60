import AdmAPI

/// Keeps Tab's id cache warm: projects, users and the active project's service accounts are
/// listed in the background at most every so often, so Tab never waits on the network. These
/// calls have the lowest priority: one goes only when its endpoint has a token to spare and no
/// call of the person's is waiting for one (`AdminClient.sendIfSpare`).
final class CompletionRefresher {
    /// The refresh under way, if any.
    private var task: Task<Void, Never>?

    /// Starts a refresh with `key`, unless one ran within `interval` seconds.
    func refresh(_ shell: Interpreter, every interval: Double) {
        guard let name = shell.session.activeKey, let key = shell.session.keys[name], shell.session.idCache.shouldRefresh(every: interval) else {
            return
        }
        let client = shell.client
        let cache = shell.session.idCache
        let project = shell.session.activeProject
        let secret = key.secret
        // A refresh still under way is stale: it is cancelled, and the new one waits for it,
        // so awaiting the latest (`stop`) awaits them all.
        let previous = task
        previous?.cancel()
        task = Task.detached(priority: .background) {
            await previous?.value
            var calls = [Endpoint.listProjects, .listUsers].map {
                Call($0, pathParameters: [:], query: [QueryItem("limit", "100")])
            }
            if let project {
                calls.append(
                    Call(
                        Endpoint.listProjectServiceAccounts,
                        pathParameters: ["project_id": project],
                        query: [QueryItem("limit", "100")]
                    )
                )
            }
            for call in calls where !Task.isCancelled {
                guard let r = try? await client.sendIfSpare(call, key: secret), r.isSuccess, let items = r.json?["data"]?.arrayValue else { continue }
                cache.note(items: items)
            }
        }
    }

    /// Cancels the refresh and waits for it: call before the transport shuts down, so no request
    /// is left in flight on a closing connection pool.
    func stop() async {
        guard let task else { return }
        task.cancel()
        await task.value
        self.task = nil
    }
}

extension Interpreter {
    /// Refreshes Tab's id cache in the background (see `CompletionRefresher`).
    public func refreshCompletionCache(every interval: Double = 30) {
        completionRefresher.refresh(self, every: interval)
    }

    /// Cancels background work and waits for it.
    /// Ends background work and writes what is pending: the completion refresh stops, and the
    /// rate limits learned but not yet kept are written.
    public func stopBackgroundWork() async {
        await completionRefresher.stop()
        client.scheduler.flush()
    }
}
