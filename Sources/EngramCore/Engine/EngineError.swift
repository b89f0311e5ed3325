/// One problem with one field of a request, e.g. `identifiers[2].value`.
public struct FieldViolation: Sendable, Hashable, CustomStringConvertible {
    /// The field's path in the request, with positions: `observations[3].source`.
    public var field: String
    /// What is wrong with it, for a human.
    public var description: String

    /// Creates a violation for `field`.
    public init(field: String, description: String) {
        self.field = field
        self.description = description
    }
}

/// The only error the engine throws. Its code maps one-to-one onto a gRPC status.
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Error codes; raw values are gRPC status numbers so the wire layer can pass them through.
    public enum Code: Int, Sendable, Hashable, CaseIterable {
        case invalidArgument = 3
        case notFound = 5
        case alreadyExists = 6
        case permissionDenied = 7
        case resourceExhausted = 8
        case failedPrecondition = 9
        case aborted = 10
        case outOfRange = 11
        case `internal` = 13
    }

    /// The status code.
    public var code: Code
    /// A one-line explanation, naming the field when there is one.
    public var message: String
    /// Every field that was wrong, in request order.
    public var fieldViolations: [FieldViolation]

    /// Creates an error.
    public init(code: Code, message: String, fieldViolations: [FieldViolation] = []) {
        self.code = code
        self.message = message
        self.fieldViolations = fieldViolations
    }

    /// The code, its number and the message.
    public var description: String { "\(code) (\(code.rawValue)): \(message)" }

    /// An error for a list of violations; the message names the first and counts the rest.
    static func fields(_ violations: [FieldViolation], code: Code = .invalidArgument) -> EngineError {
        guard let first = violations.first else {
            return EngineError(code: code, message: "invalid request")
        }
        var message = "\(first.field): \(first.description)"
        if violations.count > 1 { message += " (and \(violations.count - 1) more)" }
        return EngineError(code: code, message: message, fieldViolations: violations)
    }

    /// An error for one bad field.
    static func field(_ field: String, _ description: String, code: Code = .invalidArgument) -> EngineError {
        fields([FieldViolation(field: field, description: description)], code: code)
    }

    static func storeNotFound(_ id: String) -> EngineError {
        EngineError(
            code: .notFound, message: "store_id: no store \"\(id)\"",
            fieldViolations: [FieldViolation(field: "store_id", description: "no store \"\(id)\"")])
    }

    static func profileNotFound(_ id: String) -> EngineError {
        EngineError(
            code: .notFound, message: "profile_id: no profile \"\(id)\" in this store",
            fieldViolations: [FieldViolation(field: "profile_id", description: "no profile \"\(id)\" in this store")])
    }
}

/// Collects violations while a request is checked, so one error can report them all.
struct Violations {
    private(set) var items: [FieldViolation] = []

    var isEmpty: Bool { items.isEmpty }

    mutating func add(_ field: String, _ description: String) {
        items.append(FieldViolation(field: field, description: description))
    }

    /// Throws if anything was collected.
    func check(code: EngineError.Code = .invalidArgument) throws(EngineError) {
        if !items.isEmpty { throw EngineError.fields(items, code: code) }
    }
}
