import EngramWire
import NIOCore

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
    /// A frame whose payload is `message`, encoded straight into the buffer.
    @inlinable
    package func frame<M: ProtoMessage>(
        _ message: M, type: FrameType, method: UInt16, requestID: UInt32, meta: UInt32 = 0
    ) -> ByteBuffer {
        var buffer = self.buffer(capacity: 256)
        Frame.write(message, type: type, method: method, requestID: requestID, meta: meta, to: &buffer)
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
