import EngramWire
import NIOCore
import Synchronization

/// A frame as read from a connection: the payload stays a slice of the read buffer (no copy).
package struct InboundFrame: Sendable, Equatable {
    package var type: FrameType
    package var method: UInt16
    package var requestID: UInt32
    package var meta: UInt32
    package var payload: ByteBuffer

    package init(type: FrameType, method: UInt16, requestID: UInt32, meta: UInt32, payload: ByteBuffer) {
        self.type = type
        self.method = method
        self.requestID = requestID
        self.meta = meta
        self.payload = payload
    }
}

/// Cuts the byte stream into frames, applying the same header checks as EngramWire's decoder.
/// A bad header is a protocol error: the decoder throws and the connection sends GOAWAY.
package struct FrameByteDecoder: ByteToMessageDecoder {
    package typealias InboundOut = InboundFrame
    package var maxFrameBytes: Int

    package init(maxFrameBytes: Int) { self.maxFrameBytes = maxFrameBytes }

    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        try FrameHeader.checkLength(length, maxFrameBytes: maxFrameBytes)
        guard let typeByte = buffer.getInteger(at: buffer.readerIndex + 4, as: UInt8.self) else { return .needMoreData }
        let type = try FrameHeader.checkType(typeByte)
        guard buffer.readableBytes >= Int(length) + 4 else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 6)
        let method = buffer.readInteger(as: UInt16.self)!
        let requestID = buffer.readInteger(as: UInt32.self)!
        let meta = buffer.readInteger(as: UInt32.self)!
        let payload = buffer.readSlice(length: Int(length) - 12)!
        context.fireChannelRead(
            Self.wrapInboundOut(
                InboundFrame(type: type, method: method, requestID: requestID, meta: meta, payload: payload)))
        return .continue
    }

    package mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // Bytes left over at EOF are a frame cut off by a closed socket; nothing to answer.
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}

extension ByteBufferAllocator {
    /// A frame whose payload is `message`, encoded straight into the buffer's memory through a
    /// `RawWireOutput` (no check per write). A message larger than `sizeHint` is encoded again
    /// into a buffer of its exact size; `FrameSizeHints` keeps the guess close per method.
    @inlinable
    package func frame<M: ProtoMessage>(
        _ message: M, type: FrameType, method: UInt16, requestID: UInt32, meta: UInt32 = 0, sizeHint: Int = 1024
    ) -> ByteBuffer {
        var buffer = self.buffer(capacity: max(sizeHint, Frame.headerSize))
        var needed = 0
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 0) { region in
            var output = RawWireOutput(region)
            Frame.write(message, type: type, method: method, requestID: requestID, meta: meta, to: &output)
            needed = output.count
            return output.overflowed ? 0 : output.count
        }
        if buffer.readableBytes == needed { return buffer }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: needed) { region in
            var output = RawWireOutput(region)
            Frame.write(message, type: type, method: method, requestID: requestID, meta: meta, to: &output)
            precondition(!output.overflowed && output.count == needed, "an encoding changed size between two passes")
            return output.count
        }
        return buffer
    }

    /// A frame that carries `payload` as it is (PONG echoes PING's bytes).
    package func frame(type: FrameType, payload: ByteBuffer) -> ByteBuffer {
        var buffer = self.buffer(capacity: Frame.headerSize + payload.readableBytes)
        Frame.writeHeader(type: type, payloadLength: payload.readableBytes, to: &buffer)
        buffer.writeImmutableBuffer(payload)
        return buffer
    }

    /// A header-only frame (CANCEL names the request in `requestID`).
    package func frame(type: FrameType, requestID: UInt32) -> ByteBuffer {
        var buffer = self.buffer(capacity: Frame.headerSize)
        Frame.writeHeader(type: type, requestID: requestID, payloadLength: 0, to: &buffer)
        return buffer
    }
}

/// How large each method's recent frames were, so `ByteBufferAllocator.frame`'s first guess
/// usually fits and a frame is encoded once. Grows to the largest frame seen (up to 1 MiB) and
/// shrinks by an eighth per smaller frame, so one large answer does not oversize the rest.
package final class FrameSizeHints: Sendable {
    private let slots: [Slot]

    private final class Slot: Sendable {
        let bytes = Atomic<Int>(1024)
    }

    package init() { slots = (0...UInt16(UInt8.max)).map { _ in Slot() } }

    /// The guess for a method's next frame.
    @inline(__always)
    package func hint(_ method: UInt16) -> Int {
        Int(method) < slots.count ? slots[Int(method)].bytes.load(ordering: .relaxed) : 1024
    }

    /// Records the size of a frame just written.
    @inline(__always)
    package func record(_ method: UInt16, bytes: Int) {
        guard Int(method) < slots.count else { return }
        let slot = slots[Int(method)]
        let old = slot.bytes.load(ordering: .relaxed)
        let new = bytes > old ? min(bytes, 1 << 20) : max(bytes, old - old / 8, 256)
        if new != old { slot.bytes.store(new, ordering: .relaxed) }
    }
}
