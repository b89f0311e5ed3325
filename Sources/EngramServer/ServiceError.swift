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

    static func invalid(_ field: String, _ description: String) -> ServiceError {
        ServiceError(.invalidArgument, "\(field): \(description)", field: field)
    }
}
