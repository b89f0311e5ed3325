/// Where the frame writer and the codecs put bytes.
///
/// `[UInt8]` conforms here; EngramNIO conforms NIO's `ByteBuffer`, so the server and the client
/// encode a frame straight into the buffer the socket writes, with no intermediate array.
/// Indices are the output's own (an array's offsets, a buffer's writer indices).
public protocol WireOutput {
    /// Where the next byte goes.
    var wireWriteIndex: Int { get }
    /// Appends one byte.
    mutating func wireWrite(_ byte: UInt8)
    /// Appends bytes.
    mutating func wireWrite(contentsOf bytes: UnsafeRawBufferPointer)
    /// Overwrites a byte already written (a length prefix, a frame's length).
    mutating func wireSet(_ byte: UInt8, at index: Int)
    /// Inserts `count` zero bytes at `index`, moving what follows: a length prefix that needs
    /// more bytes than were reserved for it.
    mutating func wireInsertZeros(_ count: Int, at index: Int)
}

extension Array: WireOutput where Element == UInt8 {
    @inlinable public var wireWriteIndex: Int { count }

    @inlinable public mutating func wireWrite(_ byte: UInt8) { append(byte) }

    @inlinable public mutating func wireWrite(contentsOf bytes: UnsafeRawBufferPointer) {
        append(contentsOf: bytes)
    }

    @inlinable public mutating func wireSet(_ byte: UInt8, at index: Int) { self[index] = byte }

    @inlinable public mutating func wireInsertZeros(_ count: Int, at index: Int) {
        insert(contentsOf: repeatElement(0, count: count), at: index)
    }
}

/// Raw memory lent by the destination (a `ByteBuffer`'s writable bytes): the fastest output,
/// with no capacity or uniqueness check per write. Past the end it only counts, so a caller
/// whose region was too small learns the size it needs (`count`) and encodes again into a
/// larger one; what was written is then garbage and must not be used.
@frozen
public struct RawWireOutput: WireOutput {
    @usableFromInline let base: UnsafeMutableRawPointer?
    @usableFromInline let capacity: Int
    @usableFromInline var written: Int
    /// The bytes written, or that would have been had the region been large enough.
    @inlinable public var count: Int { written }

    @inlinable
    public init(_ region: UnsafeMutableRawBufferPointer) {
        base = region.baseAddress
        capacity = region.count
        written = 0
    }

    /// Whether the encoding did not fit: the region holds garbage, `count` is the size needed.
    @inlinable public var overflowed: Bool { count > capacity }

    @inlinable public var wireWriteIndex: Int { count }

    @inlinable public mutating func wireWrite(_ byte: UInt8) {
        if count < capacity, let base { base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self) }
        written &+= 1
    }

    @inlinable public mutating func wireWrite(contentsOf bytes: UnsafeRawBufferPointer) {
        if bytes.count <= capacity &- count, let base, let source = bytes.baseAddress {
            (base + count).copyMemory(from: source, byteCount: bytes.count)
        }
        written &+= bytes.count
    }

    @inlinable public mutating func wireSet(_ byte: UInt8, at index: Int) {
        if index < capacity, let base { base.storeBytes(of: byte, toByteOffset: index, as: UInt8.self) }
    }

    @inlinable public mutating func wireInsertZeros(_ n: Int, at index: Int) {
        if n <= capacity &- count, let base {
            let from = base + index
            (from + n).copyMemory(from: from, byteCount: count &- index)  // memmove: the ranges overlap
            from.initializeMemory(as: UInt8.self, repeating: 0, count: n)
        }
        written &+= n
    }
}
