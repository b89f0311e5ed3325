/// Appends protobuf-encoded fields to an output: a byte array, or (through EngramNIO) the
/// `ByteBuffer` a socket writes, so a response is encoded once, where it is sent from.
///
/// Field writers follow proto3: a field without presence is skipped when it holds its default
/// value, so the output matches protoc's byte for byte (fields in number order, maps sorted by
/// key, repeated floats packed). Everything here is `@inlinable` so the codecs specialize for
/// each output in the module that calls them.
@frozen
public struct ProtoWriter<Output: WireOutput> {
    public var output: Output

    @inlinable
    public init(output: Output) {
        self.output = output
    }

    // MARK: Primitives
    //
    // A field's tag and its varint (value or length) go to the output in one call: with a
    // ByteBuffer each call checks capacity and uniqueness, which costs more than the bytes.

    @inlinable @inline(__always)
    static func put(_ value: UInt64, into raw: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        var v = value
        var i = offset
        while v >= 0x80 {
            raw[i] = UInt8(truncatingIfNeeded: v) | 0x80
            v &>>= 7
            i &+= 1
        }
        raw[i] = UInt8(truncatingIfNeeded: v)
        return i &+ 1
    }

    @inlinable @inline(__always)
    public mutating func varint(_ value: UInt64) {
        if value < 0x80 {
            output.wireWrite(UInt8(truncatingIfNeeded: value))
            return
        }
        var scratch: (UInt64, UInt64) = (0, 0)
        let count = withUnsafeMutableBytes(of: &scratch) { Self.put(value, into: $0, at: 0) }
        withUnsafeBytes(of: &scratch) { output.wireWrite(contentsOf: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }

    @inlinable @inline(__always)
    public mutating func tag(_ field: UInt32, _ wire: WireType) {
        varint(UInt64(field) << 3 | UInt64(wire.rawValue))
    }

    /// A tag and a varint (the value of a varint field, or the length of a delimited one).
    @inlinable @inline(__always)
    mutating func tagged(_ field: UInt32, _ wire: WireType, varint value: UInt64) {
        var scratch: (UInt64, UInt64) = (0, 0)  // a tag takes at most 5 bytes, a varint 10
        let count = withUnsafeMutableBytes(of: &scratch) { raw in
            Self.put(value, into: raw, at: Self.put(UInt64(field) << 3 | UInt64(wire.rawValue), into: raw, at: 0))
        }
        withUnsafeBytes(of: &scratch) { output.wireWrite(contentsOf: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }

    /// A tag and 4 or 8 little-endian bytes.
    @inlinable @inline(__always)
    mutating func tagged(_ field: UInt32, fixed value: UInt64, bytes: Int) {
        var scratch: (UInt64, UInt64) = (0, 0)
        let count = withUnsafeMutableBytes(of: &scratch) { raw in
            let wire: WireType = bytes == 4 ? .fixed32 : .fixed64
            let start = Self.put(UInt64(field) << 3 | UInt64(wire.rawValue), into: raw, at: 0)
            for k in 0..<bytes { raw[start &+ k] = UInt8(truncatingIfNeeded: value &>> UInt64(k &* 8)) }
            return start &+ bytes
        }
        withUnsafeBytes(of: &scratch) { output.wireWrite(contentsOf: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }

    @inlinable @inline(__always)
    static func varintSize(_ value: UInt64) -> Int {
        // 1 + floor(bits/7), with 0 taking one byte.
        let bits = 64 - (value | 1).leadingZeroBitCount
        return (bits + 6) / 7
    }

    /// Writes a field's tag and a length prefix for whatever `body` appends. One byte is
    /// reserved for the length; the rare long body is shifted to make room, which is cheaper
    /// than sizing every message twice.
    @inlinable @inline(__always)
    mutating func lengthDelimited(_ field: UInt32, _ body: (inout ProtoWriter) -> Void) {
        tagged(field, .lengthDelimited, varint: 0)
        let start = output.wireWriteIndex - 1
        body(&self)
        let length = output.wireWriteIndex - start - 1
        if length < 0x80 {
            output.wireSet(UInt8(truncatingIfNeeded: length), at: start)
            return
        }
        let size = Self.varintSize(UInt64(length))
        output.wireInsertZeros(size - 1, at: start + 1)
        var v = UInt64(length)
        var i = start
        while v >= 0x80 {
            output.wireSet(UInt8(truncatingIfNeeded: v) | 0x80, at: i)
            v &>>= 7
            i += 1
        }
        output.wireSet(UInt8(truncatingIfNeeded: v), at: i)
    }

    // MARK: Scalar fields (implicit presence unless `always`)

    @inlinable @inline(__always)
    public mutating func uint32(_ field: UInt32, _ value: UInt32, always: Bool = false) {
        if value != 0 || always {
            tagged(field, .varint, varint: UInt64(value))
        }
    }

    @inlinable @inline(__always)
    public mutating func uint64(_ field: UInt32, _ value: UInt64, always: Bool = false) {
        if value != 0 || always {
            tagged(field, .varint, varint: value)
        }
    }

    @inlinable @inline(__always)
    public mutating func int32(_ field: UInt32, _ value: Int32, always: Bool = false) {
        // Negative int32 values are sign-extended to ten bytes, as protobuf requires.
        if value != 0 || always {
            tagged(field, .varint, varint: UInt64(bitPattern: Int64(value)))
        }
    }

    @inlinable @inline(__always)
    public mutating func int64(_ field: UInt32, _ value: Int64, always: Bool = false) {
        if value != 0 || always {
            tagged(field, .varint, varint: UInt64(bitPattern: value))
        }
    }

    @inlinable @inline(__always)
    public mutating func sint64(_ field: UInt32, _ value: Int64, always: Bool = false) {
        if value != 0 || always {
            tagged(field, .varint, varint: UInt64(bitPattern: (value << 1) ^ (value >> 63)))
        }
    }

    @inlinable @inline(__always)
    public mutating func sfixed64(_ field: UInt32, _ value: Int64, always: Bool = false) {
        if value != 0 || always {
            tagged(field, fixed: UInt64(bitPattern: value), bytes: 8)
        }
    }

    @inlinable @inline(__always)
    public mutating func bool(_ field: UInt32, _ value: Bool, always: Bool = false) {
        if value || always {
            tagged(field, .varint, varint: value ? 1 : 0)
        }
    }

    @inlinable @inline(__always)
    public mutating func enumValue<E: ProtoEnum>(_ field: UInt32, _ value: E, always: Bool = false) {
        int32(field, value.rawValue, always: always)
    }

    /// Floats are compared by bit pattern, so -0.0 is written (as protoc does).
    @inlinable @inline(__always)
    public mutating func float(_ field: UInt32, _ value: Float, always: Bool = false) {
        if value.bitPattern != 0 || always {
            tagged(field, fixed: UInt64(value.bitPattern), bytes: 4)
        }
    }

    @inlinable @inline(__always)
    public mutating func double(_ field: UInt32, _ value: Double, always: Bool = false) {
        if value.bitPattern != 0 || always {
            tagged(field, fixed: value.bitPattern, bytes: 8)
        }
    }

    @inlinable @inline(__always)
    public mutating func string(_ field: UInt32, _ value: String, always: Bool = false) {
        var value = value
        let count = value.utf8.count
        guard count != 0 || always else { return }
        tagged(field, .lengthDelimited, varint: UInt64(count))
        value.withUTF8 { output.wireWrite(contentsOf: UnsafeRawBufferPointer($0)) }
    }

    @inlinable @inline(__always)
    public mutating func bytes(_ field: UInt32, _ value: [UInt8], always: Bool = false) {
        guard !value.isEmpty || always else { return }
        tagged(field, .lengthDelimited, varint: UInt64(value.count))
        value.withUnsafeBytes { output.wireWrite(contentsOf: $0) }
    }

    // MARK: Optional (explicit presence) fields

    @inlinable @inline(__always)
    public mutating func uint32(_ field: UInt32, _ value: UInt32?) {
        if let value { uint32(field, value, always: true) }
    }

    @inlinable @inline(__always)
    public mutating func string(_ field: UInt32, _ value: String?) {
        if let value { string(field, value, always: true) }
    }

    @inlinable @inline(__always)
    public mutating func bool(_ field: UInt32, _ value: Bool?) {
        if let value { bool(field, value, always: true) }
    }

    // MARK: Messages, repeated fields and maps

    @inlinable @inline(__always)
    public mutating func message<M: ProtoMessage>(_ field: UInt32, _ value: M?) {
        guard let value else { return }
        lengthDelimited(field) { value.encode(to: &$0) }
    }

    @inlinable @inline(__always)
    public mutating func messages<M: ProtoMessage>(_ field: UInt32, _ values: [M]) {
        for value in values {
            lengthDelimited(field) { value.encode(to: &$0) }
        }
    }

    @inlinable @inline(__always)
    public mutating func strings(_ field: UInt32, _ values: [String]) {
        for value in values { string(field, value, always: true) }
    }

    /// A packed repeated float field: one tag, one length, then little-endian floats.
    @inlinable @inline(__always)
    public mutating func packedFloats(_ field: UInt32, _ values: [Float]) {
        guard !values.isEmpty else { return }
        tagged(field, .lengthDelimited, varint: UInt64(values.count &* 4))
        #if _endian(little)
            values.withUnsafeBytes { output.wireWrite(contentsOf: $0) }
        #else
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { output.wireWrite(contentsOf: $0) } }
        #endif
    }

    /// A packed repeated enum field: one tag, one length, then each value as an int32 varint.
    @inlinable
    public mutating func packedEnums<E: ProtoEnum>(_ field: UInt32, _ values: [E]) {
        guard !values.isEmpty else { return }
        var length = 0
        for v in values { length &+= Self.varintSize(UInt64(bitPattern: Int64(v.rawValue))) }
        tagged(field, .lengthDelimited, varint: UInt64(length))
        for v in values { varint(UInt64(bitPattern: Int64(v.rawValue))) }
    }

    /// A `map<string, M>` field. Entries are written in ascending UTF-8 byte order of their keys,
    /// so the output is deterministic; each entry writes its key and value unconditionally, as
    /// protobuf's own runtimes do.
    @inlinable
    public mutating func map<M: ProtoMessage>(_ field: UInt32, _ values: [String: M]) {
        guard !values.isEmpty else { return }
        if values.count == 1, let (key, value) = values.first {
            mapEntry(field, key, value)
            return
        }
        let keys = values.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for key in keys { mapEntry(field, key, values[key]!) }
    }

    @inlinable @inline(__always)
    mutating func mapEntry<M: ProtoMessage>(_ field: UInt32, _ key: String, _ value: M) {
        lengthDelimited(field) { entry in
            entry.string(1, key, always: true)
            entry.lengthDelimited(2) { value.encode(to: &$0) }
        }
    }
}

extension ProtoWriter: Sendable where Output: Sendable {}

extension ProtoWriter where Output == [UInt8] {
    /// A writer into a new byte array.
    @inlinable
    public init(capacity: Int = 256) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(capacity)
        self.init(output: bytes)
    }

    /// The bytes written so far.
    @inlinable
    public var bytes: [UInt8] { output }
}
