/// Why storage failed: a code to branch on and a message naming the file, offset or flag.
public struct StorageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Hashable {
        /// A system call failed (the message names the call, the file and errno).
        case io
        /// The disk is full (ENOSPC or EDQUOT); writes resume once space returns.
        case diskFull = "disk_full"
        /// The data directory is missing, not a directory, or not readable and writable.
        case badDirectory = "bad_directory"
        /// Another process holds the data directory's lock file.
        case locked
        /// A log record in the middle of the log is damaged.
        case corruptLog = "corrupt_log"
        /// A snapshot file cannot be read back.
        case corruptSnapshot = "corrupt_snapshot"
        /// A logged command no longer applies (a bug, or a log from elsewhere).
        case replayFailed = "replay_failed"
        /// Storage was closed.
        case closed
        /// An option is out of range.
        case invalidOption = "invalid_option"
    }

    /// The kind of failure.
    public var code: Code
    /// What happened, naming the file, offset or flag involved.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The code and the message.
    public var description: String { "\(code.rawValue): \(message)" }
}
