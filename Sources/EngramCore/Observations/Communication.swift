/// Who wrote a message.
public enum AuthorType: String, Sendable, Hashable, CaseIterable {
    case customer
    case humanAgent = "human_agent"
    case aiAgent = "ai_agent"
    case system
    case unknown
}

/// An author or recipient: its kind and address (phone, email, agent id, ...).
public struct CommunicationParticipant: Sendable, Hashable {
    public var type: AuthorType
    public var address: String

    public init(type: AuthorType, address: String) {
        self.type = type
        self.address = address
    }
}

extension CommunicationParticipant {
    /// The address when it reads as a person's name (letters, spaces, dots and hyphens, at
    /// most 40 characters, trimmed), e.g. "Caroline"; nil for a phone number, an e-mail address
    /// or an id. Search indexes a message under its author's name, and extraction names the
    /// speakers of a group by it.
    public static func name(inAddress address: String) -> String? {
        let scalars = address.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return nil }
        let trimmed = String(scalars[first...last])
        guard trimmed.count <= 40,
            trimmed.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0 == " " || $0 == "." || $0 == "-" })
        else { return nil }
        return trimmed
    }
}

/// Where a message travelled.
public enum Channel: String, Sendable, Hashable, CaseIterable {
    case voice, sms, rcs, email, whatsapp, chat, api, system
}

/// One message of a conversation, as a caller sends it.
public struct CommunicationInput: Sendable, Hashable {
    /// Who wrote it.
    public var authorType: AuthorType
    /// Where it travelled.
    public var channel: Channel
    /// 1–4,096 characters.
    public var text: String
    /// Required.
    public var conversationID: String
    /// When it was sent; nil means now.
    public var createdAt: Int64?
    /// The caller's own id for the message (e.g. its id in the messaging system). A message
    /// whose id the profile already holds is not stored again. Nil: the engine assigns one.
    public var clientID: String?
    /// The author's address (phone number, email, agent id); may be empty.
    public var authorAddress: String = ""
    /// Who received it.
    public var recipients: [CommunicationParticipant] = []

    /// Creates an input.
    public init(
        authorType: AuthorType, channel: Channel, text: String, conversationID: String, createdAt: Int64? = nil,
        clientID: String? = nil, authorAddress: String = "", recipients: [CommunicationParticipant] = []
    ) {
        self.authorType = authorType
        self.channel = channel
        self.text = text
        self.conversationID = conversationID
        self.createdAt = createdAt
        self.clientID = clientID
        self.authorAddress = authorAddress
        self.recipients = recipients
    }
}

/// A stored message. Each profile keeps the most recent ones (a bounded window).
public struct Communication: Sendable, Hashable {
    /// The id.
    public var id: String
    /// The conversation.
    public var conversationID: String
    /// Who wrote it.
    public var authorType: AuthorType
    /// Where it travelled.
    public var channel: Channel
    /// The message.
    public var text: String
    /// When it was created (µs since the Unix epoch).
    public var createdAt: Int64
    /// The author's address; may be empty.
    public var authorAddress: String
    /// Who received it.
    public var recipients: [CommunicationParticipant]

    /// Creates a communication value.
    public init(
        id: String, conversationID: String, authorType: AuthorType, channel: Channel, text: String, createdAt: Int64,
        authorAddress: String = "", recipients: [CommunicationParticipant] = []
    ) {
        self.id = id
        self.conversationID = conversationID
        self.authorType = authorType
        self.channel = channel
        self.text = text
        self.createdAt = createdAt
        self.authorAddress = authorAddress
        self.recipients = recipients
    }
}
