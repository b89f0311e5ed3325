import EngramNIO
import EngramWire
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

/// The frame decoder with NIO's verifier: every input split at every byte boundary, and fed
/// all at once, must give the same frames.
@Suite struct FrameDecoderTests {
    func frame(_ type: FrameType, method: UInt16 = 0, id: UInt32 = 0, meta: UInt32 = 0, payload: [UInt8]) -> (
        ByteBuffer, InboundFrame
    ) {
        let bytes = Frame(type: type, method: method, requestID: id, meta: meta, payload: payload).encoded()
        return (
            ByteBuffer(bytes: bytes),
            InboundFrame(type: type, method: method, requestID: id, meta: meta, payload: ByteBuffer(bytes: payload))
        )
    }

    @Test func framesSurviveEverySplit() throws {
        let ping = frame(.ping, payload: [1, 2, 3])
        let request = frame(.request, method: 40, id: 7, meta: 250, payload: Array(repeating: 0xAB, count: 300))
        let empty = frame(.request, method: 2, id: 8, payload: [])
        var both = request.0
        both.writeImmutableBuffer(empty.0)
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (ping.0, [ping.1]), (request.0, [request.1]), (empty.0, [empty.1]), (both, [request.1, empty.1]),
            ],
            decoderFactory: { FrameByteDecoder(maxFrameBytes: Frame.defaultMaxFrameBytes) })
    }

    @Test func aHeaderOverTheLimitIsRefusedBeforeItsPayloadArrives() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameByteDecoder(maxFrameBytes: 64)))
        var header = ByteBuffer()
        header.writeInteger(UInt32(1_000))  // length only: the payload never comes
        #expect(throws: (any Error).self) { try channel.writeInbound(header) }
        _ = try? channel.finish()
    }
}
