/// A profile's recall indexes: one corpus for its observations (any status; BM25 counts
/// the active ones) and one for its summaries. Kept current by the `ProfileState` write
/// hooks, so a query never rebuilds anything.
///
/// Observation vectors come from the observation itself (the client's, or the one the
/// engine's embedder computed before the write). The standard hashed embedder's vectors
/// are a pure function of the text: the matrix is their only copy, and when an
/// observation comes without one (replay, restore, a merge), it is built here, straight
/// into its row. Summary vectors are always built so. Replay and restore therefore give
/// the same vectors without the log or a snapshot carrying them.
struct RecallIndex: Sendable {
    var observations = RecallCorpus()
    var summaries = RecallCorpus()
    /// Messages, by id, with hashed vectors; the channel stands as their source.
    var communications = RecallCorpus()

    /// Indexes a message (messages never change once stored).
    mutating func put(_ communication: Communication) {
        communications.put(
            id: communication.id, text: nil, source: communication.channel.rawValue,
            occurredAt: communication.createdAt, active: true, vector: .hashed(Self.indexedText(communication)))
    }

    /// A message as it is searched: its text, after its author's name when the address reads
    /// as one ("Caroline"), so "what did Caroline say about …" finds her messages. A phone
    /// number or e-mail address adds nothing.
    static func indexedText(_ communication: Communication) -> String {
        CommunicationParticipant.name(inAddress: communication.authorAddress).map { $0 + ": " + communication.text }
            ?? communication.text
    }

    /// Indexes an observation's new state; `old` is its state before this write, if any.
    /// `vector` is the vector it came with, when its stored form no longer holds it.
    mutating func put(_ observation: Observation, vector: [Float]? = nil, old: Observation?) {
        let active = observation.status == .active
        let vector = vector ?? observation.embedding
        if let old, old.content == observation.content, old.embedder == observation.embedder,
            observation.hasDerivedVector || old.embedding == vector, observations.slotByID[observation.id] != nil
        {
            observations.update(
                id: observation.id, source: observation.source, occurredAt: observation.occurredAt, active: active)
        } else {
            let source: DocumentVector =
                if let vector { .given(vector) } else if observation.hasDerivedVector {
                    .hashed(observation.content)
                } else { .none }
            // A hashed vector's pass over the text gives the terms too.
            let text: AnalyzedText? = if case .hashed = source { nil } else { AnalyzedText(observation.content) }
            observations.put(
                id: observation.id, text: text, source: observation.source,
                occurredAt: observation.occurredAt, active: active, vector: source, space: observation.embedder)
        }
    }

    /// Indexes a summary's new state; `old` is the conversation's summary before, if any.
    /// Summaries are indexed by conversation id, the key a profile keeps them under.
    mutating func put(_ summary: Summary, old: Summary?) {
        let key = summary.conversationID
        if let old, old.content == summary.content, summaries.slotByID[key] != nil {
            summaries.update(id: key, source: summary.source, occurredAt: summary.occurredAt, active: true)
        } else {
            summaries.put(
                id: key, text: nil, source: summary.source, occurredAt: summary.occurredAt,
                active: true, vector: .hashed(summary.content))
        }
    }
}

extension RecallIndex: Equatable {
    /// Equal when they index the same documents the same way. Slots are an internal detail
    /// (a restored profile fills them in another order than the live one did), so they are
    /// not compared.
    static func == (lhs: RecallIndex, rhs: RecallIndex) -> Bool {
        lhs.observations.canonical == rhs.observations.canonical && lhs.summaries.canonical == rhs.summaries.canonical
            && lhs.communications.canonical == rhs.communications.canonical
    }
}

extension RecallCorpus {
    /// One indexed document, without its slot.
    struct Document: Hashable {
        var occurredAt: Int64
        var source: String
        var flags: UInt8
        var terms: [TermCount]
        var vector: [Float]
    }

    /// The documents by id, and the BM25 statistics: what equality compares.
    var canonical: (documents: [String: Document], activeCount: Int, activeLength: Int, frequencies: [UInt64: Int32]) {
        var documents: [String: Document] = [:]
        for (id, slot) in slotByID {
            let (b, r) = Self.locate(slot)
            let block = blocks[b]
            let vector = vector(of: id) ?? []
            documents[id] = Document(
                occurredAt: block.occurredAt[r], source: block.sources[r], flags: block.flags[r], terms: block.terms[r],
                vector: vector)
        }
        var frequencies: [UInt64: Int32] = [:]
        for (term, list) in postings { frequencies[term] = list.activeCount }
        return (documents, activeCount, activeLength, frequencies)
    }
}
