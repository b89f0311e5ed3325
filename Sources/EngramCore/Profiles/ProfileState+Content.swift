/// Duplicate detection by meaning, for an extraction's facts: each new observation's vector
/// (the command's, or the hashed one rebuilt from its text) and the cosine that makes a match.
struct SemanticDuplicates {
    var vectors: [[Float]?]
    var threshold: Double
}

extension ProfileState {
    // MARK: The write hook for recall indexes

    /// Inserts or replaces an observation, keeping the subject map and (once built) the
    /// duplicate and recall indexes in step. `fingerprint` is that of its content, if the
    /// caller has it already.
    mutating func putObservation(_ stored: StoredObservation, fingerprint: TextFingerprint? = nil) {
        var stored = stored
        // A standard hashed vector is kept only in the recall matrix (see `RecallIndex`).
        let vector = stored.observation.embedding
        if stored.observation.hasDerivedVector { stored.observation.embedding = nil }
        let observation = stored.observation
        let old = observations[observation.id]?.observation
        if let old, let key = old.subjectKey, activeBySubject[key] == old.id,
            observation.status != .active || observation.subjectKey != key
        {
            activeBySubject[key] = nil
        }
        if observation.status == .active, let key = observation.subjectKey {
            activeBySubject[key] = observation.id
        }
        if indexes != nil {
            let wasActive = old?.status == .active
            let isActive = observation.status == .active
            if wasActive && !isActive { indexes!.duplicates.remove(observation.id) }
            if isActive && !wasActive {
                indexes!.duplicates.insert(observation.id, fingerprint ?? TextFingerprint(observation.content))
            }
            indexes!.recall.put(observation, vector: vector, old: old)
        }
        observations[observation.id] = stored
    }

    /// Removes an observation; returns it.
    @discardableResult
    mutating func removeObservation(id: String) -> StoredObservation? {
        guard let removed = observations.removeValue(forKey: id) else { return nil }
        if let key = removed.observation.subjectKey, activeBySubject[key] == id {
            activeBySubject[key] = nil
        }
        if indexes != nil {
            indexes!.duplicates.remove(id)
            indexes!.recall.observations.remove(id: id)
        }
        return removed
    }

    /// Inserts or replaces the summary of its conversation.
    mutating func putSummary(_ record: SummaryRecord) {
        indexes?.recall.put(record.summary, old: summaries[record.summary.conversationID]?.summary)
        summaries[record.summary.conversationID] = record
    }

    // MARK: Observe

    /// Applies an Observe command's items in order; each item sees the ones before it.
    mutating func observe(
        _ command: Command.Observe, fingerprints: [TextFingerprint], window: Int, maxConversationIDs: Int,
        maxRevisions: Int, semantic: SemanticDuplicates? = nil
    ) -> (outcomes: [ObservationOutcome], summaryIDs: [String], communicationIDs: [String]) {
        // Duplicate detection searches the index.
        buildIndexes()
        let at = command.at
        var outcomes: [ObservationOutcome] = []
        outcomes.reserveCapacity(command.observations.count)
        for (index, (item, fingerprint)) in zip(command.observations, fingerprints).enumerated() {
            if let key = item.idempotencyKey, var earlier = idempotency[key] {
                earlier.isRetry = true
                outcomes.append(earlier)
                continue
            }
            let outcome: ObservationOutcome
            if let duplicateID = duplicate(of: fingerprint)
                ?? semantic.flatMap({ semanticDuplicate(of: item, vector: $0.vectors[index], threshold: $0.threshold) }),
                var existing = observations[duplicateID]
            {
                existing.revisions.appendBounded(
                    ObservationRevision(
                        recordedAt: at, reason: .duplicate, conversationIDs: item.conversationIDs,
                        prior: existing.observation), limit: maxRevisions)
                var merged = existing.observation.conversationIDs
                for id in item.conversationIDs where !merged.contains(id) { merged.append(id) }
                existing.observation.conversationIDs = Array(merged.suffix(maxConversationIDs))
                var sources = existing.observation.communicationIDs
                for id in item.communicationIDs where !sources.contains(id) { sources.append(id) }
                existing.observation.communicationIDs = Array(sources.suffix(Self.maxCommunicationIDs))
                existing.observation.mentionCount += 1
                existing.observation.updatedAt = at
                putObservation(existing)
                outcome = ObservationOutcome(
                    kind: .duplicate, observationID: duplicateID, status: existing.observation.status)
            } else {
                var new = Observation(
                    id: item.id, content: item.content, source: item.source, occurredAt: item.occurredAt,
                    conversationIDs: item.conversationIDs, subjectKey: item.subjectKey, embedding: item.embedding,
                    idempotencyKey: item.idempotencyKey, createdAt: at, updatedAt: at, mentionCount: 1,
                    status: .active, supersededBy: nil, embedder: item.embedder,
                    communicationIDs: item.communicationIDs)
                if let key = item.subjectKey, let activeID = activeBySubject[key], var active = observations[activeID] {
                    if active.observation.occurredAt <= item.occurredAt {
                        // The newer fact replaces the active one (ties go to the later arrival).
                        active.revisions.appendBounded(
                            ObservationRevision(
                                recordedAt: at, reason: .superseded, conversationIDs: item.conversationIDs,
                                prior: active.observation), limit: maxRevisions)
                        active.observation.status = .superseded
                        active.observation.supersededBy = item.id
                        active.observation.updatedAt = at
                        putObservation(active)
                        outcome = ObservationOutcome(kind: .superseded, observationID: item.id, replacedID: activeID)
                    } else {
                        // A late arrival: older than the active fact, so superseded from the start.
                        new.status = .superseded
                        new.supersededBy = activeID
                        outcome = ObservationOutcome(kind: .added, observationID: item.id, status: .superseded)
                    }
                } else {
                    outcome = ObservationOutcome(kind: .added, observationID: item.id)
                }
                putObservation(StoredObservation(observation: new, revisions: []), fingerprint: fingerprint)
            }
            if let key = item.idempotencyKey {
                idempotency[key] = outcome
                idempotencyTimes[key] = at
            }
            outcomes.append(outcome)
        }
        var summaryIDs: [String] = []
        for item in command.summaries {
            summaryIDs.append(putSummary(item, at: at, maxRevisions: maxRevisions))
        }
        // A message the profile already holds (a client's retry, by its own id) is kept once.
        for item in command.communications {
            append(CollectionOfOne(item), to: item.conversationID, at: at, window: window)
        }
        let communicationIDs = command.communications.map(\.id)
        updatedAt = at
        return (outcomes, summaryIDs, communicationIDs)
    }

    /// The active observation most similar to `fingerprint` at or above the threshold (or
    /// with the same normalised text); ties go to the earliest created, so the choice never
    /// depends on iteration order. `observe` builds the indexes first; without them, this
    /// builds a duplicate index for the call rather than miss a duplicate.
    func duplicate(of fingerprint: TextFingerprint) -> String? {
        let duplicates = indexes?.duplicates ?? ProfileIndexes(of: self).duplicates
        var best: (score: Double, createdAt: Int64, id: String)?
        for id in duplicates.candidates(for: fingerprint) {
            guard let stored = observations[id], stored.observation.status == .active,
                let theirs = duplicates.fingerprint(of: id)
            else { continue }
            let score = fingerprint.similarity(to: theirs)
            guard score >= duplicates.threshold || score == 1 else { continue }
            let candidate = (score, stored.observation.createdAt, id)
            if let current = best {
                if candidate.0 > current.score
                    || (candidate.0 == current.score && (candidate.1, candidate.2) < (current.createdAt, current.id))
                {
                    best = candidate
                }
            } else {
                best = candidate
            }
        }
        return best?.id
    }

    /// The active observation whose vector is nearest `vector`, if its cosine reaches
    /// `threshold`: a duplicate by meaning. Only vectors of the same embedder compare (a
    /// client's vector, with no embedder named, never does); ties go to the earliest created.
    func semanticDuplicate(of item: Command.NewObservation, vector: [Float]?, threshold: Double) -> String? {
        guard let vector, let embedder = item.embedder, let corpus = indexes?.recall.observations,
            corpus.space == embedder, corpus.dimension == vector.count, corpus.vectorCount > 0
        else { return nil }
        var unit = vector
        normalize(&unit)
        var scores = [Float](repeating: -1, count: corpus.slotCapacity)
        corpus.cosines(unit, into: &scores)
        var best: (score: Float, createdAt: Int64, id: String)?
        for slot in scores.indices where scores[slot] >= Float(threshold) {
            let entry = corpus.entry(at: slot)
            guard entry.flags & RecallBlock.occupied != 0, entry.flags & RecallBlock.active != 0,
                entry.flags & RecallBlock.hasVector != 0, let stored = observations[entry.id],
                stored.observation.status == .active
            else { continue }
            let candidate = (scores[slot], stored.observation.createdAt, entry.id)
            if let current = best {
                if candidate.0 > current.score
                    || (candidate.0 == current.score && (candidate.1, candidate.2) < (current.createdAt, current.id))
                {
                    best = candidate
                }
            } else {
                best = candidate
            }
        }
        return best?.id
    }

    /// Stores a summary, replacing (and keeping as a revision) the conversation's earlier one.
    private mutating func putSummary(_ item: Command.NewSummary, at: Int64, maxRevisions: Int) -> String {
        if var record = summaries[item.conversationID] {
            record.revisions.appendBounded(SummaryRevision(recordedAt: at, prior: record.summary), limit: maxRevisions)
            record.summary.content = item.content
            record.summary.source = item.source
            record.summary.occurredAt = item.occurredAt
            record.summary.updatedAt = at
            putSummary(record)
            return record.summary.id
        }
        putSummary(
            SummaryRecord(
                summary: Summary(
                    id: item.id, conversationID: item.conversationID, content: item.content, source: item.source,
                    occurredAt: item.occurredAt, createdAt: at, updatedAt: at),
                revisions: []))
        return item.id
    }
}
