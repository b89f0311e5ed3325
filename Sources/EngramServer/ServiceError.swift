import EngramCore
import EngramWire

/// A failed request: the Status sent back.
struct ServiceError: Error {
    var status: Wire.Status

    init(_ code: StatusCode, _ message: String, field: String? = nil) {
        status = Wire.Status(
            code: code, message: message,
            fieldViolations: field.map { [Wire.FieldViolation(field: $0, description: message)] } ?? [])
    }

    init(_ error: EngineError) {
        status = Wire.Status(
            code: StatusCode(rawValue: UInt32(error.code.rawValue)), message: error.message,
            fieldViolations: error.fieldViolations.map {
                Wire.FieldViolation(field: $0.field, description: $0.description)
            })
    }

    init(_ error: WireDecodingError) {
        let path = error.fieldPath
        status = Wire.Status(
            code: .invalidArgument, message: "payload is not a valid \(error.messageName): \(error)",
            fieldViolations: path.isEmpty
                ? [] : [Wire.FieldViolation(field: path, description: error.code.rawValue)])
    }

    /// A key over its rate limit: RESOURCE_EXHAUSTED with when to retry.
    static func rateLimited(key: String, limit: RateLimit?, retryAfter: Duration) -> ServiceError {
        let (seconds, attoseconds) = retryAfter.components
        let ms =
            UInt64(max(0, seconds)) * 1_000 + UInt64(max(0, attoseconds) + 999_999_999_999_999) / 1_000_000_000_000_000
        let who = key.isEmpty ? "this key" : "key '\(key)'"
        var error = ServiceError(
            .resourceExhausted,
            "\(who) is over its rate limit (\(limit.map { "\($0)" } ?? "none")); retry in \(ms) ms")
        error.status.retryAfterMs = max(1, ms)
        return error
    }

    static func invalid(_ field: String, _ description: String) -> ServiceError {
        ServiceError(.invalidArgument, "\(field): \(description)", field: field)
    }
}
