/// The engine's complete state as plain values: what a snapshot file stores and what
/// `Engine(restoring:)` rebuilds from. Arrays are in a fixed order, so equal states give
/// equal snapshots.
public struct EngineSnapshot: Sendable, Hashable {
    /// The last log sequence number the state includes; replay the log after it.
    public var logPosition: UInt64
    /// Stores, oldest first.
    public var stores: [StoreSnapshot]

    /// Creates a snapshot.
    public init(logPosition: UInt64, stores: [StoreSnapshot]) {
        self.logPosition = logPosition
        self.stores = stores
    }
}

/// One store's state.
public struct StoreSnapshot: Sendable, Hashable {
    /// The store.
    public var store: Store
    /// The identity settings.
    public var settings: IdentitySettings
    /// Merged-away ids and where they point, by merged id.
    public var aliases: [ProfileAlias]
    /// Profiles, by id.
    public var profiles: [ProfileSnapshot]
    /// Knowledge bases, by id.
    public var knowledgeBases: [KnowledgeBaseSnapshot]

    /// Creates a store snapshot.
    public init(
        store: Store, settings: IdentitySettings, aliases: [ProfileAlias], profiles: [ProfileSnapshot],
        knowledgeBases: [KnowledgeBaseSnapshot] = []
    ) {
        self.knowledgeBases = knowledgeBases
        self.store = store
        self.settings = settings
        self.aliases = aliases
        self.profiles = profiles
    }
}

/// A merged-away id and the canonical profile it now names.
public struct ProfileAlias: Sendable, Hashable {
    /// The merged-away id.
    public var mergedID: String
    /// The canonical id it now names.
    public var canonicalID: String

    /// Creates an alias.
    public init(mergedID: String, canonicalID: String) {
        self.mergedID = mergedID
        self.canonicalID = canonicalID
    }
}

/// One profile's state.
public struct ProfileSnapshot: Sendable, Hashable {
    /// The id.
    public var id: String
    /// When it was created (µs since the Unix epoch).
    public var createdAt: Int64
    /// When it last changed (µs since the Unix epoch).
    public var updatedAt: Int64
    /// Oldest first.
    public var identifiers: [StoredIdentifier]
    /// Traits by group, then name.
    public var traits: Traits
    /// Removed traits and when, by group, then name.
    public var traitTombstones: TraitTombstones
    /// Ids merged into this profile.
    public var mergedIDs: [String]
    /// By (created_at, id).
    public var observations: [ObservationSnapshot]
    /// By conversation id.
    public var summaries: [SummarySnapshot]
    /// Oldest first.
    public var communications: [Communication]
    /// By key.
    public var idempotencyKeys: [IdempotencyRecord]
    /// By id.
    public var conversations: [Conversation]

    /// Creates a profile snapshot.
    public init(
        id: String, createdAt: Int64, updatedAt: Int64, identifiers: [StoredIdentifier], traits: Traits,
        mergedIDs: [String], observations: [ObservationSnapshot], summaries: [SummarySnapshot],
        communications: [Communication], idempotencyKeys: [IdempotencyRecord], conversations: [Conversation] = [],
        traitTombstones: TraitTombstones = [:]
    ) {
        self.traitTombstones = traitTombstones
        self.conversations = conversations
        self.id = id
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.identifiers = identifiers
        self.traits = traits
        self.mergedIDs = mergedIDs
        self.observations = observations
        self.summaries = summaries
        self.communications = communications
        self.idempotencyKeys = idempotencyKeys
    }
}

/// An observation with its revisions, oldest revision first.
public struct ObservationSnapshot: Sendable, Hashable {
    /// The observation.
    public var observation: Observation
    /// Prior states, oldest first.
    public var revisions: [ObservationRevision]

    /// Creates an observation snapshot.
    public init(observation: Observation, revisions: [ObservationRevision]) {
        self.observation = observation
        self.revisions = revisions
    }
}

/// A summary with its revisions, oldest revision first.
public struct SummarySnapshot: Sendable, Hashable {
    /// The summary.
    public var summary: Summary
    /// Prior states, oldest first.
    public var revisions: [SummaryRevision]

    /// Creates a summary snapshot.
    public init(summary: Summary, revisions: [SummaryRevision]) {
        self.summary = summary
        self.revisions = revisions
    }
}

/// An idempotency key and the outcome first returned for it.
public struct IdempotencyRecord: Sendable, Hashable {
    /// The idempotency key.
    public var key: String
    /// The outcome first returned for it.
    public var outcome: ObservationOutcome
    /// When the key was first used (µs); it expires after the engine's idempotency window.
    public var recordedAt: Int64

    /// Creates a record.
    public init(key: String, outcome: ObservationOutcome, recordedAt: Int64 = 0) {
        self.key = key
        self.outcome = outcome
        self.recordedAt = recordedAt
    }
}

extension ProfileState {
    var snapshot: ProfileSnapshot {
        ProfileSnapshot(
            id: id, createdAt: createdAt, updatedAt: updatedAt, identifiers: identifiers, traits: traits,
            mergedIDs: mergedIDs,
            observations: observations.values
                .sorted {
                    ($0.observation.createdAt, $0.observation.id) < ($1.observation.createdAt, $1.observation.id)
                }
                .map { ObservationSnapshot(observation: $0.observation, revisions: $0.revisions) },
            summaries: summaries.values
                .sorted { $0.summary.conversationID < $1.summary.conversationID }
                .map { SummarySnapshot(summary: $0.summary, revisions: $0.revisions) },
            communications: communications,
            idempotencyKeys: idempotency.map {
                IdempotencyRecord(key: $0.key, outcome: $0.value, recordedAt: idempotencyTimes[$0.key] ?? 0)
            }.sorted {
                $0.key < $1.key
            },
            conversations: conversations.values.sorted { $0.id < $1.id }, traitTombstones: traitTombstones)
    }

    /// Rebuilds a profile's content; its indexes (duplicate fingerprints, recall) are built
    /// when first needed (see `ProfileIndexes`).
    init(snapshot: ProfileSnapshot, duplicateThreshold: Double) {
        self.init(
            id: snapshot.id, createdAt: snapshot.createdAt, duplicateThreshold: duplicateThreshold, indexed: false)
        updatedAt = snapshot.updatedAt
        identifiers = snapshot.identifiers
        traits = snapshot.traits
        traitTombstones = snapshot.traitTombstones
        mergedIDs = snapshot.mergedIDs
        for item in snapshot.observations {
            putObservation(
                StoredObservation(
                    observation: item.observation,
                    revisions: item.revisions.map {
                        var r = $0
                        r.prior = r.prior.withoutDerivedVector
                        return r
                    }))
        }
        for item in snapshot.summaries {
            putSummary(SummaryRecord(summary: item.summary, revisions: item.revisions))
        }
        communications = snapshot.communications
        for communication in communications { knownCommunications[communication.id] = communication.conversationID }
        for conversation in snapshot.conversations {
            var conversation = conversation
            conversation.profileID = id
            conversations[conversation.id] = conversation
        }
        for record in snapshot.idempotencyKeys {
            idempotency[record.key] = record.outcome
            idempotencyTimes[record.key] = record.recordedAt
        }
    }
}

/// One knowledge base's state: the base, its documents by id, and their chunks in order
/// (by document id, then index).
public struct KnowledgeBaseSnapshot: Sendable, Hashable {
    public var base: KnowledgeBase
    public var items: [Knowledge]
    public var chunks: [KnowledgeChunkSnapshot]
    /// The embedder that made the chunks' vectors (`EmbedderIdentity.description`); nil when
    /// the base holds none.
    public var embedder: String?

    public init(base: KnowledgeBase, items: [Knowledge], chunks: [KnowledgeChunkSnapshot], embedder: String?) {
        self.base = base
        self.items = items
        self.chunks = chunks
        self.embedder = embedder
    }
}

/// A stored chunk and its vector (nil when the embedder rebuilds it from the text).
public struct KnowledgeChunkSnapshot: Sendable, Hashable {
    public var chunk: KnowledgeChunk
    public var embedding: [Float]?
    /// The vector of its title and headings (nil as `embedding`).
    public var headingEmbedding: [Float]?

    public init(chunk: KnowledgeChunk, embedding: [Float]?, headingEmbedding: [Float]? = nil) {
        self.chunk = chunk
        self.embedding = embedding
        self.headingEmbedding = headingEmbedding
    }
}
