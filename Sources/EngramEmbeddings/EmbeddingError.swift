/// Why a model could not be loaded or used.
public struct EmbeddingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Code: String, Sendable {
        /// A model file is absent or unreadable.
        case missingFile = "missing_file"
        /// A file is there but is not what the model needs (format, tensor, shape, dtype).
        case badModel = "bad_model"
    }

    /// The kind of problem.
    public var code: Code
    /// A sentence naming the file, tensor or field at fault.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
