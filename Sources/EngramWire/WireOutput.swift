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
