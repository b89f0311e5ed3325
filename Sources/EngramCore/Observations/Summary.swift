/// A summary of one conversation, as a caller sends it.
public struct SummaryInput: Sendable, Hashable {
    /// 1–4,096 characters.
    public var content: String
    /// Required; a profile has one summary per conversation.
    public var conversationID: String
    /// Required (microseconds).
    public var occurredAt: Int64?
    /// Required, like an observation's.
    public var source: String

    /// Creates an input.
    public init(content: String, conversationID: String, occurredAt: Int64?, source: String) {
        self.content = content
        self.conversationID = conversationID
        self.occurredAt = occurredAt
        self.source = source
    }
}

/// A stored summary. A second summary for the conversation replaces it in place (same id).
public struct Summary: Sendable, Hashable {
    /// The id.
    public var id: String
    /// The conversation.
    public var conversationID: String
    /// The text.
    public var content: String
    /// Where it came from, e.g. the agent.
    public var source: String
    /// When it happened (µs since the Unix epoch).
    public var occurredAt: Int64
    /// When it was created (µs since the Unix epoch).
    public var createdAt: Int64
    /// When it last changed (µs since the Unix epoch).
    public var updatedAt: Int64

    /// Creates a summary value.
    public init(
        id: String, conversationID: String, content: String, source: String, occurredAt: Int64,
        createdAt: Int64, updatedAt: Int64
    ) {
        self.id = id
        self.conversationID = conversationID
        self.content = content
        self.source = source
        self.occurredAt = occurredAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A summary's state before it was replaced.
public struct SummaryRevision: Sendable, Hashable {
    /// When the change happened (µs since the Unix epoch).
    public var recordedAt: Int64
    /// The full state before the change.
    public var prior: Summary

    /// Creates a revision.
    public init(recordedAt: Int64, prior: Summary) {
        self.recordedAt = recordedAt
        self.prior = prior
    }
}
