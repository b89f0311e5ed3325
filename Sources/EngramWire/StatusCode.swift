/// A response status code. The numbers are gRPC's, so tooling and habits carry over.
public struct StatusCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let ok = Self(rawValue: 0)
    public static let cancelled = Self(rawValue: 1)
    public static let unknown = Self(rawValue: 2)
    public static let invalidArgument = Self(rawValue: 3)
    public static let deadlineExceeded = Self(rawValue: 4)
    public static let notFound = Self(rawValue: 5)
    public static let alreadyExists = Self(rawValue: 6)
    public static let permissionDenied = Self(rawValue: 7)
    public static let resourceExhausted = Self(rawValue: 8)
    public static let failedPrecondition = Self(rawValue: 9)
    public static let aborted = Self(rawValue: 10)
    public static let outOfRange = Self(rawValue: 11)
    public static let unimplemented = Self(rawValue: 12)
    public static let `internal` = Self(rawValue: 13)
    public static let unavailable = Self(rawValue: 14)
    public static let dataLoss = Self(rawValue: 15)
    public static let unauthenticated = Self(rawValue: 16)

    static let names = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
        "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
        "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ]

    public var description: String {
        rawValue < Self.names.count ? Self.names[Int(rawValue)] : "STATUS_\(rawValue)"
    }
}

extension Wire.Status {
    /// A status with a code and message, and optionally the fields at fault.
    public init(code: StatusCode, message: String, fieldViolations: [Wire.FieldViolation] = []) {
        self.init()
        self.code = code.rawValue
        self.message = message
        self.fieldViolations = fieldViolations
    }

    public var statusCode: StatusCode { StatusCode(rawValue: code) }
}
