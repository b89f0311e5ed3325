import ArgumentParser

/// A failure of the command line itself (a bad file, a bad mapping, a bad address), as opposed
/// to a status from the server, which arrives as `EngramClientError`.
public struct CLIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The process exit status this failure ends with (see `ExitStatus`).
    public var code: Int32
    /// What went wrong, naming the input at fault.
    public var message: String

    public init(code: Int32 = ExitStatus.failure, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Bad flags or arguments: the usage exit status.
    public static func usage(_ message: String) -> CLIError { CLIError(code: ExitStatus.usage, message) }

    public var description: String { message }
}

extension CLIError {
    /// Runs a check in a command's `validate()`, turning a CLIError into ArgumentParser's
    /// ValidationError so it is reported with the usage line and the usage exit status.
    public static func validating(_ body: () throws -> Void) throws {
        do { try body() } catch let error as CLIError { throw ValidationError(error.message) }
    }
}
