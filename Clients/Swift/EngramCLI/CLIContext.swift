import Foundation
import Synchronization

/// Where a command writes, and the environment it reads. Task-local so tests can run commands
/// in-process with captured output and their own environment.
public struct CLIContext: Sendable {
    /// Writes to standard output.
    public var out: @Sendable (String) -> Void
    /// Writes to standard error.
    public var err: @Sendable (String) -> Void
    /// The environment (ENGRAM_SERVER, ENGRAM_API_KEY, ENGRAM_STORE).
    public var environment: [String: String]
    /// Whether standard error is a terminal: progress bars redraw in place only then.
    public var errIsTerminal: Bool

    public init(
        out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void,
        environment: [String: String], errIsTerminal: Bool
    ) {
        self.out = out
        self.err = err
        self.environment = environment
        self.errIsTerminal = errIsTerminal
    }

    /// The process's own standard output, standard error and environment.
    public static let standard = CLIContext(
        out: { FileHandle.standardOutput.write(Data($0.utf8)) },
        err: { FileHandle.standardError.write(Data($0.utf8)) },
        environment: ProcessInfo.processInfo.environment,
        errIsTerminal: isatty(2) == 1)

    /// The context commands of the current task use.
    @TaskLocal public static var current = CLIContext.standard

    /// Writes a line to standard output.
    public static func print(_ line: String) { current.out(line + "\n") }

    /// Writes a line to standard error.
    public static func printError(_ line: String) { current.err(line + "\n") }
}

/// Output captured in memory, for tests and for callers that want a command's text.
public final class CapturedOutput: Sendable {
    private let buffers = Mutex<(out: String, err: String)>(("", ""))

    public init() {}

    public var out: String { buffers.withLock { $0.out } }
    public var err: String { buffers.withLock { $0.err } }

    /// A context writing into this capture, with the given environment.
    public func context(environment: [String: String] = [:]) -> CLIContext {
        CLIContext(
            out: { text in self.buffers.withLock { $0.out += text } },
            err: { text in self.buffers.withLock { $0.err += text } },
            environment: environment, errIsTerminal: false)
    }
}
