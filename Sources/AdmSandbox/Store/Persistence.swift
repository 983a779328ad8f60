import AdmAPI
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO

/// The SQLite file behind `--db`: one row per record, written one transaction per API write,
/// in WAL mode. `synchronous=NORMAL` survives the process being killed at any moment (what
/// `kill -9` tests); only a power loss could drop the last commits.
final class Persistence: Sendable {
    private let connection: SQLiteConnection
    let path: String
    /// One sandbox per database: a second would serve its own copy of the organization.
    private let lock: FileLock

    private init(connection: SQLiteConnection, path: String, lock: FileLock) {
        self.connection = connection
        self.path = path
        self.lock = lock
    }

    /// Opens (creating if needed, mode 0600) the database at `path`.
    static func open(path: String) async throws(SandboxError) -> Persistence {
        do {
            // Only a database of adm's (SQLite), or a new or empty file: never someone's file; and
            // one sandbox on it at a time.
            let lock: FileLock
            do {
                lock = try FileLock.acquire(path, writing: .database)
                try OwnFiles.check(path, as: .database)
            } catch {
                throw SandboxError.storage(error.description)
            }
            let existed = FileMode.exists(path)
            if !existed {
                do { try FileMode.createPrivate(path) } catch { throw SandboxError.storage(error.description) }
            }
            var logger = Logger(label: "adm.sandbox.db")
            logger.logLevel = .critical
            let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            let p = Persistence(connection: connection, path: path, lock: lock)
            do {
                for statement in [
                    "PRAGMA journal_mode=WAL",
                    "PRAGMA synchronous=NORMAL",
                    "CREATE TABLE IF NOT EXISTS records (kind TEXT NOT NULL, id TEXT NOT NULL, parent TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL, hidden TEXT NOT NULL, PRIMARY KEY (kind, id))",
                    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                ] {
                    _ = try await connection.query(statement, [])
                }
            } catch {
                await p.close()
                throw error
            }
            for sidecar in [path + "-wal", path + "-shm"] where FileMode.exists(sidecar) {
                FileMode.restrict(sidecar)
            }
            return p
        } catch let e as SandboxError {
            throw e
        } catch {
            throw .storage("could not open \(path): \(error)")
        }
    }

    /// Everything stored: records and meta values.
    func load() async throws(SandboxError) -> (records: [Record], meta: [String: String]) {
        do {
            var records: [Record] = []
            for row in try await connection.query("SELECT kind, id, parent, seq, body, hidden FROM records ORDER BY seq", []) {
                guard let kindText = row.column("kind")?.string, let kind = Kind(rawValue: kindText),
                    let id = row.column("id")?.string, let parent = row.column("parent")?.string,
                    let seq = row.column("seq")?.integer, let body = row.column("body")?.string,
                    let hidden = row.column("hidden")?.string
                else { throw SandboxError.storage("a row of \(path) is malformed") }
                records.append(
                    Record(
                        kind: kind,
                        id: id,
                        parent: parent,
                        seq: Int(seq),
                        body: try JSON.parse(body),
                        hidden: try JSON.parse(hidden)
                    )
                )
            }
            var meta: [String: String] = [:]
            for row in try await connection.query("SELECT key, value FROM meta", []) {
                if let k = row.column("key")?.string, let v = row.column("value")?.string { meta[k] = v }
            }
            return (records, meta)
        } catch let e as SandboxError {
            throw e
        } catch {
            throw .storage("could not read \(path): \(error)")
        }
    }

    /// Writes `changes` as one transaction.
    func write(_ changes: [Change]) async throws(SandboxError) {
        guard !changes.isEmpty else { return }
        do {
            _ = try await connection.query("BEGIN IMMEDIATE", [])
            do {
                for change in changes {
                    switch change {
                    case .upsert(let r):
                        _ = try await connection.query(
                            "INSERT OR REPLACE INTO records (kind, id, parent, seq, body, hidden) VALUES (?, ?, ?, ?, ?, ?)",
                            [
                                .text(r.kind.rawValue), .text(r.id), .text(r.parent), .integer(r.seq),
                                .text(r.body.serialized()), .text(r.hidden.serialized()),
                            ]
                        )
                    case .delete(let kind, let id):
                        _ = try await connection.query("DELETE FROM records WHERE kind = ? AND id = ?", [.text(kind.rawValue), .text(id)])
                    case .clear:
                        _ = try await connection.query("DELETE FROM records", [])
                    case .meta(let key, let value):
                        _ = try await connection.query("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [.text(key), .text(value)])
                    }
                }
                _ = try await connection.query("COMMIT", [])
            } catch {
                _ = try? await connection.query("ROLLBACK", [])
                throw error
            }
        } catch {
            throw .storage("write to \(path) failed: \(error)")
        }
    }

    /// Runs SQLite's integrity check; "ok" when the file is intact.
    func integrityCheck() async throws(SandboxError) -> String {
        do {
            let rows = try await connection.query("PRAGMA integrity_check", [])
            return rows.first?.columns.first?.data.string ?? "no answer"
        } catch {
            throw .storage("integrity check failed: \(error)")
        }
    }

    func close() async {
        defer { lock.release() }
        // Every write was committed before it was acknowledged: a close that fails loses nothing.
        try? await connection.close()
    }
}
