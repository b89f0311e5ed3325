/// Cuts a byte stream into frames. Bytes may arrive in chunks of any size.
///
/// A plain state machine with no I/O: feed it bytes with `append`, then call `next()` until it
/// returns nil. The size check happens as soon as a header is complete, so an oversized frame is
/// rejected before its payload is buffered.
public struct FrameDecoder: Sendable {
    public let maxFrameBytes: Int
    private var buffer: [UInt8] = []
    private var readIndex = 0

    public init(maxFrameBytes: Int = Frame.defaultMaxFrameBytes) {
        precondition(maxFrameBytes >= Frame.headerSize, "maxFrameBytes must hold a header")
        self.maxFrameBytes = maxFrameBytes
    }

    /// Bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfNeeded()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        compactIfNeeded()
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, nil if more bytes are needed, or an error if the stream is bad.
    public mutating func next() throws(FrameError) -> Frame? {
        let available = buffer.count - readIndex
        guard available >= 4 else { return nil }
        let length = buffer.withUnsafeBytes { raw in
            UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: readIndex, as: UInt32.self))
        }
        try FrameHeader.checkLength(length, maxFrameBytes: maxFrameBytes)
        guard available >= 5 else { return nil }
        let type = try FrameHeader.checkType(buffer[readIndex + 4])
        let total = Int(length) + 4
        guard available >= total else { return nil }
        let frame = buffer.withUnsafeBytes { raw -> Frame in
            let h = readIndex
            let method = UInt16(bigEndian: raw.loadUnaligned(fromByteOffset: h + 6, as: UInt16.self))
            let requestID = UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: h + 8, as: UInt32.self))
            let meta = UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: h + 12, as: UInt32.self))
            let payload = [UInt8](UnsafeRawBufferPointer(rebasing: raw[(h + 16)..<(h + total)]))
            return Frame(
                type: type, flags: raw[h + 5], method: method, requestID: requestID, meta: meta, payload: payload)
        }
        readIndex += total
        return frame
    }

    private mutating func compactIfNeeded() {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex > 4096 && readIndex * 2 > buffer.count {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
    }
}
