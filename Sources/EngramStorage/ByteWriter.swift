/// Appends little-endian integers, LEB128 varints and length-prefixed strings to a byte array.
/// The log's record codec is written with it.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8]

    /// An empty writer with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends one byte.
    @inlinable public mutating func byte(_ value: UInt8) { bytes.append(value) }

    /// Appends 0 or 1.
    @inlinable public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// Appends an unsigned LEB128 varint (7 bits per byte, low bits first).
    @inlinable public mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Appends a signed integer zigzag-encoded as a varint, so small negatives stay short.
    @inlinable public mutating func signed(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Appends a count or other non-negative Int as a varint.
    @inlinable public mutating func count(_ value: Int) { varint(UInt64(value)) }

    /// Appends four little-endian bytes.
    @inlinable public mutating func fixed32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends eight little-endian bytes.
    @inlinable public mutating func fixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends a double's IEEE-754 bits, little-endian.
    @inlinable public mutating func double(_ value: Double) { fixed64(value.bitPattern) }

    /// Appends a UTF-8 length varint and the bytes.
    @inlinable public mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            count(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    /// Appends a presence byte, then the string if present.
    @inlinable public mutating func optionalString(_ value: String?) {
        if let value {
            bytes.append(1)
            string(value)
        } else {
            bytes.append(0)
        }
    }

    /// Appends a presence byte, then the zigzag varint if present.
    @inlinable public mutating func optionalSigned(_ value: Int64?) {
        if let value {
            bytes.append(1)
            signed(value)
        } else {
            bytes.append(0)
        }
    }

    /// Appends a count, then each string.
    @inlinable public mutating func strings(_ values: [String]) {
        count(values.count)
        for value in values { string(value) }
    }

    /// Appends a presence byte, then a count and each float's bits, little-endian.
    public mutating func optionalFloats(_ values: [Float]?) {
        guard let values else {
            bytes.append(0)
            return
        }
        bytes.append(1)
        count(values.count)
        for value in values { fixed32(value.bitPattern) }
    }
}
