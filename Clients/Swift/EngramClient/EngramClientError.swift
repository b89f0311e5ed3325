import EngramWire

/// A failed call: the server's status, or a local failure expressed as one.
public struct EngramClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The status code (gRPC's numbers).
    public var code: StatusCode
    /// The server's (or the client's) explanation.
    public var message: String
    /// For INVALID_ARGUMENT: the fields at fault.
    public var fieldViolations: [Wire.FieldViolation]
    /// For RESOURCE_EXHAUSTED from the key's rate limit: how long to wait before retrying.
    public var retryAfter: Duration?

    public init(
        code: StatusCode, message: String, fieldViolations: [Wire.FieldViolation] = [], retryAfter: Duration? = nil
    ) {
        self.code = code
        self.message = message
        self.fieldViolations = fieldViolations
        self.retryAfter = retryAfter
    }

    init(_ status: Wire.Status) {
        self.init(
            code: status.statusCode, message: status.message, fieldViolations: status.fieldViolations,
            retryAfter: status.retryAfterMs > 0 ? .milliseconds(Int64(clamping: status.retryAfterMs)) : nil)
    }

    public var description: String {
        var s = "\(code): \(message)"
        for v in fieldViolations where !message.contains(v.field) { s += "; \(v.field): \(v.description)" }
        return s
    }

    static func unavailable(_ message: String) -> Self { Self(code: .unavailable, message: message) }
}
