import EngramWire
import NIOCore

/// The codecs write straight into the buffer a channel sends: one allocation per frame, no copy.
extension ByteBuffer: WireOutput {
    @inlinable public var wireWriteIndex: Int { writerIndex }

    @inlinable public mutating func wireWrite(_ byte: UInt8) { writeInteger(byte) }

    @inlinable public mutating func wireWrite(contentsOf bytes: UnsafeRawBufferPointer) { writeBytes(bytes) }

    @inlinable public mutating func wireSet(_ byte: UInt8, at index: Int) { setInteger(byte, at: index) }

    public mutating func wireInsertZeros(_ count: Int, at index: Int) {
        let moved = writerIndex - index
        writeRepeatingByte(0, count: count)
        // Cannot throw: both ranges end at the writer index, inside what was just written.
        try! copyBytes(at: index, to: index + count, length: moved)
        setRepeatingByte(0, count: count, at: index)
    }
}
