import EngramNIO
import EngramWire
import NIOCore
import Testing

/// The one frame writer gives the same bytes into a `ByteBuffer` as into an array, including
/// the length prefixes it has to widen after the fact (bodies of 128 bytes and more).
@Suite struct FrameWriterTests {
    static func samples() -> [Wire.RecallResponse] {
        let short = Wire.RecallResponse.with { $0.profileId = "p" }
        let long = Wire.RecallResponse.with { response in
            response.observations = (0..<40).map { i in
                Wire.ScoredObservation.with {
                    $0.observation = Wire.Observation.with {
                        $0.id = "obs-\(i)"
                        $0.content = String(repeating: "é", count: i * 17)
                        $0.conversationIds = ["a", String(repeating: "t", count: 200)]
                        $0.embedding = (0..<i).map(Float.init)
                    }
                    $0.score = Float(i) / 3
                }
            }
        }
        return [short, long]
    }

    @Test(arguments: samples())
    func byteBufferAndArrayAgree(_ message: Wire.RecallResponse) throws {
        var array: [UInt8] = [9, 9]  // written after existing bytes, as a pipelined writer would
        Frame.write(message, type: .response, method: 40, requestID: 7, meta: 3, to: &array)
        var buffer = ByteBuffer(bytes: [9, 9])
        Frame.write(message, type: .response, method: 40, requestID: 7, meta: 3, to: &buffer)
        #expect(Array(buffer.readableBytesView) == array)
        let payload = Array(array.dropFirst(2 + Frame.headerSize))
        #expect(payload == message.serializedBytes())
        #expect(try Wire.RecallResponse(serializedBytes: payload) == message)
        let frame = Frame(type: .response, method: 40, requestID: 7, meta: 3, payload: payload)
        #expect(Array(array.dropFirst(2)) == frame.encoded())
    }

    @Test func headerOnlyAndEchoFramesUseTheSameHeader() {
        let cancel = ByteBufferAllocator().frame(type: .cancel, requestID: 0x0102_0304)
        #expect(Array(cancel.readableBytesView) == Frame(type: .cancel, requestID: 0x0102_0304).encoded())
        let pong = ByteBufferAllocator().frame(type: .pong, payload: ByteBuffer(bytes: [1, 2, 3]))
        #expect(Array(pong.readableBytesView) == Frame(type: .pong, payload: [1, 2, 3]).encoded())
    }
}
