extension ProfileState {
    /// Takes in everything of a profile merged into this one. Call `settleSubjects(at:maxRevisions:)`
    /// once after the last merge.
    mutating func absorb(_ other: ProfileState, at: Int64, window: Int, maxTraitTombstones: Int) {
        // Both may hold the same shared (non-unique) value: keep it once, at its earliest.
        var seen = Set<IdentifierKey>()
        identifiers = (identifiers + other.identifiers).enumerated()
            .sorted { ($0.element.addedAt, $0.offset) < ($1.element.addedAt, $1.offset) }
            .map(\.element)
            .filter { seen.insert(IdentifierKey(type: $0.type, value: $0.value)).inserted }
        traits.merge(
            newerOf: other.traits, tombstones: &traitTombstones, theirTombstones: other.traitTombstones,
            maxTombstones: maxTraitTombstones)
        mergedIDs += [other.id] + other.mergedIDs
        for stored in other.observations.values {
            putObservation(stored, fingerprint: other.indexes?.duplicates.fingerprint(of: stored.observation.id))
        }
        for (key, outcome) in other.idempotency where idempotency[key] == nil {
            idempotency[key] = outcome
            idempotencyTimes[key] = other.idempotencyTimes[key]
        }
        for theirs in other.summaries.values {
            guard let mine = summaries[theirs.summary.conversationID] else {
                putSummary(theirs)
                continue
            }
            // The later summary of the conversation stays current; the other becomes history.
            let mineWins =
                (mine.summary.occurredAt, mine.summary.updatedAt, mine.summary.id)
                >= (theirs.summary.occurredAt, theirs.summary.updatedAt, theirs.summary.id)
            var winner = mineWins ? mine : theirs
            let loser = mineWins ? theirs : mine
            winner.revisions =
                (winner.revisions + loser.revisions + [SummaryRevision(recordedAt: at, prior: loser.summary)])
                .enumerated()
                .sorted { ($0.element.recordedAt, $0.offset) < ($1.element.recordedAt, $1.offset) }
                .map(\.element)
            putSummary(winner)
        }
        for communication in other.communications where knownCommunications[communication.id] == nil {
            insertCommunication(communication, window: window)
        }
        for conversation in other.conversations.values {
            absorb(conversation: conversation)
        }
        updatedAt = at
    }

    /// After a merge, two active observations may share a subject key: the one that
    /// happened last stays active and the others become superseded by it, with a revision.
    mutating func settleSubjects(at: Int64, maxRevisions: Int) {
        var bySubject: [String: [Observation]] = [:]
        for stored in observations.values where stored.observation.status == .active {
            if let key = stored.observation.subjectKey { bySubject[key, default: []].append(stored.observation) }
        }
        var settled: [String: String] = [:]
        for (key, actives) in bySubject {
            let winner = actives.max { ($0.occurredAt, $0.createdAt, $0.id) < ($1.occurredAt, $1.createdAt, $1.id) }!
            settled[key] = winner.id
            for loser in actives where loser.id != winner.id {
                guard var stored = observations[loser.id] else { continue }
                stored.revisions.appendBounded(
                    ObservationRevision(
                        recordedAt: at, reason: .superseded, conversationIDs: winner.conversationIDs,
                        prior: stored.observation), limit: maxRevisions)
                stored.observation.status = .superseded
                stored.observation.supersededBy = winner.id
                stored.observation.updatedAt = at
                putObservation(stored)
            }
        }
        activeBySubject = settled
    }
}
