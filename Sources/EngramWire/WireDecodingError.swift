/// Why a protobuf payload could not be decoded.
///
/// The error names the message and the field path where decoding stopped, e.g.
/// `ObserveRequest.observations.content: invalid UTF-8`.
public struct WireDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Hashable, Sendable {
        case truncated = "truncated input"
        case malformedVarint = "malformed varint"
        case invalidTag = "invalid tag"
        case wrongWireType = "wrong wire type"
        case lengthOutOfBounds = "length exceeds the remaining input"
        case invalidUTF8 = "invalid UTF-8"
        case tooDeep = "nesting too deep"
        case unbalancedGroup = "unbalanced group"
        case badPackedLength = "packed length is not a multiple of the element size"
    }

    public var code: Code
    /// The outermost message being decoded, e.g. `ObserveRequest`.
    public var messageName: String
    /// A dotted path from that message to the field, e.g. `observations.content`; empty when the
    /// error is in a tag rather than a field.
    public var fieldPath: String
    /// The byte offset in the input where the problem was found.
    public var offset: Int

    public init(_ code: Code, field: String = "", offset: Int) {
        self.code = code
        self.messageName = ""
        self.fieldPath = field
        self.offset = offset
    }

    public var description: String {
        var s = messageName
        if !fieldPath.isEmpty { s += s.isEmpty ? fieldPath : "." + fieldPath }
        return "\(s): \(code.rawValue) at byte \(offset)"
    }

    mutating func prefix(field: String) {
        fieldPath = fieldPath.isEmpty ? field : field + "." + fieldPath
    }
}
