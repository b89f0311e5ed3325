import EngramWire
import Testing

@Suite("Codec rules")
struct CodecTests {
    @Test func scalarRoundTripIncludingEdgeValues() throws {
        var m = Wire.ServerInfoResponse()
        m.serverVersion = "0.1.0-ünïcødé-🚀"
        m.startedAtUs = -1
        m.uptimeUs = Int64.max
        m.storeCount = UInt64.max
        m.shardCount = UInt32.max
        let decoded = try Wire.ServerInfoResponse(serializedBytes: m.serializedBytes())
        #expect(decoded == m)
    }

    @Test func defaultsAreNotWritten() {
        #expect(Wire.ServerInfoResponse().serializedBytes().isEmpty)
        var p = Wire.PingRequest()
        p.clientTimeUs = 0
        #expect(p.serializedBytes().isEmpty)
    }

    @Test func negativeZeroFloatIsWritten() throws {
        var e = Wire.ScoreExplanation()
        e.lexical = -0.0
        let bytes = e.serializedBytes()
        #expect(bytes == [0x0D, 0x00, 0x00, 0x00, 0x80])
        #expect(try Wire.ScoreExplanation(serializedBytes: bytes).lexical.sign == .minus)
    }

    @Test func optionalFieldsKeepPresence() throws {
        var r = Wire.RecallRequest()
        r.observationsLimit = 0
        let bytes = r.serializedBytes()
        #expect(bytes == [0x40, 0x00])
        let decoded = try Wire.RecallRequest(serializedBytes: bytes)
        #expect(decoded.observationsLimit == 0)
        #expect(decoded.summariesLimit == nil)
    }

    @Test func sint64UsesZigZag() throws {
        let v = Wire.TraitValue(.integerValue(-1))
        #expect(v.serializedBytes() == [0x38, 0x01])
        let min = Wire.TraitValue(.integerValue(Int64.min))
        #expect(try Wire.TraitValue(serializedBytes: min.serializedBytes()) == min)
    }

    @Test func negativeEnumIsTenByteVarint() throws {
        var p = Wire.Participant()
        p.type = Wire.ParticipantType(rawValue: -3)
        let bytes = p.serializedBytes()
        #expect(bytes.count == 11)
        #expect(try Wire.Participant(serializedBytes: bytes).type.rawValue == -3)
    }

    @Test func unknownEnumValuesAreKept() throws {
        let bytes: [UInt8] = [0x10, 0x63]  // outcome = 99
        let r = try Wire.ResolveIdentityResponse(serializedBytes: bytes)
        #expect(r.outcome.rawValue == 99)
        #expect(r.outcome.description == "99")
        #expect(r.serializedBytes() == bytes)
    }

    @Test func unknownFieldsOfEveryWireTypeAreSkipped() throws {
        var bytes: [UInt8] = []
        bytes += [0xF8, 0x01, 0x96, 0x01]  // field 31 varint
        bytes += [0xF9, 0x01] + [UInt8](repeating: 7, count: 8)  // field 31 fixed64
        bytes += [0xFA, 0x01, 0x03, 1, 2, 3]  // field 31 length-delimited
        bytes += [0xFD, 0x01, 1, 2, 3, 4]  // field 31 fixed32
        bytes += [0xFB, 0x01, 0x08, 0x01, 0xFC, 0x01]  // field 31 group holding a varint
        bytes += [0x0A, 0x02, 0x68, 0x69]  // store_id = "hi"
        let r = try Wire.GetStoreRequest(serializedBytes: bytes)
        #expect(r.storeId == "hi")
    }

    @Test func packedAndUnpackedFloatsAreBothAccepted() throws {
        let packed: [UInt8] = [0x3A, 0x08, 0, 0, 0x80, 0x3F, 0, 0, 0, 0x40]
        let unpacked: [UInt8] = [0x3D, 0, 0, 0x80, 0x3F, 0x3D, 0, 0, 0, 0x40]
        #expect(try Wire.NewObservation(serializedBytes: packed).embedding == [1, 2])
        #expect(try Wire.NewObservation(serializedBytes: unpacked).embedding == [1, 2])
        #expect(try Wire.NewObservation(serializedBytes: unpacked).serializedBytes() == packed)
    }

    @Test func repeatedSingularMessageMerges() throws {
        var a = Wire.GetStoreResponse()
        a.store = Wire.Store.with {
            $0.id = "s1"
            $0.createdAtUs = 5
        }
        var b = Wire.GetStoreResponse()
        b.store = Wire.Store.with { $0.displayName = "prod" }
        let merged = try Wire.GetStoreResponse(serializedBytes: a.serializedBytes() + b.serializedBytes())
        #expect(
            merged.store
                == Wire.Store.with {
                    $0.id = "s1"
                    $0.displayName = "prod"
                    $0.createdAtUs = 5
                })
    }

    @Test func mapsAreSortedByKeyBytesAndLastDuplicateWins() throws {
        var g = Wire.TraitGroup()
        g.traits["b"] = Wire.TraitValue(.stringValue("2"))
        g.traits["a"] = Wire.TraitValue(.stringValue("1"))
        g.traits["é"] = Wire.TraitValue(.boolValue(true))
        let bytes = g.serializedBytes()
        let keys = bytes.indices.filter { bytes[$0] == 0x0A && $0 + 2 < bytes.count && bytes[$0 + 1] < 3 }
        #expect(!keys.isEmpty)
        let decoded = try Wire.TraitGroup(serializedBytes: bytes)
        #expect(decoded == g)
        // "a" sorts before "b" before "é" (0xC3 0xA9).
        let aIndex = bytes.firstIndex(of: 0x61)!
        let bIndex = bytes.firstIndex(of: 0x62)!
        let eIndex = bytes.firstIndex(of: 0xC3)!
        #expect(aIndex < bIndex && bIndex < eIndex)
        let twice = try Wire.TraitGroup(
            serializedBytes: Wire.TraitGroup(["k": Wire.TraitValue(.stringValue("old"))]).serializedBytes()
                + Wire.TraitGroup(["k": Wire.TraitValue(.stringValue("new"))]).serializedBytes())
        #expect(twice.traits["k"] == Wire.TraitValue(.stringValue("new")))
    }

    @Test func longNestedMessagesGetMultiByteLengths() throws {
        var r = Wire.RecallResponse()
        for i in 0..<20 {
            var o = Wire.Observation()
            o.id = "ob_\(i)"
            o.content = String(repeating: "customer prefers email over phone ", count: 10 + i)
            o.embedding = (0..<384).map { Float($0) / 384 }
            r.observations.append(
                Wire.ScoredObservation.with {
                    $0.observation = o
                    $0.score = Float(i) / 20
                })
        }
        let bytes = r.serializedBytes()
        #expect(bytes.count > 20 * 1536)
        #expect(try Wire.RecallResponse(serializedBytes: bytes) == r)
    }

    @Test func methodTableMatchesTheSchema() {
        #expect(Method.allCases.count == 40)
        #expect(Method(rawValue: 61) == .searchKnowledge)
        #expect(Method(rawValue: 40) == .recall)
        #expect(ObjectIdentifier(Method.recall.descriptor.requestType) == ObjectIdentifier(Wire.RecallRequest.self))
        #expect(MessageRegistry.all.count == 112)
        #expect(
            MessageRegistry.type(named: "engram.v1.ObserveRequest").map(ObjectIdentifier.init)
                == ObjectIdentifier(Wire.ObserveRequest.self))
        #expect(StatusCode.unauthenticated.description == "UNAUTHENTICATED")
    }
}
