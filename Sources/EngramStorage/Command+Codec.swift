import EngramCore

// The write-ahead log's payload format for `Command`, by hand: one version byte, one case tag,
// then the fields in declaration order. Integers are varints (times and signed values zigzag),
// strings and lists are length-prefixed, optionals carry a presence byte, floats and doubles
// are their little-endian IEEE bits. Enum values use the fixed codes below, never their
// declaration order, so adding a case to a Swift enum cannot change what old logs mean.
// A new field means a new version: the decoder keeps reading every version it ever wrote.

extension Command {
    /// The payload format version written by `encoded()`. Version 2 added which embedder
    /// made each observation's vector, and the Reembed command (tag 10). Version 3 added
    /// observations' message ids, stores' conversation settings, and the conversation
    /// commands (tags 11–13). Version 4 added the knowledge commands (tags 15–20). Version 5
    /// added ResolveIdentity's named profile (after its time).
    public static let codecVersion: UInt8 = 5

    /// What a version-1 record's observation vector was made by: every engine-made vector
    /// then came from the built-in hashed embedder (a client's could not be told apart).
    static let versionOneEmbedder = HashedEmbedder.standardIdentity

    /// The command as a log payload.
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 128)
        encode(into: &w)
        return w.bytes
    }

    /// Appends the command's payload to `w`.
    public func encode(into w: inout ByteWriter) {
        w.byte(Self.codecVersion)
        switch self {
        case .createStore(let c):
            w.byte(1)
            w.string(c.storeID)
            w.string(c.displayName)
            w.string(c.description)
            w.signed(c.at)
            ConversationSettings.encode(c.conversationSettings, into: &w)
        case .updateStore(let c):
            w.byte(2)
            w.string(c.storeID)
            w.optionalString(c.displayName)
            w.optionalString(c.description)
            w.signed(c.at)
            ConversationSettings.encode(c.conversationSettings, into: &w)
        case .deleteStore(let c):
            w.byte(3)
            w.string(c.storeID)
            w.signed(c.at)
        case .putIdentitySettings(let c):
            w.byte(4)
            w.string(c.storeID)
            c.settings.encode(into: &w)
            w.signed(c.at)
        case .resolveIdentity(let c):
            w.byte(5)
            w.string(c.storeID)
            w.string(c.newProfileID)
            w.count(c.identifiers.count)
            for i in c.identifiers {
                w.string(i.type)
                w.string(i.value)
            }
            c.traits.encode(into: &w)
            w.signed(c.at)
            w.optionalString(c.profileID)
        case .updateTraits(let c):
            w.byte(6)
            w.string(c.storeID)
            w.string(c.profileID)
            c.traits.encode(into: &w)
            w.signed(c.at)
        case .deleteProfile(let c):
            w.byte(7)
            w.string(c.storeID)
            w.string(c.profileID)
            w.signed(c.at)
        case .observe(let c):
            w.byte(8)
            w.string(c.storeID)
            w.string(c.profileID)
            w.count(c.observations.count)
            for o in c.observations { o.encode(into: &w) }
            w.count(c.summaries.count)
            for s in c.summaries { s.encode(into: &w) }
            w.count(c.communications.count)
            for m in c.communications { m.encode(into: &w) }
            w.signed(c.at)
        case .deleteObservation(let c):
            w.byte(9)
            w.string(c.storeID)
            w.string(c.profileID)
            w.string(c.observationID)
            w.signed(c.at)
        case .reembed(let c):
            w.byte(10)
            w.string(c.storeID)
            w.string(c.profileID)
            w.string(c.embedder)
            w.count(c.vectors.count)
            let derived = EmbedderIdentity.isRebuiltFromText(c.embedder)
            for v in c.vectors {
                w.string(v.observationID)
                w.optionalFloats(derived ? nil : v.embedding)
            }
            w.signed(c.at)
        case .appendCommunications(let c):
            w.byte(11)
            w.string(c.storeID)
            w.string(c.profileID)
            w.string(c.conversationID)
            w.count(c.communications.count)
            for m in c.communications { m.encode(into: &w) }
            w.signed(c.at)
        case .closeConversation(let c):
            w.byte(12)
            w.string(c.storeID)
            w.string(c.profileID)
            w.string(c.conversationID)
            w.bool(c.idle)
            w.signed(c.at)
        case .recordExtraction(let c):
            w.byte(13)
            w.string(c.storeID)
            w.string(c.profileID)
            w.string(c.conversationID)
            w.string(c.extractor)
            w.signed(Int64(c.messageCount))
            w.count(c.observations.count)
            for o in c.observations { o.encode(into: &w) }
            if let summary = c.summary {
                w.byte(1)
                summary.encode(into: &w)
            } else {
                w.byte(0)
            }
            w.optionalString(c.failure)
            w.signed(c.at)
        case .expire(let c):
            w.byte(14)
            w.string(c.storeID)
            w.string(c.profileID)
            w.optionalSigned(c.messagesBefore)
            w.optionalSigned(c.observationsBefore)
            w.optionalSigned(c.idempotencyBefore)
            w.signed(c.at)
        case .createKnowledgeBase, .updateKnowledgeBase, .deleteKnowledgeBase, .putKnowledge, .updateKnowledgeInfo,
            .deleteKnowledge:
            encodeKnowledge(into: &w)
        }
    }

    /// Decodes a payload written by `encoded()` (any version this build knows); every byte
    /// must be used.
    public init(decoding bytes: UnsafeRawBufferPointer) throws(DecodingError) {
        var r = ByteReader(bytes)
        let version = try r.byte()
        guard (1...Self.codecVersion).contains(version) else {
            throw DecodingError(
                "unknown command codec version \(version) (this build reads 1 to \(Self.codecVersion))", offset: 0)
        }
        let tagOffset = r.offset
        switch try r.byte() {
        case 1:
            self = .createStore(
                CreateStore(
                    storeID: try r.string(), displayName: try r.string(), description: try r.string(),
                    at: try r.signed(),
                    conversationSettings: version >= 3 ? try ConversationSettings.decode(from: &r) : nil))
        case 2:
            self = .updateStore(
                UpdateStore(
                    storeID: try r.string(), displayName: try r.optionalString(), description: try r.optionalString(),
                    at: try r.signed(),
                    conversationSettings: version >= 3 ? try ConversationSettings.decode(from: &r) : nil))
        case 3:
            self = .deleteStore(DeleteStore(storeID: try r.string(), at: try r.signed()))
        case 4:
            self = .putIdentitySettings(
                PutIdentitySettings(
                    storeID: try r.string(), settings: try IdentitySettings(from: &r), at: try r.signed()))
        case 5:
            let storeID = try r.string()
            let newProfileID = try r.string()
            let n = try r.count(minimumElementBytes: 2)
            var identifiers: [IdentifierInput] = []
            identifiers.reserveCapacity(n)
            for _ in 0..<n { identifiers.append(IdentifierInput(type: try r.string(), value: try r.string())) }
            let traits = try [TraitUpdate](from: &r)
            self = .resolveIdentity(
                ResolveIdentity(
                    storeID: storeID, newProfileID: newProfileID, identifiers: identifiers, traits: traits,
                    at: try r.signed(), profileID: version >= 5 ? try r.optionalString() : nil))
        case 6:
            self = .updateTraits(
                UpdateTraits(
                    storeID: try r.string(), profileID: try r.string(), traits: try [TraitUpdate](from: &r),
                    at: try r.signed()))
        case 7:
            self = .deleteProfile(DeleteProfile(storeID: try r.string(), profileID: try r.string(), at: try r.signed()))
        case 8:
            let storeID = try r.string()
            let profileID = try r.string()
            let no = try r.count(minimumElementBytes: 8)
            var observations: [NewObservation] = []
            observations.reserveCapacity(no)
            for _ in 0..<no { observations.append(try NewObservation(from: &r, version: version)) }
            let ns = try r.count(minimumElementBytes: 5)
            var summaries: [NewSummary] = []
            summaries.reserveCapacity(ns)
            for _ in 0..<ns { summaries.append(try NewSummary(from: &r)) }
            let nc = try r.count(minimumElementBytes: 8)
            var communications: [NewCommunication] = []
            communications.reserveCapacity(nc)
            for _ in 0..<nc { communications.append(try NewCommunication(from: &r)) }
            self = .observe(
                Observe(
                    storeID: storeID, profileID: profileID, observations: observations, summaries: summaries,
                    communications: communications, at: try r.signed()))
        case 9:
            self = .deleteObservation(
                DeleteObservation(
                    storeID: try r.string(), profileID: try r.string(), observationID: try r.string(),
                    at: try r.signed()))
        case 10 where version >= 2:
            let storeID = try r.string()
            let profileID = try r.string()
            let embedder = try r.string()
            let n = try r.count(minimumElementBytes: 2)
            var vectors: [ObservationVector] = []
            vectors.reserveCapacity(n)
            for _ in 0..<n {
                let id = try r.string()
                let embedding = try r.optionalFloats()
                // Only vectors their embedder rebuilds from the text are left out.
                guard embedding != nil || EmbedderIdentity.isRebuiltFromText(embedder) else {
                    throw DecodingError("reembed: observation \(id) has no vector", offset: r.offset)
                }
                vectors.append(ObservationVector(observationID: id, embedding: embedding))
            }
            self = .reembed(
                Reembed(
                    storeID: storeID, profileID: profileID, embedder: embedder, vectors: vectors, at: try r.signed()))
        case 11 where version >= 3:
            let storeID = try r.string()
            let profileID = try r.string()
            let conversationID = try r.string()
            let n = try r.count(minimumElementBytes: 8)
            var communications: [NewCommunication] = []
            communications.reserveCapacity(n)
            for _ in 0..<n { communications.append(try NewCommunication(from: &r)) }
            self = .appendCommunications(
                AppendCommunications(
                    storeID: storeID, profileID: profileID, conversationID: conversationID,
                    communications: communications, at: try r.signed()))
        case 12 where version >= 3:
            self = .closeConversation(
                CloseConversation(
                    storeID: try r.string(), profileID: try r.string(), conversationID: try r.string(),
                    idle: try r.bool(), at: try r.signed()))
        case 13 where version >= 3:
            let storeID = try r.string()
            let profileID = try r.string()
            let conversationID = try r.string()
            let extractor = try r.string()
            let messageCount = try r.signed()
            guard messageCount >= 0, messageCount <= Int64(Int32.max) else {
                throw DecodingError("record extraction: bad message count \(messageCount)", offset: r.offset)
            }
            let n = try r.count(minimumElementBytes: 8)
            var observations: [NewObservation] = []
            observations.reserveCapacity(n)
            for _ in 0..<n { observations.append(try NewObservation(from: &r, version: version)) }
            let summary = try r.bool() ? try NewSummary(from: &r) : nil
            self = .recordExtraction(
                RecordExtraction(
                    storeID: storeID, profileID: profileID, conversationID: conversationID, extractor: extractor,
                    messageCount: Int(messageCount), observations: observations, summary: summary,
                    failure: try r.optionalString(), at: try r.signed()))
        case 14 where version >= 3:
            self = .expire(
                Expire(
                    storeID: try r.string(), profileID: try r.string(), messagesBefore: try r.optionalSigned(),
                    observationsBefore: try r.optionalSigned(), idempotencyBefore: try r.optionalSigned(),
                    at: try r.signed()))
        case let tag where version >= 4 && (15...20).contains(tag):
            self = try Self.decodeKnowledge(tag: tag, from: &r)
        case let tag:
            throw DecodingError("unknown command tag \(tag)", offset: tagOffset)
        }
        guard r.isAtEnd else {
            throw DecodingError("\(bytes.count - r.offset) bytes left over after the command", offset: r.offset)
        }
    }

    /// Decodes a payload written by `encoded()`.
    public init(decoding bytes: [UInt8]) throws(DecodingError) {
        self = try bytes.withBytes { (raw) throws(DecodingError) -> Command in try Command(decoding: raw) }
    }
}

extension Command.NewObservation {
    func encode(into w: inout ByteWriter) {
        w.string(id)
        w.string(content)
        w.string(source)
        w.signed(occurredAt)
        w.strings(conversationIDs)
        w.optionalString(subjectKey)
        // A vector its embedder rebuilds from the text is left out: replay builds it.
        w.optionalFloats(EmbedderIdentity.isRebuiltFromText(embedder) ? nil : embedding)
        w.optionalString(idempotencyKey)
        w.optionalString(embedder)
        w.strings(communicationIDs)
    }

    init(from r: inout ByteReader, version: UInt8) throws(DecodingError) {
        self.init(
            id: try r.string(), content: try r.string(), source: try r.string(), occurredAt: try r.signed(),
            conversationIDs: try r.strings(), subjectKey: try r.optionalString(), embedding: try r.optionalFloats(),
            idempotencyKey: try r.optionalString())
        embedder = version >= 2 ? try r.optionalString() : embedding == nil ? nil : Command.versionOneEmbedder
        if version >= 3 { communicationIDs = try r.strings() }
    }
}

extension Command.NewSummary {
    func encode(into w: inout ByteWriter) {
        w.string(id)
        w.string(content)
        w.string(conversationID)
        w.signed(occurredAt)
        w.string(source)
    }

    init(from r: inout ByteReader) throws(DecodingError) {
        self.init(
            id: try r.string(), content: try r.string(), conversationID: try r.string(), occurredAt: try r.signed(),
            source: try r.string())
    }
}

extension Command.NewCommunication {
    func encode(into w: inout ByteWriter) {
        w.string(id)
        w.string(conversationID)
        w.byte(authorType.code)
        w.byte(channel.code)
        w.string(text)
        w.signed(createdAt)
        w.string(authorAddress)
        w.count(recipients.count)
        for r in recipients {
            w.byte(r.type.code)
            w.string(r.address)
        }
    }

    init(from r: inout ByteReader) throws(DecodingError) {
        let id = try r.string()
        let conversationID = try r.string()
        let authorType = try AuthorType(code: &r)
        let channel = try Channel(code: &r)
        let text = try r.string()
        let createdAt = try r.signed()
        let authorAddress = try r.string()
        let nr = try r.count(minimumElementBytes: 2)
        var recipients: [CommunicationParticipant] = []
        recipients.reserveCapacity(nr)
        for _ in 0..<nr {
            recipients.append(CommunicationParticipant(type: try AuthorType(code: &r), address: try r.string()))
        }
        self.init(
            id: id, conversationID: conversationID, authorType: authorType, channel: channel, text: text,
            createdAt: createdAt, authorAddress: authorAddress, recipients: recipients)
    }
}

extension ConversationSettings {
    /// A presence byte, then the timeout, the extractor's code and the WhatsApp link.
    static func encode(_ settings: ConversationSettings?, into w: inout ByteWriter) {
        guard let settings else {
            w.byte(0)
            return
        }
        w.byte(1)
        w.signed(settings.idleTimeout)
        w.byte(settings.extractor.code)
        w.bool(settings.linkWhatsAppToPhone)
        w.signed(settings.messageRetention)
        w.signed(settings.observationRetention)
    }

    static func decode(from r: inout ByteReader) throws(DecodingError) -> ConversationSettings? {
        guard try r.bool() else { return nil }
        return ConversationSettings(
            idleTimeout: try r.signed(), extractor: try ExtractorKind(code: &r), linkWhatsAppToPhone: try r.bool(),
            messageRetention: try r.signed(), observationRetention: try r.signed())
    }
}

extension ExtractorKind {
    var code: UInt8 {
        switch self {
        case .rules: 1
        case .llm: 2
        case .none: 3
        }
    }

    init(code r: inout ByteReader) throws(DecodingError) {
        let at = r.offset
        switch try r.byte() {
        case 1: self = .rules
        case 2: self = .llm
        case 3: self = .none
        case let b: throw DecodingError("unknown extractor code \(b)", offset: at)
        }
    }
}

extension IdentitySettings {
    func encode(into w: inout ByteWriter) {
        w.strings(priority)
        w.count(types.count)
        for t in types {
            w.string(t.name)
            w.byte(t.normalization.code)
            w.signed(Int64(t.limit))
            w.byte(t.overflowPolicy.code)
            w.bool(t.unique)
            w.strings(t.blockedValues)
            w.strings(t.blockedPatterns)
        }
        w.string(defaultRegion)
    }

    init(from r: inout ByteReader) throws(DecodingError) {
        let priority = try r.strings()
        let n = try r.count(minimumElementBytes: 7)
        var types: [IdentifierTypeSettings] = []
        types.reserveCapacity(n)
        for _ in 0..<n {
            types.append(
                IdentifierTypeSettings(
                    name: try r.string(), normalization: try IdentifierNormalization(code: &r), limit: try r.int(),
                    overflowPolicy: try OverflowPolicy(code: &r), unique: try r.bool(), blockedValues: try r.strings(),
                    blockedPatterns: try r.strings()))
        }
        self.init(priority: priority, types: types, defaultRegion: try r.string())
    }
}

extension [TraitUpdate] {
    func encode(into w: inout ByteWriter) {
        w.count(count)
        for t in self {
            w.string(t.group)
            w.string(t.name)
            TraitValue.encode(t.value, into: &w)
            if let at = t.updatedAt {
                w.byte(1)
                w.signed(at)
            } else {
                w.byte(0)
            }
        }
    }

    init(from r: inout ByteReader) throws(DecodingError) {
        let n = try r.count(minimumElementBytes: 4)
        var out: [TraitUpdate] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            let group = try r.string()
            let name = try r.string()
            let value = try TraitValue.decode(from: &r)
            let at: Int64? = try r.bool() ? try r.signed() : nil
            out.append(TraitUpdate(group: group, name: name, value: value, updatedAt: at))
        }
        self = out
    }
}

extension TraitValue {
    /// Tag 0 is "no value" (a trait removal).
    static func encode(_ value: TraitValue?, into w: inout ByteWriter) {
        switch value {
        case nil: w.byte(0)
        case .string(let s)?:
            w.byte(1)
            w.string(s)
        case .number(let d)?:
            w.byte(2)
            w.double(d)
        case .bool(let b)?:
            w.byte(3)
            w.bool(b)
        case .strings(let list)?:
            w.byte(4)
            w.strings(list)
        case .integer(let i)?:
            w.byte(5)
            w.signed(i)
        }
    }

    static func decode(from r: inout ByteReader) throws(DecodingError) -> TraitValue? {
        let at = r.offset
        switch try r.byte() {
        case 0: return nil
        case 1: return .string(try r.string())
        case 2: return .number(try r.double())
        case 3: return .bool(try r.bool())
        case 4: return .strings(try r.strings())
        case 5: return .integer(try r.signed())
        case let tag: throw DecodingError("unknown trait value tag \(tag)", offset: at)
        }
    }
}

// Fixed one-byte codes for the enums the log stores.

extension AuthorType {
    var code: UInt8 {
        switch self {
        case .customer: 1
        case .humanAgent: 2
        case .aiAgent: 3
        case .system: 4
        case .unknown: 5
        }
    }

    init(code r: inout ByteReader) throws(DecodingError) {
        let at = r.offset
        switch try r.byte() {
        case 1: self = .customer
        case 2: self = .humanAgent
        case 3: self = .aiAgent
        case 4: self = .system
        case 5: self = .unknown
        case let b: throw DecodingError("unknown author type code \(b)", offset: at)
        }
    }
}

extension Channel {
    var code: UInt8 {
        switch self {
        case .voice: 1
        case .sms: 2
        case .rcs: 3
        case .email: 4
        case .whatsapp: 5
        case .chat: 6
        case .api: 7
        case .system: 8
        }
    }

    init(code r: inout ByteReader) throws(DecodingError) {
        let at = r.offset
        switch try r.byte() {
        case 1: self = .voice
        case 2: self = .sms
        case 3: self = .rcs
        case 4: self = .email
        case 5: self = .whatsapp
        case 6: self = .chat
        case 7: self = .api
        case 8: self = .system
        case let b: throw DecodingError("unknown channel code \(b)", offset: at)
        }
    }
}

extension IdentifierNormalization {
    var code: UInt8 {
        switch self {
        case .email: 1
        case .phone: 2
        case .whatsapp: 3
        case .chat: 4
        case .none: 5
        case .trim: 6
        case .lowercase: 7
        }
    }

    init(code r: inout ByteReader) throws(DecodingError) {
        let at = r.offset
        switch try r.byte() {
        case 1: self = .email
        case 2: self = .phone
        case 3: self = .whatsapp
        case 4: self = .chat
        case 5: self = .none
        case 6: self = .trim
        case 7: self = .lowercase
        case let b: throw DecodingError("unknown identifier normalization code \(b)", offset: at)
        }
    }
}

extension OverflowPolicy {
    var code: UInt8 {
        switch self {
        case .dropOldest: 1
        case .refuse: 2
        }
    }

    init(code r: inout ByteReader) throws(DecodingError) {
        let at = r.offset
        switch try r.byte() {
        case 1: self = .dropOldest
        case 2: self = .refuse
        case let b: throw DecodingError("unknown overflow policy code \(b)", offset: at)
        }
    }
}
