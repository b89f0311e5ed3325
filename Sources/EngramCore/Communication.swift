/// Who wrote a message.
public enum AuthorType: String, Sendable, Hashable, CaseIterable {
    case customer
    case humanAgent = "human_agent"
    case aiAgent = "ai_agent"
    case system
}

/// Where a message travelled.
public enum Channel: String, Sendable, Hashable, CaseIterable {
    case voice, sms, rcs, email, whatsapp, chat, api
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

    /// Creates an input.
    public init(authorType: AuthorType, channel: Channel, text: String, conversationID: String, createdAt: Int64? = nil) {
        self.authorType = authorType
        self.channel = channel
        self.text = text
        self.conversationID = conversationID
        self.createdAt = createdAt
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

    /// Creates a communication value.
    public init(id: String, conversationID: String, authorType: AuthorType, channel: Channel, text: String, createdAt: Int64) {
        self.id = id
        self.conversationID = conversationID
        self.authorType = authorType
        self.channel = channel
        self.text = text
        self.createdAt = createdAt
    }
}
