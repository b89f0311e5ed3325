import EngramWire
import Testing

@Suite("Framing")
struct FramingTests {
    static func sampleFrames() -> [Frame] {
        var recall = Wire.RecallRequest()
        recall.storeId = "st_1"
        recall.profileId = "pr_1"
        recall.query = "billing problem"
        return [
            Frame(
                type: .request, method: Method.hello.rawValue, requestID: 1,
                payload: Wire.HelloRequest.with {
                    $0.protocolVersion = 1
                    $0.apiKey = "k"
                }.serializedBytes()),
            Frame(
                type: .request, method: Method.recall.rawValue, requestID: 2, meta: 250,
                payload: recall.serializedBytes()),
            Frame(type: .ping, payload: [1, 2, 3, 4, 5, 6, 7, 8]),
            Frame(type: .pong),
            Frame(type: .cancel, requestID: 2),
            Frame(
                type: .response, method: Method.recall.rawValue, requestID: 2, meta: StatusCode.notFound.rawValue,
                payload: Wire.Status(code: .notFound, message: "no such profile").serializedBytes()),
            Frame(
                type: .goAway,
                payload: Wire.GoAway.with {
                    $0.lastRequestId = 2
                    $0.reason = "shutting down"
                }.serializedBytes()),
            Frame(
                type: .request, method: 0xFFFF, requestID: UInt32.max, meta: UInt32.max,
                payload: [UInt8](repeating: 0xAB, count: 70_000)),
        ]
    }

    @Test func headerLayoutIsBigEndian() {
        let bytes = Frame(type: .request, method: 40, requestID: 0x0102_0304, meta: 250, payload: [0xAA]).encoded()
        #expect(bytes == [0, 0, 0, 13, 1, 0, 0, 40, 1, 2, 3, 4, 0, 0, 0, 250, 0xAA])
    }

    @Test func encodingInPlaceMatchesEncodingAPayload() {
        let message = Wire.HelloRequest.with {
            $0.protocolVersion = 1
            $0.clientName = String(repeating: "x", count: 300)
        }
        var inPlace: [UInt8] = []
        Frame.write(message, type: .request, method: 1, requestID: 9, to: &inPlace)
        #expect(inPlace == Frame(type: .request, method: 1, requestID: 9, payload: message.serializedBytes()).encoded())
    }

    @Test func manyFramesInOneBuffer() throws {
        let frames = Self.sampleFrames()
        var decoder = FrameDecoder()
        decoder.append(frames.flatMap { $0.encoded() })
        var out: [Frame] = []
        while let f = try decoder.next() { out.append(f) }
        #expect(out == frames)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func streamSplitAtEveryByteBoundary() throws {
        let frames = Array(Self.sampleFrames().dropLast())
        let stream = frames.flatMap { $0.encoded() }
        for cut in 0...stream.count {
            var decoder = FrameDecoder()
            var out: [Frame] = []
            decoder.append(Array(stream[..<cut]))
            while let f = try decoder.next() { out.append(f) }
            decoder.append(Array(stream[cut...]))
            while let f = try decoder.next() { out.append(f) }
            #expect(out == frames, "split at \(cut)")
        }
    }

    @Test func byteAtATime() throws {
        let frames = Self.sampleFrames()
        var decoder = FrameDecoder()
        var out: [Frame] = []
        for byte in frames.flatMap({ $0.encoded() }) {
            decoder.append([byte])
            while let f = try decoder.next() { out.append(f) }
        }
        #expect(out == frames)
    }

    @Test func oversizedFrameIsRejectedFromItsHeader() {
        var decoder = FrameDecoder(maxFrameBytes: 1024)
        decoder.append([0x00, 0x00, 0x04, 0x00])  // 1024 + 4 bytes
        #expect(throws: FrameError.self) { try decoder.next() }
        var exact = FrameDecoder(maxFrameBytes: 1024)
        exact.append(Frame(type: .request, payload: [UInt8](repeating: 0, count: 1024 - 16)).encoded())
        #expect((try? exact.next()) != nil)
    }

    @Test func shortLengthAndUnknownTypeAreRejected() {
        var short = FrameDecoder()
        short.append([0, 0, 0, 11, 1])
        do {
            _ = try short.next()
            Issue.record("expected an error")
        } catch { #expect(error.code == .lengthTooSmall) }
        var unknown = FrameDecoder()
        unknown.append([0, 0, 0, 12, 9])
        do {
            _ = try unknown.next()
            Issue.record("expected an error")
        } catch { #expect(error.code == .unknownFrameType) }
    }

    @Test func garbageNeverTraps() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            var decoder = FrameDecoder(maxFrameBytes: 64 * 1024)
            for _ in 0..<8 {
                decoder.append((0..<(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
                do { while try decoder.next() != nil {} } catch { break }
            }
        }
    }
}
