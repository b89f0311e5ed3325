/// Where a conversation is in its life: messages come in while it is open; when it closes
/// (by a call, or after the store's idle timeout) an extractor turns its messages into
/// observations and a summary.
public enum ConversationState: String, Sendable, Hashable, CaseIterable {
    case open
    /// Closed, waiting for its extraction.
    case closed
    /// Its extraction is running.
    case extracting
    /// Extracted: `observationIDs` and `summaryID` say what it produced.
    case extracted
    /// Its extraction failed; `error` says why. Nothing of it was written.
    case failed
}

/// Which extractor a store runs on its closed conversations.
public enum ExtractorKind: String, Sendable, Hashable, CaseIterable {
    /// Deterministic rules: no network, microseconds per message.
    case rules
    /// An OpenAI-compatible Chat Completions endpoint (engramd's --llm-url).
    case llm
    /// None: conversations close and stay CLOSED.
    case none
}

/// A store's conversation settings.
public struct ConversationSettings: Sendable, Hashable {
    /// An open conversation with no new message for this long closes by itself (µs); 0 = never.
    public var idleTimeout: Int64
    /// What runs when a conversation closes.
    public var extractor: ExtractorKind
    /// A WhatsApp number and the same phone number name the same customer: a message
    /// resolved by one also attaches the other, so a caller who later writes on WhatsApp
    /// stays one profile.
    public var linkWhatsAppToPhone: Bool
    /// Messages older than this (by their own time) are erased (µs); 0 = kept for ever.
    public var messageRetention: Int64
    /// Observations that occurred longer ago than this are erased (µs); 0 = kept for ever.
    public var observationRetention: Int64

    /// The defaults: 30 minutes idle, the rules extractor, WhatsApp linked with phone, nothing
    /// expires.
    public init(
        idleTimeout: Int64 = 30 * 60 * 1_000_000, extractor: ExtractorKind = .rules, linkWhatsAppToPhone: Bool = true,
        messageRetention: Int64 = 0, observationRetention: Int64 = 0
    ) {
        self.idleTimeout = idleTimeout
        self.extractor = extractor
        self.linkWhatsAppToPhone = linkWhatsAppToPhone
        self.messageRetention = messageRetention
        self.observationRetention = observationRetention
    }

    /// The longest retention (100 years).
    public static let maxRetention: Int64 = 36_500 * 86_400 * 1_000_000

    /// The longest idle timeout (30 days).
    public static let maxIdleTimeout: Int64 = 30 * 24 * 3600 * 1_000_000

    func validate(path: String, into problems: inout Violations) {
        if idleTimeout < 0 || idleTimeout > Self.maxIdleTimeout {
            problems.add(
                path + ".idle_timeout_seconds", "must be 0 (never) to 2592000 (30 days); got \(idleTimeout / 1_000_000)"
            )
        }
        for (field, value) in [
            ("message_retention_days", messageRetention), ("observation_retention_days", observationRetention),
        ] where value < 0 || value > Self.maxRetention {
            problems.add(path + "." + field, "must be 0 (for ever) to 36500 days; got \(value / 86_400_000_000)")
        }
    }
}

/// A conversation: the messages with one customer under one id, and what extraction made of them.
public struct Conversation: Sendable, Hashable {
    /// The id the client gave it.
    public var id: String
    /// The customer's canonical profile.
    public var profileID: String
    public var state: ConversationState
    /// When its first message was appended (server time, µs).
    public var createdAt: Int64
    /// When it last changed (server time, µs).
    public var updatedAt: Int64
    /// When a message was last appended (server time, µs): the idle timeout counts from here.
    public var lastAppendAt: Int64
    /// The earliest and latest message times (the messages' own `createdAt`).
    public var firstMessageAt: Int64
    public var lastMessageAt: Int64
    /// Its messages' ids, in the order they were appended.
    public var messageIDs: [String]
    /// The channels its messages came on, in first-seen order.
    public var channels: [Channel]
    /// When it last closed (0 while it never has).
    public var closedAt: Int64
    /// Why the last extraction failed (FAILED), or nil.
    public var error: String?
    /// The observations extraction produced or confirmed, oldest first.
    public var observationIDs: [String]
    /// The summary extraction wrote, if any.
    public var summaryID: String?
    /// The extractor and version of the last extraction, e.g. "rules/1".
    public var extractor: String?
    /// When the last extraction finished (0 while none has).
    public var extractedAt: Int64
    /// How many of `messageIDs` (a prefix, in append order) the last extraction covered.
    public var extractedMessageCount: Int

    /// How many messages it holds.
    public var messageCount: Int { messageIDs.count }

    /// Creates a conversation value.
    public init(
        id: String, profileID: String, state: ConversationState, createdAt: Int64, updatedAt: Int64,
        lastAppendAt: Int64, firstMessageAt: Int64, lastMessageAt: Int64, messageIDs: [String], channels: [Channel],
        closedAt: Int64 = 0, error: String? = nil, observationIDs: [String] = [], summaryID: String? = nil,
        extractor: String? = nil, extractedAt: Int64 = 0, extractedMessageCount: Int = 0
    ) {
        self.id = id
        self.profileID = profileID
        self.state = state
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.lastAppendAt = lastAppendAt
        self.firstMessageAt = firstMessageAt
        self.lastMessageAt = lastMessageAt
        self.messageIDs = messageIDs
        self.channels = channels
        self.closedAt = closedAt
        self.error = error
        self.observationIDs = observationIDs
        self.summaryID = summaryID
        self.extractor = extractor
        self.extractedAt = extractedAt
        self.extractedMessageCount = extractedMessageCount
    }
}

/// A conversation's place in the engine: its store, profile and id.
public struct ConversationKey: Sendable, Hashable {
    public var storeID: String
    public var profileID: String
    public var conversationID: String

    public init(storeID: String, profileID: String, conversationID: String) {
        self.storeID = storeID
        self.profileID = profileID
        self.conversationID = conversationID
    }
}

/// What AppendCommunications did.
public struct AppendResult: Sendable, Hashable {
    /// The conversation after the append.
    public var conversation: Conversation
    /// One id per message, in request order.
    public var communicationIDs: [String]
    /// How many messages were new (the others were stored before).
    public var added: Int
    /// How the profile was found when the call named none; nil when it did.
    public var resolution: ResolveOutcome?
    /// The log sequence number of the last command the call applied.
    public var logPosition: UInt64
}

/// What CloseConversation did.
public struct CloseResult: Sendable, Hashable {
    public var conversation: Conversation
    public var logPosition: UInt64
}

/// Filters for ListConversations; nil fields match everything.
public struct ConversationFilter: Sendable, Hashable {
    public var state: ConversationState?
    /// On the last message's time.
    public var lastMessage: TimeRange?

    public init(state: ConversationState? = nil, lastMessage: TimeRange? = nil) {
        self.state = state
        self.lastMessage = lastMessage
    }

    func matches(_ conversation: Conversation) -> Bool {
        (state.map { conversation.state == $0 } ?? true)
            && (lastMessage?.contains(conversation.lastMessageAt) ?? true)
    }
}

/// One page of ListConversations, the latest message first.
public struct ConversationPage: Sendable, Hashable {
    /// The canonical profile id; empty for a store-wide listing.
    public var profileID: String
    public var conversations: [Conversation]
    public var nextPageToken: String?
}

/// One page of ListCommunications, newest first.
public struct CommunicationPage: Sendable, Hashable {
    public var profileID: String
    public var communications: [Communication]
    public var nextPageToken: String?
}

/// What an extractor made of a conversation, ready to be recorded.
public struct ExtractionOutput: Sendable, Hashable {
    /// The facts, each with the ids of the messages it came from.
    public var observations: [ObservationInput]
    /// The conversation's summary, if the extractor wrote one.
    public var summary: String?

    public init(observations: [ObservationInput], summary: String?) {
        self.observations = observations
        self.summary = summary
    }
}

/// What recording an extraction did.
public struct ExtractionResult: Sendable, Hashable {
    public var conversation: Conversation
    /// One per extracted observation.
    public var outcomes: [ObservationOutcome]
    public var logPosition: UInt64
}
