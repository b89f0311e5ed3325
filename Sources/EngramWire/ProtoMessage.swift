/// A message of Protocol/engram.proto with a hand-written codec.
///
/// Conformers write their fields in field-number order in `encode(to:)` and read one field per
/// call in `decodeField`, returning false for numbers they do not know (which are then skipped).
public protocol ProtoMessage: Sendable, Hashable {
    /// The message's name in the schema, without the package (e.g. `ObserveRequest`).
    static var protoMessageName: String { get }
    init()
    func encode<Output: WireOutput>(to writer: inout ProtoWriter<Output>)
    mutating func decodeField(_ number: UInt32, _ wire: WireType, from reader: inout ProtoReader)
        throws(WireDecodingError) -> Bool
}

/// A proto3 enum. Enums are open: values this build does not know are kept as numbers.
public protocol ProtoEnum: RawRepresentable, Hashable, Sendable, CustomStringConvertible where RawValue == Int32 {
    init(rawValue: Int32)
    /// The schema's names for the known values.
    static var names: [Int32: String] { get }
}

extension ProtoEnum {
    public var description: String { Self.names[rawValue] ?? String(rawValue) }
}

extension ProtoMessage {
    /// The full name in the schema, e.g. `engram.v1.ObserveRequest`.
    public static var protoFullName: String { "engram.v1." + protoMessageName }

    @inline(__always)
    mutating func decodeFields(from reader: inout ProtoReader) throws(WireDecodingError) {
        while let (number, wire) = try reader.nextTag() {
            if try !decodeField(number, wire, from: &reader) {
                try reader.skip(number, wire)
            }
        }
    }

    /// Decodes a message from untrusted bytes.
    public init(decoding buffer: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init()
        var reader = ProtoReader(buffer)
        do {
            try decodeFields(from: &reader)
        } catch {
            var e = error
            e.messageName = Self.protoMessageName
            throw e
        }
    }

    /// Decodes a message from untrusted bytes.
    public init(serializedBytes bytes: [UInt8]) throws(WireDecodingError) {
        let result: Result<Self, WireDecodingError> = bytes.withUnsafeBytes { buffer in
            do throws(WireDecodingError) { return .success(try Self(decoding: buffer)) } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    /// The message's protobuf encoding.
    @inlinable
    public func serializedBytes() -> [UInt8] {
        var writer = ProtoWriter<[UInt8]>()
        encode(to: &writer)
        return writer.output
    }

    /// Appends the message's protobuf encoding to `output`.
    @inlinable
    public func encode<Output: WireOutput>(appendingTo output: inout Output) {
        // Moved in and out, so the output is never shared (and copied) while it is written.
        var writer = ProtoWriter(output: consume output)
        encode(to: &writer)
        output = (consume writer).output
    }
}

extension ProtoMessage {
    /// Builds a message by filling in a default instance: `HelloRequest.with { $0.apiKey = k }`.
    public static func with(_ populate: (inout Self) throws -> Void) rethrows -> Self {
        var message = Self()
        try populate(&message)
        return message
    }
}
