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
    public var authorType: AuthorType
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
    public var id: String
    public var conversationID: String
    public var authorType: AuthorType
    public var channel: Channel
    public var text: String
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
