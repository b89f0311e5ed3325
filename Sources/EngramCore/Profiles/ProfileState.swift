/// An observation with its history.
struct StoredObservation: Sendable, Equatable {
    var observation: Observation
    /// Oldest first; listings reverse it.
    var revisions: [ObservationRevision]
}

extension Array {
    /// Appends `element`, then drops the oldest elements past `limit` (at least one is kept).
    mutating func appendBounded(_ element: Element, limit: Int) {
        append(element)
        let excess = count - Swift.max(1, limit)
        if excess > 0 { removeFirst(excess) }
    }
}

/// A summary with its history.
struct SummaryRecord: Sendable, Equatable {
    var summary: Summary
    /// Oldest first; listings reverse it.
    var revisions: [SummaryRevision]
}

/// Everything the engine knows about one profile. Lives in exactly one shard.
///
/// Observations and summaries change only through `putObservation`, `removeObservation` and
/// `putSummary` (in ProfileState+Content.swift), which keep the subject map and, once built,
/// the derived `indexes` in step on every write.
struct ProfileState: Sendable, Equatable {
    /// Message ids one observation keeps as provenance (the newest when a duplicate adds more).
    static let maxCommunicationIDs = 100

    var id: String
    var createdAt: Int64
    var updatedAt: Int64
    /// Oldest first (attach order), which is the order drop-oldest removes them in.
    var identifiers: [StoredIdentifier] = []
    var traits: Traits = [:]
    /// Removed traits and when: an older write to one of them is ignored.
    var traitTombstones: TraitTombstones = [:]
    /// Every id merged into this one, directly or through earlier merges.
    var mergedIDs: [String] = []
    /// Persistent map: a shard view shares it, and a write copies only the touched path.
    var observations: PersistentMap<String, StoredObservation> = [:]
    /// Subject key → the one active observation with it.
    var activeBySubject: [String: String] = [:]
    /// Idempotency key → the outcome first returned for it.
    var idempotency: PersistentMap<String, ObservationOutcome> = [:]
    /// Idempotency key → when it was first used: keys older than the engine's window expire.
    var idempotencyTimes: PersistentMap<String, Int64> = [:]
    /// Conversation id → its summary.
    var summaries: PersistentMap<String, SummaryRecord> = [:]
    /// Oldest first (by their own time), at most the configured window.
    var communications: [Communication] = []
    /// Message id → its conversation: the messages the profile holds, for deduplication.
    var knownCommunications: PersistentMap<String, String> = [:]
    /// Conversation id → the conversation.
    var conversations: PersistentMap<String, Conversation> = [:]
    /// The Jaccard similarity at which an observation is a duplicate.
    let duplicateThreshold: Double
    /// The duplicate and recall indexes, derived from the content above; nil until first
    /// needed in a profile restored from a snapshot (see ProfileState+Indexes.swift).
    var indexes: ProfileIndexes?
    /// Writes through the shard so far: indexes built from a copy are installed only if
    /// no write came in between.
    var writes = WriteCount()

    /// A new, empty profile, indexed from the start.
    init(id: String, createdAt: Int64, duplicateThreshold: Double) {
        self.init(id: id, createdAt: createdAt, duplicateThreshold: duplicateThreshold, indexed: true)
    }

    init(id: String, createdAt: Int64, duplicateThreshold: Double, indexed: Bool) {
        self.id = id
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.duplicateThreshold = duplicateThreshold
        self.indexes = indexed ? ProfileIndexes(duplicateThreshold: duplicateThreshold) : nil
    }

    var revisionCount: Int {
        observations.values.reduce(0) { $0 + $1.revisions.count }
    }

    /// The earliest-created of two profiles keeps its id in a merge.
    func isEarlier(than other: ProfileState) -> Bool {
        (createdAt, id) < (other.createdAt, other.id)
    }
}

/// A profile's write counter. It is bookkeeping, not content: two profiles with the same
/// content are equal whatever their counts (a restored one starts again from zero).
struct WriteCount: Sendable, Equatable {
    var count: UInt64 = 0
    static func == (_: WriteCount, _: WriteCount) -> Bool { true }
}
