/// Why bytes could not be decoded: what was expected, and the offset within the payload.
public struct DecodingError: Error, Sendable, CustomStringConvertible {
    /// What was wrong.
    public var message: String
    /// The byte offset within the decoded payload.
    public var offset: Int

    /// Creates the error.
    public init(_ message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// The message and the offset.
    public var description: String { "\(message) at payload offset \(offset)" }
}

/// Reads what `ByteWriter` wrote, checking every length against the bytes left.
public struct ByteReader: ~Copyable {
    let base: UnsafeRawBufferPointer
    /// The next byte to read.
    public private(set) var offset: Int

    /// Reads `bytes`, which must outlive the reader.
    public init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes
        offset = 0
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset == base.count }

    /// Reads one byte.
    public mutating func byte() throws(DecodingError) -> UInt8 {
        guard offset < base.count else { throw DecodingError("unexpected end of data", offset: offset) }
        defer { offset += 1 }
        return base[offset]
    }

    /// Reads 0 or 1.
    public mutating func bool() throws(DecodingError) -> Bool {
        let at = offset
        switch try byte() {
        case 0: return false
        case 1: return true
        case let b: throw DecodingError("bool byte \(b) is neither 0 nor 1", offset: at)
        }
    }

    /// Reads an unsigned LEB128 varint of at most ten bytes.
    public mutating func varint() throws(DecodingError) -> UInt64 {
        let at = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            if shift == 63 && b > 1 { throw DecodingError("varint overflows 64 bits", offset: at) }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    /// Reads a zigzag varint.
    public mutating func signed() throws(DecodingError) -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    /// Reads a count, which must not exceed the bytes left divided by `minimumElementBytes`.
    public mutating func count(minimumElementBytes: Int = 1) throws(DecodingError) -> Int {
        let at = offset
        let v = try varint()
        guard v <= UInt64(base.count - offset) / UInt64(max(1, minimumElementBytes)) else {
            throw DecodingError("count \(v) exceeds the \(base.count - offset) bytes left", offset: at)
        }
        return Int(v)
    }

    /// Reads a zigzag varint that must fit an Int.
    public mutating func int() throws(DecodingError) -> Int {
        let at = offset
        let v = try signed()
        guard let i = Int(exactly: v) else { throw DecodingError("integer \(v) out of range", offset: at) }
        return i
    }

    /// Reads four little-endian bytes.
    public mutating func fixed32() throws(DecodingError) -> UInt32 {
        guard base.count - offset >= 4 else { throw DecodingError("unexpected end of data", offset: offset) }
        defer { offset += 4 }
        return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// Reads eight little-endian bytes.
    public mutating func fixed64() throws(DecodingError) -> UInt64 {
        guard base.count - offset >= 8 else { throw DecodingError("unexpected end of data", offset: offset) }
        defer { offset += 8 }
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// Reads a double's bits.
    public mutating func double() throws(DecodingError) -> Double { Double(bitPattern: try fixed64()) }

    /// Reads a length-prefixed UTF-8 string; invalid UTF-8 is an error, not repaired.
    public mutating func string() throws(DecodingError) -> String {
        let length = try count()
        let slice = UnsafeRawBufferPointer(rebasing: base[offset..<offset + length])
        guard let s = slice.withMemoryRebound(to: UInt8.self, { String(validating: $0, as: UTF8.self) }) else {
            throw DecodingError("string of \(length) bytes is not valid UTF-8", offset: offset)
        }
        offset += length
        return s
    }

    /// Reads a presence byte and the string if present.
    public mutating func optionalString() throws(DecodingError) -> String? {
        try bool() ? try string() : nil
    }

    /// Reads a presence byte and the zigzag varint if present.
    public mutating func optionalSigned() throws(DecodingError) -> Int64? {
        try bool() ? try signed() : nil
    }

    /// Reads a count and that many strings.
    public mutating func strings() throws(DecodingError) -> [String] {
        let n = try count()
        var out: [String] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try string()) }
        return out
    }

    /// Reads a presence byte, then a count and that many floats.
    public mutating func optionalFloats() throws(DecodingError) -> [Float]? {
        guard try bool() else { return nil }
        let n = try count(minimumElementBytes: 4)
        var out = [Float](repeating: 0, count: n)
        for i in 0..<n { out[i] = Float(bitPattern: try fixed32()) }
        return out
    }
}
