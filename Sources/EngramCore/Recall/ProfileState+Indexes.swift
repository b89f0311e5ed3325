/// A profile's derived indexes: what duplicate detection and recall search, kept in step
/// with its observations and summaries by every write once built.
struct ProfileIndexes: Sendable, Equatable {
    /// Duplicate candidates among the active observations, with their fingerprints.
    var duplicates: DuplicateIndex
    /// BM25 postings and embedding matrices of the observations and summaries.
    var recall = RecallIndex()

    init(duplicateThreshold: Double) {
        duplicates = DuplicateIndex(threshold: duplicateThreshold)
    }

    /// Builds the indexes of a profile's content, as a live profile's writes would have.
    /// Observations go in by (creation time, id), the order a snapshot lists them in, so
    /// the matrix's embedder and length are decided as they were before the restart.
    init(of profile: ProfileState) {
        self.init(duplicateThreshold: profile.duplicateThreshold)
        let observations = profile.observations.values.sorted {
            ($0.observation.createdAt, $0.observation.id) < ($1.observation.createdAt, $1.observation.id)
        }
        let rowLength =
            observations.lazy.compactMap { stored in
                stored.observation.embedding?.count
                    ?? (stored.observation.hasDerivedVector ? HashedEmbedder.standard.dimension : nil)
            }.first ?? 0
        recall.observations.reserve(observations.count, dimension: rowLength)
        for stored in observations {
            let observation = stored.observation
            if observation.status == .active { duplicates.insert(observation.id, TextFingerprint(observation.content)) }
            recall.put(observation, old: nil)
        }
        for record in profile.summaries.values.sorted(by: { $0.summary.conversationID < $1.summary.conversationID }) {
            recall.put(record.summary, old: nil)
        }
        recall.communications.reserve(profile.communications.count, dimension: HashedEmbedder.standard.dimension)
        for communication in profile.communications { recall.put(communication) }
    }
}

// A restored profile starts without indexes: they are a pure function of its content, and
// building them (tokenizing every text, hashing its vector) is most of a restore's work.
// The first write or recall that needs them builds them under the shard lock, and the
// storage layer builds the rest in the background once the engine serves.
extension ProfileState {
    /// Whether the indexes are built.
    var isIndexed: Bool { indexes != nil }

    /// Builds the indexes if they are not yet built.
    mutating func buildIndexes() {
        if indexes == nil { indexes = ProfileIndexes(of: self) }
    }

    /// The indexes, built on the spot for this copy if they are not yet (readers that keep
    /// the profile should call `buildIndexes()` on the shard's copy instead).
    var indexed: ProfileIndexes { indexes ?? ProfileIndexes(of: self) }
}
