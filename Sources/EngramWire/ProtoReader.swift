/// Reads protobuf fields from untrusted bytes.
///
/// Every read is bounds-checked against the enclosing message, so a hostile length can never make
/// the reader run past its input or allocate more than the input holds. Offsets in errors are
/// relative to the start of the outermost payload.
public struct ProtoReader {
    /// Nested messages (and groups being skipped) deeper than this are rejected.
    public static let maxDepth = 64

    @usableFromInline let base: UnsafeRawPointer
    @usableFromInline var position: Int
    @usableFromInline let end: Int
    @usableFromInline let depth: Int

    public init(_ buffer: UnsafeRawBufferPointer) {
        // An empty buffer may have a nil base address; any valid pointer works since it is
        // never dereferenced when end == 0.
        self.base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 0x10)!
        self.position = 0
        self.end = buffer.count
        self.depth = 0
    }

    init(base: UnsafeRawPointer, position: Int, end: Int, depth: Int) {
        self.base = base
        self.position = position
        self.end = end
        self.depth = depth
    }

    public var isAtEnd: Bool { position >= end }

    // MARK: Primitives

    @inline(__always)
    mutating func readVarint(_ field: String) throws(WireDecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = position
        while true {
            guard position < end else { throw WireDecodingError(.truncated, field: field, offset: start) }
            let byte = base.load(fromByteOffset: position, as: UInt8.self)
            position &+= 1
            if shift == 63 && byte > 1 {
                throw WireDecodingError(.malformedVarint, field: field, offset: start)
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    @inline(__always)
    mutating func readFixed32(_ field: String) throws(WireDecodingError) -> UInt32 {
        guard end - position >= 4 else { throw WireDecodingError(.truncated, field: field, offset: position) }
        let v = base.loadUnaligned(fromByteOffset: position, as: UInt32.self)
        position &+= 4
        return UInt32(littleEndian: v)
    }

    @inline(__always)
    mutating func readFixed64(_ field: String) throws(WireDecodingError) -> UInt64 {
        guard end - position >= 8 else { throw WireDecodingError(.truncated, field: field, offset: position) }
        let v = base.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        position &+= 8
        return UInt64(littleEndian: v)
    }

    /// Reads a length prefix and checks that many bytes remain.
    @inline(__always)
    mutating func readLength(_ field: String) throws(WireDecodingError) -> Int {
        let start = position
        let length = try readVarint(field)
        guard length <= UInt64(end - position) else {
            throw WireDecodingError(.lengthOutOfBounds, field: field, offset: start)
        }
        return Int(length)
    }

    /// The next field's number and wire type, or nil at the end of the message.
    @inline(__always)
    public mutating func nextTag() throws(WireDecodingError) -> (UInt32, WireType)? {
        guard position < end else { return nil }
        let start = position
        let key = try readVarint("")
        guard key <= UInt64(UInt32.max), key >> 3 != 0, let wire = WireType(rawValue: UInt8(key & 7)) else {
            throw WireDecodingError(.invalidTag, offset: start)
        }
        return (UInt32(key >> 3), wire)
    }

    @inline(__always)
    func expect(_ wire: WireType, _ actual: WireType, _ field: String) throws(WireDecodingError) {
        if wire != actual { throw WireDecodingError(.wrongWireType, field: field, offset: position) }
    }

    // MARK: Skipping unknown fields

    /// Skips a field this decoder does not know (proto3: unknown fields are ignored).
    public mutating func skip(_ number: UInt32, _ wire: WireType) throws(WireDecodingError) {
        switch wire {
        case .varint: _ = try readVarint("")
        case .fixed64: _ = try readFixed64("")
        case .fixed32: _ = try readFixed32("")
        case .lengthDelimited: position += try readLength("")
        case .endGroup: throw WireDecodingError(.unbalancedGroup, offset: position)
        case .startGroup:
            guard depth < Self.maxDepth else { throw WireDecodingError(.tooDeep, offset: position) }
            var inner = ProtoReader(base: base, position: position, end: end, depth: depth + 1)
            while true {
                guard let (n, w) = try inner.nextTag() else {
                    throw WireDecodingError(.unbalancedGroup, offset: inner.position)
                }
                if w == .endGroup {
                    guard n == number else { throw WireDecodingError(.unbalancedGroup, offset: inner.position) }
                    break
                }
                try inner.skip(n, w)
            }
            position = inner.position
        }
    }

    // MARK: Scalar fields

    @inline(__always)
    public mutating func uint32(_ wire: WireType, _ field: String) throws(WireDecodingError) -> UInt32 {
        try expect(.varint, wire, field)
        return UInt32(truncatingIfNeeded: try readVarint(field))
    }

    @inline(__always)
    public mutating func uint64(_ wire: WireType, _ field: String) throws(WireDecodingError) -> UInt64 {
        try expect(.varint, wire, field)
        return try readVarint(field)
    }

    @inline(__always)
    public mutating func int32(_ wire: WireType, _ field: String) throws(WireDecodingError) -> Int32 {
        try expect(.varint, wire, field)
        return Int32(truncatingIfNeeded: try readVarint(field))
    }

    @inline(__always)
    public mutating func int64(_ wire: WireType, _ field: String) throws(WireDecodingError) -> Int64 {
        try expect(.varint, wire, field)
        return Int64(bitPattern: try readVarint(field))
    }

    @inline(__always)
    public mutating func sint64(_ wire: WireType, _ field: String) throws(WireDecodingError) -> Int64 {
        try expect(.varint, wire, field)
        let v = try readVarint(field)
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    @inline(__always)
    public mutating func sfixed64(_ wire: WireType, _ field: String) throws(WireDecodingError) -> Int64 {
        try expect(.fixed64, wire, field)
        return Int64(bitPattern: try readFixed64(field))
    }

    @inline(__always)
    public mutating func bool(_ wire: WireType, _ field: String) throws(WireDecodingError) -> Bool {
        try expect(.varint, wire, field)
        return try readVarint(field) != 0
    }

    @inline(__always)
    public mutating func enumValue<E: ProtoEnum>(_ wire: WireType, _ field: String) throws(WireDecodingError) -> E {
        E(rawValue: try int32(wire, field))
    }

    @inline(__always)
    public mutating func float(_ wire: WireType, _ field: String) throws(WireDecodingError) -> Float {
        try expect(.fixed32, wire, field)
        return Float(bitPattern: try readFixed32(field))
    }

    @inline(__always)
    public mutating func double(_ wire: WireType, _ field: String) throws(WireDecodingError) -> Double {
        try expect(.fixed64, wire, field)
        return Double(bitPattern: try readFixed64(field))
    }

    @inline(__always)
    public mutating func string(_ wire: WireType, _ field: String) throws(WireDecodingError) -> String {
        try expect(.lengthDelimited, wire, field)
        let start = position
        let length = try readLength(field)
        if length == 0 { return "" }
        let bytes = UnsafeBufferPointer(
            start: (base + position).assumingMemoryBound(to: UInt8.self), count: length)
        position &+= length
        // Most strings are ASCII, and String(decoding:) is several times faster than
        // String(validating:); it cannot repair anything in pure ASCII.
        if Self.isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw WireDecodingError(.invalidUTF8, field: field, offset: start)
        }
        return s
    }

    @inline(__always)
    public mutating func bytes(_ wire: WireType, _ field: String) throws(WireDecodingError) -> [UInt8] {
        try expect(.lengthDelimited, wire, field)
        let length = try readLength(field)
        let bytes = [UInt8](UnsafeRawBufferPointer(start: base + position, count: length))
        position &+= length
        return bytes
    }

    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(bytes)
        var i = 0
        var acc: UInt64 = 0
        while i &+ 8 <= raw.count {
            acc |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i &+= 8
        }
        while i < raw.count {
            acc |= UInt64(raw[i])
            i &+= 1
        }
        return acc & 0x8080_8080_8080_8080 == 0
    }

    // MARK: Repeated fields

    /// Repeated floats, packed (the proto3 default) or one per tag (which parsers must accept).
    @inline(__always)
    public mutating func floats(_ wire: WireType, _ field: String, into values: inout [Float]) throws(WireDecodingError)
    {
        switch wire {
        case .fixed32:
            values.append(Float(bitPattern: try readFixed32(field)))
        case .lengthDelimited:
            let start = position
            let length = try readLength(field)
            guard length % 4 == 0 else { throw WireDecodingError(.badPackedLength, field: field, offset: start) }
            let count = length / 4
            values.reserveCapacity(values.count + count)
            for i in 0..<count {
                let v = base.loadUnaligned(fromByteOffset: position + i * 4, as: UInt32.self)
                values.append(Float(bitPattern: UInt32(littleEndian: v)))
            }
            position &+= length
        default:
            throw WireDecodingError(.wrongWireType, field: field, offset: position)
        }
    }

    /// Repeated enums, packed (the proto3 default) or one per tag.
    public mutating func enumValues<E: ProtoEnum>(_ wire: WireType, _ field: String, into values: inout [E])
        throws(WireDecodingError)
    {
        switch wire {
        case .varint:
            values.append(E(rawValue: Int32(truncatingIfNeeded: try readVarint(field))))
        case .lengthDelimited:
            let start = position
            let length = try readLength(field)
            let stop = position + length
            while position < stop {
                values.append(E(rawValue: Int32(truncatingIfNeeded: try readVarint(field))))
            }
            guard position == stop else { throw WireDecodingError(.badPackedLength, field: field, offset: start) }
        default:
            throw WireDecodingError(.wrongWireType, field: field, offset: position)
        }
    }

    // MARK: Messages and maps

    /// Decodes a length-delimited message into `value`, merging as protobuf specifies when the
    /// field appears more than once.
    @inline(__always)
    public mutating func message<M: ProtoMessage>(_ wire: WireType, _ field: String, into value: inout M)
        throws(WireDecodingError)
    {
        try expect(.lengthDelimited, wire, field)
        let length = try readLength(field)
        guard depth < Self.maxDepth else { throw WireDecodingError(.tooDeep, field: field, offset: position) }
        var inner = ProtoReader(base: base, position: position, end: position + length, depth: depth + 1)
        do {
            try value.decodeFields(from: &inner)
        } catch {
            var e = error
            e.prefix(field: field)
            throw e
        }
        position &+= length
    }

    @inline(__always)
    public mutating func message<M: ProtoMessage>(_ wire: WireType, _ field: String) throws(WireDecodingError) -> M {
        var value = M()
        try message(wire, field, into: &value)
        return value
    }

    /// One entry of a `map<string, M>` field. A missing key or value means the default, and a
    /// repeated key keeps the last value, as protobuf specifies.
    public mutating func mapEntry<M: ProtoMessage>(_ wire: WireType, _ field: String, into map: inout [String: M])
        throws(WireDecodingError)
    {
        try expect(.lengthDelimited, wire, field)
        let length = try readLength(field)
        guard depth < Self.maxDepth else { throw WireDecodingError(.tooDeep, field: field, offset: position) }
        var inner = ProtoReader(base: base, position: position, end: position + length, depth: depth + 1)
        var key = ""
        var value = M()
        do {
            while let (number, w) = try inner.nextTag() {
                switch number {
                case 1: key = try inner.string(w, "key")
                case 2: try inner.message(w, "value", into: &value)
                default: try inner.skip(number, w)
                }
            }
        } catch {
            var e = error
            e.prefix(field: field)
            throw e
        }
        map[key] = value
        position &+= length
    }
}

extension ProtoReader {
    /// A singular message field with presence; a repeat merges into the earlier value.
    @inline(__always)
    public mutating func message<M: ProtoMessage>(_ wire: WireType, _ field: String, merging value: inout M?)
        throws(WireDecodingError)
    {
        var v = value ?? M()
        try message(wire, field, into: &v)
        value = v
    }

    /// One element of a repeated message field. Errors name the element's index.
    @inline(__always)
    public mutating func message<M: ProtoMessage>(_ wire: WireType, _ field: String, appendingTo values: inout [M])
        throws(WireDecodingError)
    {
        try expect(.lengthDelimited, wire, field)
        let length = try readLength(field)
        guard depth < Self.maxDepth else { throw WireDecodingError(.tooDeep, field: field, offset: position) }
        var inner = ProtoReader(base: base, position: position, end: position + length, depth: depth + 1)
        var value = M()
        do {
            try value.decodeFields(from: &inner)
        } catch {
            var e = error
            e.prefix(field: "\(field)[\(values.count)]")
            throw e
        }
        values.append(value)
        position &+= length
    }
}
