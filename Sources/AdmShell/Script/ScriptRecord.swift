/// What a script run keeps for its report: each `expect` as it ran, and the file being run.
public struct ScriptRecord: Sendable {
    /// Every `expect` run, in order.
    public var expectations: [ExpectationRecord] = []
    /// The script file being run (for messages and reports).
    public var currentFile: String?
    /// Print a ✓ line for each passing `expect` (scripts show progress).
    public var echoExpectations = true
    /// How many `run` statements are running inside one another.
    public var runDepth = 0

    public init() {}
}
