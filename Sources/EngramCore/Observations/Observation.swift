/// A distilled fact about a customer, as a caller sends it.
public struct ObservationInput: Sendable, Hashable {
    /// 1–4,096 characters.
    public var content: String
    /// Required: letters, digits, space, `_ . -`; at most 100.
    public var source: String
    /// When the fact happened (microseconds). Required.
    public var occurredAt: Int64?
    /// Provenance, at most 10.
    public var conversationIDs: [String]
    /// Optional key naming what the fact is about (`preference.contact_channel`); a newer
    /// observation with the same key supersedes an older one.
    public var subjectKey: String?
    /// Optional client embedding.
    public var embedding: [Float]?
    /// Optional key (e.g. the source message id): a retry with the same key changes nothing.
    public var idempotencyKey: String?
    /// Provenance: the messages the fact was taken from, at most 100.
    public var communicationIDs: [String]

    /// Creates an input.
    public init(
        content: String, source: String, occurredAt: Int64?, conversationIDs: [String] = [],
        subjectKey: String? = nil, embedding: [Float]? = nil, idempotencyKey: String? = nil,
        communicationIDs: [String] = []
    ) {
        self.communicationIDs = communicationIDs
        self.content = content
        self.source = source
        self.occurredAt = occurredAt
        self.conversationIDs = conversationIDs
        self.subjectKey = subjectKey
        self.embedding = embedding
        self.idempotencyKey = idempotencyKey
    }
}

/// Whether an observation is current.
public enum ObservationStatus: String, Sendable, Hashable, CaseIterable {
    case active
    /// Replaced by a newer observation with the same subject key; kept with its history.
    case superseded
}

/// A stored observation.
public struct Observation: Sendable, Hashable {
    /// The id.
    public var id: String
    /// The text.
    public var content: String
    /// Where it came from, e.g. the agent.
    public var source: String
    /// When it happened (µs since the Unix epoch).
    public var occurredAt: Int64
    /// Conversations that stated this fact, oldest first (at most 10; older ones live on in revisions).
    public var conversationIDs: [String]
    /// What it is about; a newer fact with the same key supersedes it.
    public var subjectKey: String?
    /// Its vector: the client's, or the one the engine's embedder made. Nil in what the
    /// engine returns when it is the built-in hashed embedder's (`hasDerivedVector`): that is a
    /// pure function of the content, kept only in the profile's recall index, and neither
    /// logged nor written into snapshots.
    public var embedding: [Float]?
    /// Which embedder made `embedding` (`EmbedderIdentity.description`, e.g.
    /// "hashed-v1@1/384"); nil when the client sent it. Client vectors are never re-embedded.
    public var embedder: String?
    /// The key that makes retries harmless, if any.
    public var idempotencyKey: String?
    /// When it was created (µs since the Unix epoch).
    public var createdAt: Int64
    /// When it last changed (µs since the Unix epoch).
    public var updatedAt: Int64
    /// How many times the fact was stated (1 + duplicates).
    public var mentionCount: Int
    /// Active or superseded.
    public var status: ObservationStatus
    /// The observation that superseded this one, if any.
    public var supersededBy: String?
    /// The messages the fact was taken from (at most 100, oldest first), so every extracted
    /// fact traces back to what was said.
    public var communicationIDs: [String]

    /// Creates an observation value.
    public init(
        id: String, content: String, source: String, occurredAt: Int64, conversationIDs: [String],
        subjectKey: String?, embedding: [Float]?, idempotencyKey: String?, createdAt: Int64, updatedAt: Int64,
        mentionCount: Int, status: ObservationStatus, supersededBy: String?, embedder: String? = nil,
        communicationIDs: [String] = []
    ) {
        self.communicationIDs = communicationIDs
        self.id = id
        self.content = content
        self.source = source
        self.occurredAt = occurredAt
        self.conversationIDs = conversationIDs
        self.subjectKey = subjectKey
        self.embedding = embedding
        self.idempotencyKey = idempotencyKey
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.mentionCount = mentionCount
        self.status = status
        self.supersededBy = supersededBy
        self.embedder = embedder
    }
}

/// Why an observation changed.
public enum RevisionReason: String, Sendable, Hashable {
    /// The same fact arrived again: it gained conversation ids and a mention.
    case duplicate
    /// A newer observation with the same subject key replaced it.
    case superseded
}

/// An observation's full state before one change, and what caused the change.
public struct ObservationRevision: Sendable, Hashable {
    /// When the change happened.
    public var recordedAt: Int64
    /// Why it changed.
    public var reason: RevisionReason
    /// The conversations of the observation that caused the change.
    public var conversationIDs: [String]
    /// The full state before the change.
    public var prior: Observation

    /// Creates a revision.
    public init(recordedAt: Int64, reason: RevisionReason, conversationIDs: [String], prior: Observation) {
        self.recordedAt = recordedAt
        self.reason = reason
        self.conversationIDs = conversationIDs
        self.prior = prior
    }
}

/// What Observe did with one observation.
public enum ObservationOutcomeKind: String, Sendable, Hashable {
    case added = "ADDED"
    case duplicate = "DUPLICATE"
    case superseded = "SUPERSEDED"
}

/// One observation's outcome.
public struct ObservationOutcome: Sendable, Hashable {
    /// ADDED, DUPLICATE or SUPERSEDED.
    public var kind: ObservationOutcomeKind
    /// The new observation, or for DUPLICATE the existing one.
    public var observationID: String
    /// For SUPERSEDED: the observation it replaced.
    public var replacedID: String?
    /// The observation's status: ADDED can be `superseded` when it arrived after a newer one
    /// with the same subject key.
    public var status: ObservationStatus
    /// True when this is the stored outcome of an earlier call with the same idempotency key.
    public var isRetry: Bool

    /// Creates an outcome.
    public init(
        kind: ObservationOutcomeKind, observationID: String, replacedID: String? = nil,
        status: ObservationStatus = .active, isRetry: Bool = false
    ) {
        self.kind = kind
        self.observationID = observationID
        self.replacedID = replacedID
        self.status = status
        self.isRetry = isRetry
    }
}

extension Observation {
    /// Whether its vector is rebuilt from the content by its embedder (the standard hashed
    /// one): snapshots leave it out and restore recomputes it.
    public var hasDerivedVector: Bool { EmbedderIdentity.isRebuiltFromText(embedder) }

    /// The observation as a profile stores it: a standard hashed vector lives only in the
    /// recall matrix, and a prior state in a revision needs none.
    var withoutDerivedVector: Observation {
        guard embedding != nil, hasDerivedVector else { return self }
        var o = self
        o.embedding = nil
        return o
    }
}
