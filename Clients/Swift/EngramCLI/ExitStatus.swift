import EngramWire

/// The exit statuses of `engram` and `engram-load`, documented in docs/cli.md.
public enum ExitStatus {
    /// The command did what it was asked.
    public static let success: Int32 = 0
    /// A local failure: a file that cannot be read, a bad CSV, mapping or JSON Lines input.
    public static let failure: Int32 = 1
    /// An import finished, but some rows were rejected (they are in the rejects file).
    public static let partial: Int32 = 2
    /// Bad flags or arguments (the value ArgumentParser uses, EX_USAGE).
    public static let usage: Int32 = 64
    /// Statuses from the server (or UNAVAILABLE when it cannot be reached) are 10 + the status
    /// code: INVALID_ARGUMENT 13, NOT_FOUND 15, PERMISSION_DENIED 17, UNAVAILABLE 24,
    /// UNAUTHENTICATED 26.
    public static let serverStatusBase: Int32 = 10

    /// The exit status for a failed call with this status code.
    public static func forStatus(_ code: StatusCode) -> Int32 { serverStatusBase + Int32(code.rawValue) }
}
