import EngramWire
import Testing

@Suite("Typed decoding errors")
struct DecodingErrorTests {
    private func error<M: ProtoMessage>(_ type: M.Type, _ bytes: [UInt8]) -> WireDecodingError? {
        do {
            _ = try M(serializedBytes: bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func truncatedVarintNamesTheField() {
        let e = error(Wire.HelloRequest.self, [0x08, 0x96])
        #expect(e?.code == .truncated)
        #expect(e?.messageName == "HelloRequest")
        #expect(e?.fieldPath == "protocol_version")
    }

    @Test func overlongVarintIsMalformed() {
        let e = error(Wire.HelloRequest.self, [0x08] + [UInt8](repeating: 0xFF, count: 10) + [0x01])
        #expect(e?.code == .malformedVarint)
    }

    @Test func lengthPastTheEndIsRejected() {
        let e = error(Wire.HelloRequest.self, [0x12, 0x7F, 0x61])
        #expect(e?.code == .lengthOutOfBounds)
        #expect(e?.fieldPath == "api_key")
        let huge = error(Wire.HelloRequest.self, [0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        #expect(huge?.code == .lengthOutOfBounds)
    }

    @Test func wrongWireTypeIsRejected() {
        let e = error(Wire.HelloRequest.self, [0x0A, 0x01, 0x00])  // protocol_version as bytes
        #expect(e?.code == .wrongWireType)
        #expect(e?.fieldPath == "protocol_version")
    }

    @Test func invalidUTF8NamesTheNestedField() {
        var o = Wire.NewObservation()
        o.content = "x"
        var r = Wire.ObserveRequest()
        r.observations = [Wire.NewObservation.with { $0.content = "fine" }, o]
        var bytes = r.serializedBytes()
        let i = bytes.lastIndex(of: UInt8(ascii: "x"))!
        bytes[i] = 0xC3  // a lead byte with no continuation
        let e = error(Wire.ObserveRequest.self, bytes)
        #expect(e?.code == .invalidUTF8)
        #expect(e?.description.hasPrefix("ObserveRequest.observations[1].content: invalid UTF-8") == true)
    }

    @Test func fieldNumberZeroIsAnInvalidTag() {
        #expect(error(Wire.HelloRequest.self, [0x00, 0x01])?.code == .invalidTag)
    }

    @Test func unbalancedAndDeepGroupsAreRejected() {
        #expect(error(Wire.HelloRequest.self, [0xFC, 0x01])?.code == .unbalancedGroup)
        #expect(error(Wire.HelloRequest.self, [0xFB, 0x01])?.code == .unbalancedGroup)
        let deep = [UInt8](repeating: 0xFB, count: 1) + [0x01]
        var bytes: [UInt8] = []
        for _ in 0..<200 { bytes += deep }
        #expect(error(Wire.HelloRequest.self, bytes)?.code == .tooDeep)
    }

    @Test func badPackedLengthIsRejected() {
        let e = error(Wire.NewObservation.self, [0x3A, 0x03, 0, 0, 0])
        #expect(e?.code == .badPackedLength)
        #expect(e?.fieldPath == "embedding")
    }
}
