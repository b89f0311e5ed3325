/// What one expiry erased.
public struct ExpiryResult: Sendable, Hashable {
    public var profileID: String
    public var messagesErased: Int
    public var observationsErased: Int
    public var idempotencyKeysForgotten: Int = 0
    public var logPosition: UInt64

    var changed: Bool { messagesErased + observationsErased + idempotencyKeysForgotten > 0 }
}

extension Engine {
    /// Erases, in every store with a retention setting, the messages and observations older
    /// than it allows, and forgets idempotency keys older than the engine's window, one logged
    /// command per profile touched, as deletions are (gone from disk after the next snapshot).
    /// engramd runs it every minute. Returns what it erased.
    @discardableResult
    public func expireRetained() -> [ExpiryResult] {
        let at = now()
        let window = configuration.idempotencyWindow
        let idempotencyBefore = window > 0 ? at - window : nil
        let stores = catalog.withLock { catalog in
            catalog.stores.values.compactMap { store -> (String, Int64?, Int64?)? in
                let s = store.conversationSettings
                guard s.messageRetention > 0 || s.observationRetention > 0 || idempotencyBefore != nil else {
                    return nil
                }
                return (
                    store.id, s.messageRetention > 0 ? at - s.messageRetention : nil,
                    s.observationRetention > 0 ? at - s.observationRetention : nil
                )
            }
        }
        var results: [ExpiryResult] = []
        for (storeID, messagesBefore, observationsBefore) in stores {
            // Which profiles hold anything that old: one pass per shard under its lock.
            var due: [String] = []
            for shard in shards {
                shard.state.withLock { state in
                    guard let profiles = state.stores[storeID] else { return }
                    for (id, profile) in profiles
                    where profile.holdsExpired(
                        messagesBefore: messagesBefore, observationsBefore: observationsBefore,
                        idempotencyBefore: idempotencyBefore)
                    {
                        due.append(id)
                    }
                }
            }
            for profileID in due.sorted() {
                let command = Command.Expire(
                    storeID: storeID, profileID: profileID, messagesBefore: messagesBefore,
                    observationsBefore: observationsBefore, idempotencyBefore: idempotencyBefore, at: at)
                if case .expired(let result)? = try? apply(.expire(command), .live), result.changed {
                    results.append(result)
                }
            }
        }
        return results
    }

    func applyExpire(_ c: Command.Expire, _ mode: ApplyMode) throws(EngineError) -> ExpiryResult {
        try withProfile(store: c.storeID, profile: c.profileID) {
            (state: inout ShardState, id: String) throws(EngineError) -> ExpiryResult in
            guard
                state.profile(store: c.storeID, id: id)!.holdsExpired(
                    messagesBefore: c.messagesBefore, observationsBefore: c.observationsBefore,
                    idempotencyBefore: c.idempotencyBefore)
            else {
                return ExpiryResult(
                    profileID: id, messagesErased: 0, observationsErased: 0, logPosition: unchanged(mode))
            }
            let (messages, observations, keys) = state.update(store: c.storeID, id: id) { profile in
                profile.expire(
                    messagesBefore: c.messagesBefore, observationsBefore: c.observationsBefore,
                    idempotencyBefore: c.idempotencyBefore, at: c.at)
            }!
            var logged = c
            logged.profileID = id
            return ExpiryResult(
                profileID: id, messagesErased: messages, observationsErased: observations,
                idempotencyKeysForgotten: keys, logPosition: record(.expire(logged), mode))
        }
    }
}

extension ProfileState {
    /// Whether anything is older than the cut-offs.
    func holdsExpired(messagesBefore: Int64?, observationsBefore: Int64?, idempotencyBefore: Int64? = nil) -> Bool {
        if let cutoff = messagesBefore, let oldest = communications.first, oldest.createdAt < cutoff { return true }
        if let cutoff = observationsBefore, observations.values.contains(where: { $0.observation.occurredAt < cutoff })
        {
            return true
        }
        if let cutoff = idempotencyBefore, idempotency.keys.contains(where: { (idempotencyTimes[$0] ?? 0) < cutoff }) {
            return true
        }
        return false
    }

    /// Erases messages created and observations that occurred before the cut-offs (with
    /// their revisions); conversations keep their state and drop the erased messages' ids.
    mutating func expire(messagesBefore: Int64?, observationsBefore: Int64?, idempotencyBefore: Int64?, at: Int64)
        -> (Int, Int, Int)
    {
        var erasedMessages = 0
        if let cutoff = messagesBefore {
            // Messages are kept oldest first.
            let count = communications.prefix { $0.createdAt < cutoff }.count
            if count > 0 {
                var byConversation: [String: Set<String>] = [:]
                for message in communications.prefix(count) {
                    knownCommunications[message.id] = nil
                    indexes?.recall.communications.remove(id: message.id)
                    byConversation[message.conversationID, default: []].insert(message.id)
                }
                communications.removeFirst(count)
                for (conversationID, ids) in byConversation {
                    guard var conversation = conversations[conversationID] else { continue }
                    let extracted = conversation.messageIDs.prefix(conversation.extractedMessageCount)
                    conversation.extractedMessageCount -= extracted.count { ids.contains($0) }
                    conversation.messageIDs.removeAll { ids.contains($0) }
                    conversation.updatedAt = at
                    conversations[conversationID] = conversation
                }
                erasedMessages = count
            }
        }
        var erasedObservations = 0
        if let cutoff = observationsBefore {
            let old = observations.values.filter { $0.observation.occurredAt < cutoff }.map(\.observation.id).sorted()
            for id in old { removeObservation(id: id) }
            erasedObservations = old.count
        }
        var forgotten = 0
        if let cutoff = idempotencyBefore {
            let old = idempotency.keys.filter { (idempotencyTimes[$0] ?? 0) < cutoff }.sorted()
            for key in old {
                idempotency[key] = nil
                idempotencyTimes[key] = nil
            }
            forgotten = old.count
        }
        if erasedMessages + erasedObservations > 0 { updatedAt = at }
        return (erasedMessages, erasedObservations, forgotten)
    }
}
