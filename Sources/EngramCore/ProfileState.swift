import HashTreeCollections

/// An observation with its history and its duplicate-detection fingerprint.
struct StoredObservation: Sendable, Equatable {
    var observation: Observation
    /// Oldest first; listings reverse it.
    var revisions: [ObservationRevision]
    var fingerprint: TextFingerprint
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
/// `putSummary` (in ProfileState+Content.swift), which keep the derived indexes (subject map,
/// duplicate index, and recall's BM25 postings and Float32 embedding matrices) in step on
/// every write.
struct ProfileState: Sendable, Equatable {
    var id: String
    var createdAt: Int64
    var updatedAt: Int64
    /// Oldest first (attach order), which is the order drop-oldest removes them in.
    var identifiers: [StoredIdentifier] = []
    var traits: Traits = [:]
    /// Every id merged into this one, directly or through earlier merges.
    var mergedIDs: [String] = []
    /// Persistent map: a shard view shares it, and a write copies only the touched path.
    var observations: TreeDictionary<String, StoredObservation> = [:]
    /// Subject key → the one active observation with it.
    var activeBySubject: [String: String] = [:]
    /// Idempotency key → the outcome first returned for it.
    var idempotency: TreeDictionary<String, ObservationOutcome> = [:]
    /// Conversation id → its summary.
    var summaries: TreeDictionary<String, SummaryRecord> = [:]
    /// Oldest first, at most the configured window.
    var communications: [Communication] = []
    /// Duplicate candidates among the active observations (derived; rebuilt on restore).
    var duplicates: DuplicateIndex
    /// BM25 postings and embedding matrices of the observations and summaries (derived;
    /// rebuilt on restore through the same hooks).
    var recall = RecallIndex()

    init(id: String, createdAt: Int64, duplicateThreshold: Double) {
        self.id = id
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.duplicates = DuplicateIndex(threshold: duplicateThreshold)
    }

    var revisionCount: Int {
        observations.values.reduce(0) { $0 + $1.revisions.count }
    }

    /// The earliest-created of two profiles keeps its id in a merge.
    func isEarlier(than other: ProfileState) -> Bool {
        (createdAt, id) < (other.createdAt, other.id)
    }
}
