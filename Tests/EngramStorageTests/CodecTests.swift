import EngramCore
import EngramTestSupport
import Testing

@testable import EngramStorage

@Suite("Record codec")
struct CodecTests {
    @Test func crc32cKnownVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum(Array(0..<32)) == 0x46DD_794E)
        #expect(CRC32C.checksum([]) == 0)
    }

    @Test func crc32cOfAnIntegerIsThatOfItsBytes() {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<1_000 {
            let prefix = (0..<Int.random(in: 0..<20, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let integer = Int64.random(in: .min ... .max, using: &rng)
            var fast = CRC32C()
            var bytes = CRC32C()
            fast.update(prefix)
            fast.update(integer)
            bytes.update(prefix)
            withUnsafeBytes(of: integer.littleEndian) { bytes.update($0) }
            #expect(fast.value == bytes.value)
        }
    }

    @Test func crc32cOfTwoPartsCombines() {
        var rng = SeededGenerator(seed: 12)
        for size in [0, 1, 7, 8, 9, 100, 4_097] {
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
            for cut in Set([0, size / 3, size / 2, size]) {
                var a = CRC32C()
                var b = CRC32C()
                a.update(Array(bytes[..<cut]))
                b.update(Array(bytes[cut...]))
                let whole = CRC32C.combine(a, b)
                #expect(whole.value == CRC32C.checksum(bytes) && whole.length == size, "size \(size), cut at \(cut)")
            }
        }
    }

    @Test func crc32cIncrementalEqualsWhole() {
        var rng = SeededGenerator(seed: 7)
        let bytes = (0..<1000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for split in [0, 1, 7, 8, 9, 500, 999, 1000] {
            var crc = CRC32C()
            crc.update(Array(bytes[..<split]))
            crc.update(Array(bytes[split...]))
            #expect(crc.value == CRC32C.checksum(bytes), "split at \(split)")
        }
    }

    @Test func varintsAndIntegersRoundTrip() throws {
        var w = ByteWriter()
        let unsigned: [UInt64] = [0, 1, 127, 128, 300, 16_383, 16_384, UInt64(UInt32.max), UInt64.max]
        let signed: [Int64] = [0, -1, 1, -64, 64, Int64.min, Int64.max, 1_700_000_000_000_000]
        for v in unsigned { w.varint(v) }
        for v in signed { w.signed(v) }
        w.double(-0.0)
        w.double(.infinity)
        let bytes = w.bytes
        try bytes.withBytes { (raw) throws(DecodingError) in
            var r = ByteReader(raw)
            for v in unsigned {
                let read = try r.varint()
                #expect(read == v)
            }
            for v in signed {
                let read = try r.signed()
                #expect(read == v)
            }
            let negativeZero = try r.double()
            let infinity = try r.double()
            let atEnd = r.isAtEnd
            #expect(negativeZero.bitPattern == (-0.0 as Double).bitPattern)
            #expect(infinity == .infinity)
            #expect(atEnd)
        }
    }

    @Test func randomCommandsRoundTrip() throws {
        var rng = SeededGenerator(seed: 42)
        var seen = Set<UInt8>()
        for i in 0..<3000 {
            let command = randomCommand(&rng)
            let bytes = command.encoded()
            seen.insert(bytes[1])
            let decoded = try Command(decoding: bytes)
            #expect(decoded == command, "command \(i): \(command)")
            if decoded != command { break }
        }
        #expect(seen == Set(1...20), "every command case was generated")
    }

    /// The built-in hashed embedder's vectors are not written (replay builds them from the
    /// content); a client's or a model's are.
    @Test func standardHashedVectorsAreLeftOutOfTheLog() throws {
        func item(_ id: String, embedder: String?) -> Command.NewObservation {
            Command.NewObservation(
                id: id, content: "likes tea", source: "s", occurredAt: 1, conversationIDs: [], subjectKey: nil,
                embedding: HashedEmbedder.standard.embed("likes tea"), idempotencyKey: nil, embedder: embedder)
        }
        let command = Command.observe(
            Command.Observe(
                storeID: "st", profileID: "pr",
                observations: [
                    item("a", embedder: HashedEmbedder.standardIdentity), item("b", embedder: nil),
                    item("c", embedder: "minilm@x/384"),
                ],
                summaries: [], communications: [], at: 1))
        let bytes = command.encoded()
        #expect(bytes.count < 2 * 384 * 4 + 200, "two vectors written, not three: \(bytes.count) bytes")
        guard case .observe(let decoded) = try Command(decoding: bytes) else {
            Issue.record("expected an Observe")
            return
        }
        #expect(decoded.observations.map { $0.embedding == nil } == [true, false, false])
        #expect(decoded.observations.map(\.embedder) == [HashedEmbedder.standardIdentity, nil, "minilm@x/384"])
    }

    /// A Reembed back to the built-in hashed embedder carries no vectors, and reads back;
    /// one to another embedder must carry them.
    @Test func reembedToTheHashedEmbedderCarriesNoVectors() throws {
        let hashed = Command.reembed(
            Command.Reembed(
                storeID: "st", profileID: "pr", embedder: HashedEmbedder.standardIdentity,
                vectors: [
                    Command.ObservationVector(observationID: "o1", embedding: HashedEmbedder.standard.embed("tea"))
                ], at: 5))
        let bytes = hashed.encoded()
        #expect(bytes.count < 100, "\(bytes.count) bytes")
        guard case .reembed(let decoded) = try Command(decoding: bytes) else {
            Issue.record("expected a Reembed")
            return
        }
        #expect(decoded.vectors == [Command.ObservationVector(observationID: "o1", embedding: nil)])
        let model = Command.reembed(
            Command.Reembed(
                storeID: "st", profileID: "pr", embedder: "minilm@x/384",
                vectors: [Command.ObservationVector(observationID: "o1", embedding: nil)], at: 5))
        #expect(throws: DecodingError.self) { try Command(decoding: model.encoded()) }
    }

    /// A version-1 Observe (before observations recorded their embedder): its vectors are
    /// read as the hashed embedder's, its vectorless observations as having none.
    @Test func versionOneObserveReadsAsHashedVectors() throws {
        let o1 = Command.NewObservation(
            id: "ob_1", content: "likes tea", source: "agent", occurredAt: 5, conversationIDs: [], subjectKey: nil,
            embedding: [0.5, 0.25], idempotencyKey: nil)
        let o2 = Command.NewObservation(
            id: "ob_2", content: "likes coffee", source: "agent", occurredAt: 6, conversationIDs: ["c"],
            subjectKey: "drink",
            embedding: nil, idempotencyKey: "k")
        var w = ByteWriter(capacity: 64)
        w.byte(1)
        w.byte(8)
        w.string("st")
        w.string("pr")
        w.count(2)
        for o in [o1, o2] {
            w.string(o.id)
            w.string(o.content)
            w.string(o.source)
            w.signed(o.occurredAt)
            w.strings(o.conversationIDs)
            w.optionalString(o.subjectKey)
            w.optionalFloats(o.embedding)
            w.optionalString(o.idempotencyKey)
        }
        w.count(0)
        w.count(0)
        w.signed(7)
        guard case .observe(let c) = try Command(decoding: w.bytes) else {
            Issue.record("not an Observe")
            return
        }
        #expect(c.observations.map(\.embedder) == [HashedEmbedder.standard.identity.description, nil])
        #expect(c.observations[1].idempotencyKey == "k" && c.at == 7)
        // Version 1 has no tag 10.
        var reembed = Command.reembed(.init(storeID: "st", profileID: "pr", embedder: "e", vectors: [], at: 1))
            .encoded()
        reembed[0] = 1
        #expect(throws: DecodingError.self) { try Command(decoding: reembed) }
    }

    /// A version-4 ResolveIdentity (before it could name a profile) reads as naming none.
    @Test func versionFourResolveNamesNoProfile() throws {
        let command = Command.resolveIdentity(
            .init(
                storeID: "st", newProfileID: "pr_new", identifiers: [IdentifierInput(type: "email", value: "a@b.c")],
                traits: [], at: 9, profileID: "pr_old"))
        var bytes = command.encoded()
        guard case .resolveIdentity(let now) = try Command(decoding: bytes) else {
            Issue.record("not a ResolveIdentity")
            return
        }
        #expect(now.profileID == "pr_old")
        bytes[0] = 4
        bytes.removeLast("pr_old".utf8.count + 2)  // presence byte, length, the id
        guard case .resolveIdentity(let old) = try Command(decoding: bytes) else {
            Issue.record("not a ResolveIdentity")
            return
        }
        #expect(old.profileID == nil && old.at == 9 && old.identifiers == now.identifiers)
    }

    @Test func damagedPayloadsThrowInsteadOfCrashing() {
        var rng = SeededGenerator(seed: 9)
        var failures = 0
        for _ in 0..<2000 {
            var bytes = randomCommand(&rng).encoded()
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: bytes.removeLast(Int.random(in: 1...bytes.count - 1, using: &rng))
            case 1:
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[i] ^= UInt8.random(in: 1...255, using: &rng)
            default: bytes.append(UInt8.random(in: 0...255, using: &rng))
            }
            do { _ = try Command(decoding: bytes) } catch { failures += 1 }
        }
        // Flipped bytes inside a string can still decode; truncation and trailing bytes never do.
        #expect(failures > 1300)
    }

    @Test func unknownVersionIsRejected() {
        var bytes = Command.deleteStore(.init(storeID: "st", at: 1)).encoded()
        bytes[0] = 99
        #expect(throws: DecodingError.self) { try Command(decoding: bytes) }
    }

    @Test func jsonStringArraysRoundTrip() {
        let samples: [[String]] = [
            [], [""], ["a", "b"], ["quote\"back\\slash", "tab\tnew\nline", "\u{1}\u{1F}", "é🙂中"], ["[", "]", ","],
        ]
        for sample in samples {
            let text = JSONStringArray.encode(sample)
            #expect(JSONStringArray.decode(text) == sample, "\(text)")
        }
        #expect(JSONStringArray.decode("[\"\\ud83d\\ude42\"]") == ["🙂"])
        #expect(JSONStringArray.decode("[\"a\",]") == nil)
        #expect(JSONStringArray.decode("[\"a\"") == nil)
    }
}

// MARK: Random commands

func randomString(_ rng: inout SeededGenerator, max: Int = 24) -> String {
    let alphabet: [Character] = Array("abcXYZ019 _-@.+\"\\\n\t") + ["é", "ß", "中", "🙂", "\u{0}", "\u{301}"]
    return String((0..<Int.random(in: 0...max, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
}

func maybe<T>(_ rng: inout SeededGenerator, _ make: (inout SeededGenerator) -> T) -> T? {
    Bool.random(using: &rng) ? make(&rng) : nil
}

func randomList<T>(_ rng: inout SeededGenerator, max: Int = 3, _ make: (inout SeededGenerator) -> T) -> [T] {
    (0..<Int.random(in: 0...max, using: &rng)).map { _ in make(&rng) }
}

func randomTime(_ rng: inout SeededGenerator) -> Int64 {
    [0, -1, 1_700_000_000_000_000, Int64.max, Int64.min, Int64.random(in: .min ... .max, using: &rng)].randomElement(
        using: &rng)!
}

func randomTraits(_ rng: inout SeededGenerator) -> [TraitUpdate] {
    randomList(&rng) { rng in
        let value: TraitValue? =
            switch Int.random(in: 0...5, using: &rng) {
            case 0: nil
            case 1: .string(randomString(&rng))
            case 2: .number([0.5, -0.0, 1e300, -3.25, .infinity].randomElement(using: &rng)!)
            case 3: .bool(Bool.random(using: &rng))
            case 4: .strings(randomList(&rng) { randomString(&$0) })
            default: .integer(Int64.random(in: .min ... .max, using: &rng))
            }
        return TraitUpdate(
            group: randomString(&rng, max: 5), name: randomString(&rng, max: 5), value: value,
            updatedAt: maybe(&rng, randomTime))
    }
}

func randomConversationSettings(_ rng: inout SeededGenerator) -> ConversationSettings? {
    maybe(&rng) { rng in
        ConversationSettings(
            idleTimeout: Int64.random(in: 0...ConversationSettings.maxIdleTimeout, using: &rng),
            extractor: ExtractorKind.allCases.randomElement(using: &rng)!, linkWhatsAppToPhone: Bool.random(using: &rng)
        )
    }
}

func randomNewObservations(_ rng: inout SeededGenerator) -> [Command.NewObservation] {
    randomList(&rng) { rng in
        Command.NewObservation(
            id: randomString(&rng), content: randomString(&rng, max: 200), source: randomString(&rng),
            occurredAt: randomTime(&rng),
            conversationIDs: randomList(&rng) { randomString(&$0) }, subjectKey: maybe(&rng) { randomString(&$0) },
            embedding: maybe(&rng) { rng in randomList(&rng, max: 8) { Float.random(in: -1...1, using: &$0) } },
            idempotencyKey: maybe(&rng) { randomString(&$0) }, embedder: maybe(&rng) { randomString(&$0) },
            communicationIDs: randomList(&rng) { randomString(&$0) })
    }
}

func randomNewCommunications(_ rng: inout SeededGenerator) -> [Command.NewCommunication] {
    randomList(&rng) { rng in
        Command.NewCommunication(
            id: randomString(&rng), conversationID: randomString(&rng),
            authorType: AuthorType.allCases.randomElement(using: &rng)!,
            channel: Channel.allCases.randomElement(using: &rng)!, text: randomString(&rng, max: 100),
            createdAt: randomTime(&rng),
            authorAddress: randomString(&rng),
            recipients: randomList(&rng) {
                CommunicationParticipant(
                    type: AuthorType.allCases.randomElement(using: &$0)!, address: randomString(&$0))
            })
    }
}

func randomCommand(_ rng: inout SeededGenerator) -> Command {
    let s = randomString(&rng, max: 8)
    let at = randomTime(&rng)
    switch Int.random(in: 1...20, using: &rng) {
    case 1:
        return .createStore(
            .init(
                storeID: s, displayName: randomString(&rng), description: randomString(&rng), at: at,
                conversationSettings: randomConversationSettings(&rng)))
    case 2:
        return .updateStore(
            .init(
                storeID: s, displayName: maybe(&rng) { randomString(&$0) },
                description: maybe(&rng) { randomString(&$0) }, at: at,
                conversationSettings: randomConversationSettings(&rng)))
    case 3: return .deleteStore(.init(storeID: s, at: at))
    case 4:
        let types = randomList(&rng) { rng in
            IdentifierTypeSettings(
                name: randomString(&rng, max: 6),
                normalization: IdentifierNormalization.allCases.randomElement(using: &rng)!,
                limit: Int.random(in: -5...100, using: &rng),
                overflowPolicy: OverflowPolicy.allCases.randomElement(using: &rng)!,
                unique: Bool.random(using: &rng), blockedValues: randomList(&rng) { randomString(&$0) },
                blockedPatterns: randomList(&rng) { randomString(&$0) })
        }
        let settings = IdentitySettings(
            priority: randomList(&rng) { randomString(&$0) }, types: types, defaultRegion: randomString(&rng, max: 2))
        return .putIdentitySettings(.init(storeID: s, settings: settings, at: at))
    case 5:
        return .resolveIdentity(
            .init(
                storeID: s, newProfileID: randomString(&rng),
                identifiers: randomList(&rng) {
                    IdentifierInput(type: randomString(&$0, max: 5), value: randomString(&$0))
                },
                traits: randomTraits(&rng), at: at, profileID: Bool.random(using: &rng) ? randomString(&rng) : nil))
    case 6: return .updateTraits(.init(storeID: s, profileID: randomString(&rng), traits: randomTraits(&rng), at: at))
    case 7: return .deleteProfile(.init(storeID: s, profileID: randomString(&rng), at: at))
    case 8:
        let observations = randomNewObservations(&rng)
        let summaries = randomList(&rng) { rng in
            Command.NewSummary(
                id: randomString(&rng), content: randomString(&rng), conversationID: randomString(&rng),
                occurredAt: randomTime(&rng),
                source: randomString(&rng))
        }
        let communications = randomNewCommunications(&rng)
        return .observe(
            .init(
                storeID: s, profileID: randomString(&rng), observations: observations, summaries: summaries,
                communications: communications, at: at))
    case 9:
        return .deleteObservation(
            .init(storeID: s, profileID: randomString(&rng), observationID: randomString(&rng), at: at))
    case 11:
        return .appendCommunications(
            .init(
                storeID: s, profileID: randomString(&rng), conversationID: randomString(&rng),
                communications: randomNewCommunications(&rng), at: at))
    case 12:
        return .closeConversation(
            .init(
                storeID: s, profileID: randomString(&rng), conversationID: randomString(&rng),
                idle: Bool.random(using: &rng), at: at))
    case 13:
        return .recordExtraction(
            .init(
                storeID: s, profileID: randomString(&rng), conversationID: randomString(&rng),
                extractor: randomString(&rng), messageCount: Int.random(in: 0...5_000, using: &rng),
                observations: randomNewObservations(&rng),
                summary: maybe(&rng) { rng in
                    Command.NewSummary(
                        id: randomString(&rng), content: randomString(&rng), conversationID: randomString(&rng),
                        occurredAt: randomTime(&rng), source: randomString(&rng))
                }, failure: maybe(&rng) { randomString(&$0) }, at: at))
    case 14:
        return .expire(
            .init(
                storeID: s, profileID: randomString(&rng), messagesBefore: maybe(&rng, randomTime),
                observationsBefore: maybe(&rng, randomTime), idempotencyBefore: maybe(&rng, randomTime), at: at))
    case 15:
        return .createKnowledgeBase(
            .init(
                storeID: s, knowledgeBaseID: randomString(&rng), displayName: randomString(&rng),
                description: randomString(&rng), at: at))
    case 16:
        return .updateKnowledgeBase(
            .init(
                storeID: s, knowledgeBaseID: randomString(&rng), displayName: maybe(&rng) { randomString(&$0) },
                description: maybe(&rng) { randomString(&$0) }, at: at))
    case 17: return .deleteKnowledgeBase(.init(storeID: s, knowledgeBaseID: randomString(&rng), at: at))
    case 18:
        // Vectors of a model are kept; the hashed embedder's are left out (nil both ways).
        let hashed = Bool.random(using: &rng)
        let chunks = randomList(&rng) { rng in
            Command.NewChunk(
                content: randomString(&rng), headingPath: randomList(&rng) { randomString(&$0) },
                start: Int.random(in: 0...1000, using: &rng), end: Int.random(in: 1000...2000, using: &rng),
                embedding: hashed ? nil : randomList(&rng, max: 8) { Float.random(in: -1...1, using: &$0) },
                headingEmbedding: hashed ? nil : [Float.random(in: -1...1, using: &rng)])
        }
        return .putKnowledge(
            .init(
                storeID: s, knowledgeBaseID: randomString(&rng), knowledgeID: randomString(&rng),
                replaces: Bool.random(using: &rng), name: randomString(&rng), description: randomString(&rng),
                metadata: randomList(&rng) { MetadataPair(key: randomString(&$0), value: randomString(&$0)) },
                sourceType: KnowledgeSourceType.allCases.randomElement(using: &rng)!,
                sourceBytes: Int.random(in: 0...(16 << 20), using: &rng), chunks: chunks,
                embedder: hashed ? HashedEmbedder.standardIdentity : "model@1/8", at: at))
    case 19:
        return .updateKnowledgeInfo(
            .init(
                storeID: s, knowledgeBaseID: randomString(&rng), knowledgeID: randomString(&rng),
                description: maybe(&rng) { randomString(&$0) },
                metadata: maybe(&rng) { rng in
                    randomList(&rng) { MetadataPair(key: randomString(&$0), value: randomString(&$0)) }
                }, at: at))
    case 20:
        return .deleteKnowledge(
            .init(storeID: s, knowledgeBaseID: randomString(&rng), knowledgeID: randomString(&rng), at: at))
    default:
        let vectors = randomList(&rng) { rng in
            Command.ObservationVector(
                observationID: randomString(&rng),
                embedding: randomList(&rng, max: 8) { Float.random(in: -1...1, using: &$0) })
        }
        return .reembed(
            .init(storeID: s, profileID: randomString(&rng), embedder: randomString(&rng), vectors: vectors, at: at))
    }
}
