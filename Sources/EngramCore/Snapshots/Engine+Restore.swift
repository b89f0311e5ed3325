import Dispatch

extension Engine {
    /// Rebuilds an engine from a snapshot (e.g. read back from a snapshot file); replay the
    /// log records after `snapshot.logPosition` next. Identifier owners and subject maps are
    /// recomputed here; each profile's duplicate and recall indexes are built when first
    /// needed, or by `buildPendingIndexes` in the background.
    public convenience init(
        restoring snapshot: EngineSnapshot, configuration: EngineConfiguration = EngineConfiguration(),
        journal: (any CommandJournal)? = nil
    ) {
        self.init(configuration: configuration, journal: journal)
        appliedPosition.store(snapshot.logPosition, ordering: .relaxed)
        let built = Self.rebuildProfiles(snapshot, duplicateThreshold: self.configuration.duplicateSimilarityThreshold)
        for (storeIndex, item) in snapshot.stores.enumerated() {
            let storeID = item.store.id
            var state = IdentityState(settings: item.settings)
            for alias in item.aliases { state.aliases[alias.mergedID] = alias.canonicalID }
            for profile in built[storeIndex] {
                for identifier in profile.identifiers {
                    state.addOwner(profile.id, of: IdentifierKey(type: identifier.type, value: identifier.value))
                }
                shard(store: storeID, profile: profile.id).state.withLock { $0.put(profile, store: storeID) }
            }
            let identity = StoreIdentity(storeID: storeID, state: state)
            identity.conversations.withLock { directory in
                for profile in built[storeIndex] {
                    for conversation in profile.conversations.values {
                        directory.register(conversation, profileID: profile.id)
                    }
                }
            }
            catalog.withLock { catalog in
                catalog.stores[storeID] = item.store
                catalog.identities[storeID] = identity
            }
            if !item.knowledgeBases.isEmpty {
                let bases = item.knowledgeBases.map { ($0.base.id, KnowledgeBaseBox(KnowledgeBaseState(snapshot: $0))) }
                knowledge.withLock { $0.stores[storeID] = Dictionary(bases, uniquingKeysWith: { _, last in last }) }
            }
        }
    }

    /// Rebuilds every profile's content (persistent maps of observations, summaries and
    /// idempotency keys) on all cores: profiles are independent of each other.
    private static func rebuildProfiles(_ snapshot: EngineSnapshot, duplicateThreshold: Double) -> [[ProfileState]] {
        let work = snapshot.stores.indices.flatMap { s in snapshot.stores[s].profiles.indices.map { (s, $0) } }
        var flat = [ProfileState?](repeating: nil, count: work.count)
        let chunks = min(work.count, 8 * EngineClock.coreCount)
        if chunks > 0 {
            flat.withUnsafeMutableBufferPointer { out in
                let slots = Slots(base: out.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    for i in stride(from: chunk, to: work.count, by: chunks) {
                        let (s, p) = work[i]
                        slots.base[i] = ProfileState(
                            snapshot: snapshot.stores[s].profiles[p], duplicateThreshold: duplicateThreshold)
                    }
                }
            }
        }
        var result = snapshot.stores.map { _ in [ProfileState]() }
        for (i, (s, _)) in work.enumerated() { result[s].append(flat[i]!) }
        return result
    }
}

/// Slots written concurrently by `concurrentPerform`.
/// @unchecked Sendable: each iteration writes only its own indices, and the buffer outlives
/// the call, which returns only after every iteration finished.
private struct Slots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}
