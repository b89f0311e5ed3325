import EngramWire
import Hummingbird

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A failed HTTP request, answered as the hosted product answers errors:
/// `{code, message, more_info, status}`, plus Engram's own `error` (the status name) and
/// `fieldViolations`. Made from the Status the method table answered, so the binary protocol
/// and HTTP report the same problem in the same words (field names in the JSON spelling).
public struct APIError: Error, HTTPResponseError, Sendable {
    /// The Engram status (gRPC's numbering), also the JSON `code`.
    public var code: StatusCode
    public var message: String
    public var fieldViolations: [Wire.FieldViolation]
    /// The HTTP status, from `code` unless set.
    public var status: HTTPResponse.Status
    /// Extra headers (a redirect's `Location`, a rate limit's `Retry-After`).
    var headers: HTTPFields = [:]
    /// Set when a key's rate limit refused the request: when a retry can succeed.
    var retryAfterMs: UInt64 = 0

    public init(_ code: StatusCode, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.fieldViolations = field.map { [Wire.FieldViolation(field: $0, description: message)] } ?? []
        self.status = Self.httpStatus(code, hasFields: field != nil)
    }

    /// The method table's answer, with field names spelled as the JSON spells them.
    init(_ status: Wire.Status) {
        self.code = StatusCode(rawValue: status.code)
        self.message = JSONNames.translate(status.message)
        self.fieldViolations = status.fieldViolations.map {
            Wire.FieldViolation(field: JSONNames.path($0.field), description: JSONNames.translate($0.description))
        }
        self.status = Self.httpStatus(code, hasFields: !status.fieldViolations.isEmpty)
        if status.retryAfterMs > 0 {
            retryAfterMs = status.retryAfterMs
            // Retry-After counts whole seconds (RFC 9110), rounded up so a client that obeys it
            // is not refused again.
            headers[.retryAfter] = String((status.retryAfterMs + 999) / 1_000)
        }
    }

    static func invalid(_ field: String, _ description: String) -> APIError {
        var error = APIError(.invalidArgument, "\(field): \(description)")
        error.fieldViolations = [Wire.FieldViolation(field: field, description: description)]
        error.status = .badRequest
        return error
    }

    static func notFound(_ message: String) -> APIError { APIError(.notFound, message) }

    /// gRPC's mapping onto HTTP (google.rpc.Code), except that a limit a request's own content
    /// broke (too many traits, a field too long) is the caller's mistake, 400, not a 429 to
    /// retry later.
    static func httpStatus(_ code: StatusCode, hasFields: Bool) -> HTTPResponse.Status {
        switch code {
        case .ok: .ok
        case .cancelled: .init(code: 499, reasonPhrase: "Client Closed Request")
        case .invalidArgument, .outOfRange, .failedPrecondition: .badRequest
        case .deadlineExceeded: .gatewayTimeout
        case .notFound: .notFound
        case .alreadyExists, .aborted: .conflict
        case .permissionDenied: .forbidden
        case .unauthenticated: .unauthorized
        case .resourceExhausted: hasFields ? .badRequest : .tooManyRequests
        case .unimplemented: .notImplemented
        case .unavailable: .serviceUnavailable
        default: .internalServerError
        }
    }

    struct Body: Encodable {
        var code: UInt32
        var error: String
        var message: String
        var more_info: String
        var status: Int
        var fieldViolations: [Violation]?
        var retryAfterMs: UInt64?
        struct Violation: Encodable {
            var field: String
            var description: String
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Basic realm=\"engram\", Bearer" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: encodedBody))
    }

    /// The error's JSON: `{code, error, message, more_info, status, fieldViolations}`.
    var encodedBody: ByteBuffer {
        let body = Body(
            code: code.rawValue, error: code.description, message: message,
            more_info: "https://github.com/engram-memory/engram/blob/main/docs/http.md#errors",
            status: status.code,
            fieldViolations: fieldViolations.isEmpty
                ? nil : fieldViolations.map { Body.Violation(field: $0.field, description: $0.description) },
            retryAfterMs: retryAfterMs > 0 ? retryAfterMs : nil)
        return JSONBody.encode(body)
    }
}
