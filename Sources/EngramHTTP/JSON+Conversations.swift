import EngramWire

/// A store's conversation settings in JSON (answers give every field; requests may leave
/// any out, which then takes its default).
struct ConversationSettingsJSON: Codable {
    var idleTimeoutSeconds: UInt32?
    var extractor: JSONEnum<Wire.Extractor>?
    var linkWhatsappToPhone: Bool?
    var messageRetentionDays: UInt32?
    var observationRetentionDays: UInt32?

    init(_ s: Wire.ConversationSettings?) {
        let s = s ?? Wire.ConversationSettings()
        idleTimeoutSeconds = s.idleTimeoutSeconds
        extractor = s.extractor == .unspecified ? Wire.Extractor.rules.json : s.extractor.json
        linkWhatsappToPhone = s.linkWhatsappToPhone
        messageRetentionDays = s.messageRetentionDays
        observationRetentionDays = s.observationRetentionDays
    }

    var wire: Wire.ConversationSettings {
        var s = Wire.ConversationSettings()
        s.idleTimeoutSeconds = idleTimeoutSeconds
        s.extractor = extractor?.value ?? .unspecified
        s.linkWhatsappToPhone = linkWhatsappToPhone
        s.messageRetentionDays = messageRetentionDays
        s.observationRetentionDays = observationRetentionDays
        return s
    }
}

struct ConversationJSON: Encodable {
    var id: String
    var profileId: String
    var state: JSONEnum<Wire.ConversationState>
    var createdAt: JSONTime?
    var updatedAt: JSONTime?
    var lastAppendAt: JSONTime?
    var firstMessageAt: JSONTime?
    var lastMessageAt: JSONTime?
    var messageCount: UInt32
    var channels: [JSONEnum<Wire.Channel>]
    var closedAt: JSONTime?
    var error: String?
    var observationIds: [String]
    var summaryId: String?
    var extractor: String?
    var extractedAt: JSONTime?
    var extractedMessageCount: UInt32

    init(_ c: Wire.Conversation?) {
        let c = c ?? Wire.Conversation()
        id = c.id
        profileId = c.profileId
        state = c.state.json
        createdAt = c.createdAtUs.time
        updatedAt = c.updatedAtUs.time
        lastAppendAt = c.lastAppendAtUs.time
        firstMessageAt = c.firstMessageAtUs.time
        lastMessageAt = c.lastMessageAtUs.time
        messageCount = c.messageCount
        channels = c.channels.map(\.json)
        closedAt = c.closedAtUs.time
        error = c.error.isEmpty ? nil : c.error
        observationIds = c.observationIds
        summaryId = c.summaryId.isEmpty ? nil : c.summaryId
        extractor = c.extractor.isEmpty ? nil : c.extractor
        extractedAt = c.extractedAtUs.time
        extractedMessageCount = c.extractedMessageCount
    }
}

/// A message sent to `.../Conversations/{id}/Communications`, shaped as Recall returns one:
/// `{id, author: {type, address, channel}, recipients, content: {text}, createdAt}`. The
/// channel may also be given beside the author; `text` beside `content` too.
struct NewCommunicationJSON: Decodable {
    var id: String?
    var author: Participant?
    var recipients: [Participant]?
    var channel: JSONEnum<Wire.Channel>?
    var content: Content?
    var text: String?
    var createdAt: JSONTime?

    struct Participant: Decodable {
        var type: JSONEnum<Wire.ParticipantType>?
        var address: String?
        var channel: JSONEnum<Wire.Channel>?
    }
    struct Content: Decodable { var text: String? }

    func wire(_ path: String) throws(APIError) -> Wire.Communication {
        var m = Wire.Communication()
        m.id = id ?? ""
        guard let author else { throw APIError.invalid("\(path).author", "is required: {type, address}") }
        var a = Wire.Participant()
        a.type = author.type?.value ?? .unspecified
        a.address = author.address ?? ""
        m.author = a
        m.recipients = (recipients ?? []).map { r in
            var p = Wire.Participant()
            p.type = r.type?.value ?? .unspecified
            p.address = r.address ?? ""
            return p
        }
        guard let channel = channel ?? author.channel else {
            throw APIError.invalid("\(path).channel", "is required (or author.channel)")
        }
        m.channel = channel.value
        m.text = content?.text ?? text ?? ""
        m.createdAtUs = createdAt?.us ?? 0
        return m
    }
}

struct AppendCommunicationsBody: Decodable {
    var profileId: String?
    var communications: [NewCommunicationJSON]
    var close: Bool?
}

struct AppendedJSON: Encodable {
    var profileId: String
    var communicationIds: [String]
    var added: UInt32
    var resolveOutcome: JSONEnum<Wire.ResolveOutcome>?
    var conversation: ConversationJSON
}

struct ConversationsPage: Encodable {
    var conversations: [ConversationJSON]
    var meta: PageMeta
}

struct CommunicationsPage: Encodable {
    var profileId: String
    var communications: [CommunicationJSON]
    var meta: PageMeta
}
