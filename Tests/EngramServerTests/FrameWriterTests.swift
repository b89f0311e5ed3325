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

    @Test(arguments: samples())
    func theAllocatorsFrameIsTheSameWhateverTheSizeHint(_ message: Wire.RecallResponse) {
        var array: [UInt8] = []
        Frame.write(message, type: .response, method: 40, requestID: 7, to: &array)
        for hint in [0, 16, 100, array.count - 1, array.count, array.count + 1, 1 << 16] {
            let frame = ByteBufferAllocator().frame(
                message, type: .response, method: 40, requestID: 7, sizeHint: hint)
            #expect(Array(frame.readableBytesView) == array, "size hint \(hint)")
        }
    }

    @Test func aRawOutputTooSmallCountsWhatItWouldNeed() {
        let message = Self.samples()[1]
        var array: [UInt8] = []
        Frame.write(message, type: .response, method: 40, requestID: 7, to: &array)
        let region = UnsafeMutableRawBufferPointer.allocate(byteCount: array.count, alignment: 1)
        defer { region.deallocate() }
        var small = RawWireOutput(UnsafeMutableRawBufferPointer(rebasing: region[..<(array.count / 2)]))
        Frame.write(message, type: .response, method: 40, requestID: 7, to: &small)
        #expect(small.overflowed && small.count == array.count)
        var exact = RawWireOutput(region)
        Frame.write(message, type: .response, method: 40, requestID: 7, to: &exact)
        #expect(!exact.overflowed && Array(region) == array)
    }

    @Test func sizeHintsFollowTheFramesOfEachMethod() {
        let hints = FrameSizeHints()
        #expect(hints.hint(40) == 1024)
        hints.record(40, bytes: 5000)
        #expect(hints.hint(40) == 5000 && hints.hint(30) == 1024)
        hints.record(40, bytes: 100)
        #expect(hints.hint(40) == 5000 - 5000 / 8, "shrinks by an eighth, not at once")
        for _ in 0..<100 { hints.record(40, bytes: 100) }
        #expect(hints.hint(40) == 256, "never below 256")
        hints.record(40, bytes: 50 << 20)
        #expect(hints.hint(40) == 1 << 20, "capped at 1 MiB")
    }

    @Test func headerOnlyAndEchoFramesUseTheSameHeader() {
        let cancel = ByteBufferAllocator().frame(type: .cancel, requestID: 0x0102_0304)
        #expect(Array(cancel.readableBytesView) == Frame(type: .cancel, requestID: 0x0102_0304).encoded())
        let pong = ByteBufferAllocator().frame(type: .pong, payload: ByteBuffer(bytes: [1, 2, 3]))
        #expect(Array(pong.readableBytesView) == Frame(type: .pong, payload: [1, 2, 3]).encoded())
    }
}
