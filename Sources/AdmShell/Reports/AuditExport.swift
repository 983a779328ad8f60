import AdmAPI

/// `audit export FILE [--since DATE]`: every audit event, all pages, appended to FILE as JSON
/// Lines in time order (effective time, then id). The file is its own cursor: its last complete
/// line says where the next run starts, and the ids at that second say what not to write again,
/// so there is never a duplicate. Appends go in chunks, each one `write` to an `O_APPEND` file,
/// so a killed export leaves only whole lines — save a last one cut short, which the next run
/// trims before it resumes. A cursor file beside it (`FILE.cursor`, 0600) records the
/// organization and the last event, so another organization's events are never mixed in.
enum AuditExport {
    static let chunk = 500

    /// Oldest first; ties by id, so every run orders alike.
    static func chronological(_ a: JSON, _ b: JSON) -> Bool {
        (a["effective_at"]?.intValue ?? 0, a["id"]?.stringValue ?? "") < (b["effective_at"]?.intValue ?? 0, b["id"]?.stringValue ?? "")
    }

    static func run(_ shell: CommandContext, _ inv: Invocation) async throws(ShellError) -> Outcome {
        let path = try shell.text(of: inv.argument(0))
        let reader = try OrgReader(shell, inv)
        let cursorPath = path + ".cursor"
        // One export per file at a time, and only into adm's own files: checked before the file
        // is read, trimmed or written.
        let lock: FileLock
        // The export's folder is made when missing (an export path names where the SIEM reads).
        let folder = String(path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/"))
        if !folder.isEmpty { FileMode.makeDirectories(folder) }
        do {
            lock = try FileLock.acquire(path, writing: .auditExport)
            try OwnFiles.check(cursorPath, as: .auditCursor)
            do { try OwnFiles.check(path, as: .auditExport) } catch {
                // An export killed in its first line has no whole line to recognise it by; its
                // cursor, written before anything is appended, names it.
                guard let head = try? FileMode.readBytes(path, limit: 65536), !head.contains(UInt8(ascii: "\n")),
                    (try? JSON.parse(try TextFile.read(cursorPath, kind: "cursor")))?["file"]?.stringValue == path
                else { throw error }
            }
        } catch {
            throw .environment("audit export: \(error)")
        }
        defer { lock.release() }
        // Where the file stands: the time of its last event and the ids at that second.
        let tail: (time: Int, ids: Set<String>, repaired: Int)
        do { tail = try lastEvents(path) } catch { throw .environment("audit export: \(error)") }
        if tail.repaired > 0, inv.showsTables {
            shell.warn(
                shell.style.yellow(
                    "\(path): its last \(tail.repaired) bytes were a line cut short (an export killed mid-write); removed, the export goes on from the last whole line"
                )
            )
        }
        let since = try AuditCommand.since(shell, inv) ?? 0
        let start = max(tail.time, since)
        var query = [QueryItem("limit", "100")]
        if start > 0 { query.append(QueryItem("effective_at[gte]", String(start))) }
        let events = try await reader.all(.listAuditLogs, query: query)
        let organization = shell.session.organizationID
        if let recorded = (try? TextFile.read(cursorPath, kind: "cursor")).flatMap({ try? JSON.parse($0) })?["organization"]?.stringValue,
            let organization, recorded != organization
        {
            throw .environment("audit export: \(path) holds events of \(recorded), not of \(organization); export to another file")
        }
        let fresh = events.filter { e in
            guard let t = e["effective_at"]?.intValue, let id = e["id"]?.stringValue else { return false }
            return t > tail.time || (t == tail.time && !tail.ids.contains(id))
        }.sorted(by: chronological)
        func writeCursor(_ cursor: JSON) throws(ShellError) {
            do { try FileMode.writePrivate(cursorPath, cursor.serialized(pretty: true) + "\n") } catch {
                throw .environment("audit export: the cursor could not be written: \(error)")
            }
        }
        // The cursor must be writable before anything is appended: an export whose cursor is
        // lost could mix another organization's events in next time.
        if !fresh.isEmpty {
            try writeCursor(
                .obj([
                    "organization": organization.map(JSON.string) ?? .null, "file": .string(path),
                    "last_effective_at": tail.time > 0 ? .int(tail.time) : .null, "last_id": .null,
                    "updated_at": .string(UnixTime.iso8601(UnixTime.now())),
                ])
            )
        }
        var written = 0
        var index = 0
        while index < fresh.count {
            let lines = fresh[index..<min(fresh.count, index + chunk)].map { $0.serialized() + "\n" }.joined()
            do { try FileMode.appendPrivate(path, lines, durable: true) } catch {
                throw .environment("audit export: \(error) (\(written) events were appended before it; run it again to go on)")
            }
            index += chunk
            written = min(fresh.count, index)
        }
        let last = fresh.last ?? events.sorted(by: chronological).last
        let cursor: JSON = .obj([
            "organization": organization.map(JSON.string) ?? .null, "file": .string(path),
            "last_effective_at": last?["effective_at"] ?? (tail.time > 0 ? .int(tail.time) : .null), "last_id": last?["id"] ?? .null,
            "updated_at": .string(UnixTime.iso8601(UnixTime.now())),
        ])
        try writeCursor(cursor)
        let value: JSON = .obj([
            "object": "audit.export", "file": .string(path), "appended": .int(written),
            "from": fresh.first?["effective_at"] ?? .null, "to": fresh.last?["effective_at"] ?? .null,
        ])
        if inv.showsTables {
            let range = fresh.isEmpty ? "" : " (\(Cells.time(fresh.first?["effective_at"])) – \(Cells.time(fresh.last?["effective_at"])) UTC)"
            shell.say(shell.style.dim("appended \(written) event\(written == 1 ? "" : "s") to \(path)\(range); the next run appends only newer ones"))
            return .printed(value)
        }
        return .value(value)
    }

    /// The time of the file's last event, the ids of the events at that second, and how many
    /// bytes of a line cut short were trimmed off its end. (0, [], 0) for a new or empty file.
    static func lastEvents(_ path: String) throws(FileError) -> (time: Int, ids: Set<String>, repaired: Int) {
        guard let size = FileMode.size(path), size > 0 else { return (0, [], 0) }
        // Only the tail is read (an export grows for years): a window that holds a line of an
        // earlier second, or the whole file.
        var window = 1 << 20
        while true {
            let offset = max(0, size - window)
            var bytes = try FileMode.readBytes(path, from: offset)
            var repaired = 0
            if let last = bytes.last, last != UInt8(ascii: "\n") {
                guard let newline = bytes.lastIndex(of: UInt8(ascii: "\n")) else {
                    if offset > 0 {
                        window *= 4
                        continue
                    }
                    try FileMode.truncate(path, to: 0)
                    return (0, [], bytes.count)
                }
                repaired = bytes.count - (newline + 1)
                try FileMode.truncate(path, to: offset + newline + 1)
                bytes.removeSubrange((newline + 1)...)
            }
            if TextFile.binaryOffset(bytes) != nil { throw FileError("\(path) is not a JSON Lines file") }
            var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
            if offset > 0, !lines.isEmpty { lines.removeFirst() }  // probably cut by the window
            var time = 0
            var ids = Set<String>()
            var boundary = false
            for line in lines.reversed() {
                guard let event = try? JSON.parse(String(line)), let t = event["effective_at"]?.intValue else {
                    throw FileError("\(path): a line that is not an audit event; not appending to it")
                }
                if time == 0 { time = t }
                guard t == time else {
                    boundary = true
                    break
                }
                if let id = event["id"]?.stringValue { ids.insert(id) }
            }
            if boundary || offset == 0 { return (time, ids, repaired) }
            window *= 4
        }
    }
}
