/// The one place URLs and request paths are taken apart: a URL's host, its target (path and
/// query), a path's query, an API path written any of the ways people write one, the project
/// id in a path, and the sandbox's control root beside its API.
public enum APIPath {
    /// The URL without its scheme: `host:port/path?query`.
    ///
    /// Searched byte by byte: `firstRange(of:)` is generic (from _StringProcessing) and its first
    /// call in a run resolves types by name, a cost every one-liner paid here.
    static func afterScheme(_ url: String) -> Substring {
        let bytes = url.utf8
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == UInt8(ascii: ":") {
                let slash1 = bytes.index(after: i)
                if slash1 < bytes.endIndex, bytes[slash1] == UInt8(ascii: "/") {
                    let slash2 = bytes.index(after: slash1)
                    if slash2 < bytes.endIndex, bytes[slash2] == UInt8(ascii: "/") { return url[bytes.index(after: slash2)...] }
                }
            }
            i = bytes.index(after: i)
        }
        return url[...]
    }

    /// `host:port` of a URL.
    public static func authority(of url: String) -> String {
        let rest = afterScheme(url)
        let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        return String(rest[..<end])
    }

    /// The host of a URL (a bracketed IPv6 address keeps its brackets).
    public static func host(of url: String) -> String {
        var hostPort = Substring(authority(of: url))
        if hostPort.hasPrefix("[") { return String(hostPort.prefix(while: { $0 != "]" })) + "]" }
        if let colon = hostPort.lastIndex(of: ":") { hostPort = hostPort[..<colon] }
        return String(hostPort)
    }

    /// `/v1/organization/projects?limit=5` from a full URL.
    public static func target(of url: String) -> String {
        let rest = afterScheme(url)
        guard let start = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        return rest[start] == "?" ? "/" + rest[start...] : String(rest[start...])
    }

    /// A target's path and its query text (empty when none).
    public static func split(_ target: String) -> (path: String, query: Substring) {
        guard let q = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<q]), target[target.index(after: q)...])
    }

    /// `/v1/organization/x`, `https://api.openai.com/v1/organization/x` and `organization/x`
    /// all become `/organization/x` (relative to `base`).
    public static func normalize(_ path: String, base: String) -> String {
        var p = path
        if p.hasPrefix(base) { p.removeFirst(base.count) }
        if p.contains("://") {
            let target = target(of: p)
            p = target
        }
        if !p.hasPrefix("/") { p = "/" + p }
        if p.hasPrefix("/v1/") { p.removeFirst(3) }
        return p
    }

    /// The project id a path names (`/organization/projects/proj_…/…`).
    public static func projectID(in path: String) -> String? {
        path.split(separator: "/").first { $0.hasPrefix("proj_") }.map(String.init)
    }

    /// Whether the base URL ends in the API version (`…/v1`), as the official SDKs write it.
    public static func hasVersion(_ base: String) -> Bool { base.hasSuffix("/v1") }

    /// The sandbox's control root beside an API base URL: `http://127.0.0.1:PORT/_sandbox`.
    public static func sandboxControl(for base: String) -> String {
        (hasVersion(base) ? String(base.dropLast(3)) : base) + "/_sandbox"
    }
}
