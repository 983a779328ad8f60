import AdmAPI

/// Test reports of script runs: JUnit XML, TAP, JSON.
public enum Reports {
    /// The report formats `adm run --report` writes.
    public enum Format: String, Sendable { case junit, tap, json }

    /// A run of one script file.
    public struct FileRun: Sendable {
        public var file: String
        public var expectations: [ExpectationRecord]
        public var failures: [String]
        public var exitStatus: Int32
        public var seconds: Double

        public init(file: String, expectations: [ExpectationRecord], failures: [String], exitStatus: Int32, seconds: Double) {
            self.file = file
            self.expectations = expectations
            self.failures = failures
            self.exitStatus = exitStatus
            self.seconds = seconds
        }
    }

    public static func render(_ runs: [FileRun], format: Format) -> String {
        switch format {
        case .junit: return junit(runs)
        case .tap: return tap(runs)
        case .json: return json(runs)
        }
    }

    /// Test cases of a run: each `expect`, plus each failure that was not an `expect`.
    static func cases(_ run: FileRun) -> [(name: String, passed: Bool, message: String, seconds: Double)] {
        var out = run.expectations.map { (name: "line \($0.line): \($0.text)", passed: $0.passed, message: $0.message, seconds: $0.seconds) }
        let expectFailures = Set(run.expectations.filter { !$0.passed }.map(\.message))
        for f in run.failures where !expectFailures.contains(where: { f.hasSuffix($0) }) {
            out.append((name: oneLine(f), passed: false, message: f, seconds: 0))
        }
        if out.isEmpty { out.append((name: "script runs", passed: run.exitStatus == 0, message: "exit \(run.exitStatus)", seconds: run.seconds)) }
        return out
    }

    static func junit(_ runs: [FileRun]) -> String {
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let all = runs.map(cases)
        let total = all.map(\.count).reduce(0, +)
        let failed = all.map { $0.filter { !$0.passed }.count }.reduce(0, +)
        s += "<testsuites name=\"adm\" tests=\"\(total)\" failures=\"\(failed)\">\n"
        for (run, cs) in zip(runs, all) {
            let f = cs.filter { !$0.passed }.count
            s += "  <testsuite name=\"\(xml(run.file))\" tests=\"\(cs.count)\" failures=\"\(f)\" errors=\"0\" time=\"\(format(run.seconds))\">\n"
            for c in cs {
                s += "    <testcase classname=\"\(xml(run.file))\" name=\"\(xml(c.name))\" time=\"\(format(c.seconds))\""
                if c.passed {
                    s += "/>\n"
                } else {
                    s += ">\n      <failure message=\"\(xml(oneLine(c.message)))\">\(xml(c.message))</failure>\n    </testcase>\n"
                }
            }
            s += "  </testsuite>\n"
        }
        return s + "</testsuites>\n"
    }

    static func tap(_ runs: [FileRun]) -> String {
        let all = runs.flatMap { run in cases(run).map { (run.file, $0) } }
        var s = "TAP version 13\n# adm run report\n1..\(all.count)\n"
        for (n, (file, c)) in all.enumerated() {
            s += "\(c.passed ? "ok" : "not ok") \(n + 1) - \(file): \(oneLine(c.name))\n"
            if !c.passed {
                s += "  ---\n  message: \(yamlString(c.message))\n  ...\n"
            }
        }
        return s
    }

    static func json(_ runs: [FileRun]) -> String {
        let value: JSON = .obj([
            "object": "adm.report",
            "runs": .array(
                runs.map { run in
                    .obj([
                        "file": .string(run.file), "exit_status": .int(Int(run.exitStatus)), "seconds": .double(run.seconds),
                        "cases": .array(
                            cases(run).map { .obj(["name": .string($0.name), "passed": .bool($0.passed), "message": .string($0.message)]) }
                        ),
                    ])
                }
            ),
        ])
        return value.serialized(pretty: true) + "\n"
    }

    static func xml(_ s: String) -> String {
        s.escaping(["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&apos;", "\n": "&#10;"]) { c in
            c.value < 0x20 && c != "\t" ? "&#\(c.value);" : nil
        }
    }

    static func yamlString(_ s: String) -> String { JSON.string(s).serialized() }

    static func oneLine(_ s: String) -> String {
        let flat = s.replacing("\n", with: " ")
        return flat.count > 200 ? String(flat.prefix(199)) + "…" : flat
    }

    static func format(_ d: Double) -> String {
        let ms = Int(saturating: (d * 1000).rounded())
        return "\(ms / 1000).\(String(ms % 1000).leftPadded(to: 3))"
    }
}
