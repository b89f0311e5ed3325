extension Engine {
    /// Rebuilds an engine from a snapshot (e.g. read back from a snapshot file); replay the
    /// log records after `snapshot.logPosition` next. Derived indexes (identifier owners,
    /// duplicate fingerprints, subject maps) are recomputed.
    public convenience init(
        restoring snapshot: EngineSnapshot, configuration: EngineConfiguration = EngineConfiguration(),
        journal: (any CommandJournal)? = nil
    ) {
        self.init(configuration: configuration, journal: journal)
        appliedPosition.store(snapshot.logPosition, ordering: .relaxed)
        for item in snapshot.stores {
            let storeID = item.store.id
            var state = IdentityState(settings: item.settings)
            for alias in item.aliases { state.aliases[alias.mergedID] = alias.canonicalID }
            for profileSnapshot in item.profiles {
                let profile = ProfileState(
                    snapshot: profileSnapshot, duplicateThreshold: self.configuration.duplicateSimilarityThreshold)
                for identifier in profile.identifiers {
                    state.addOwner(profile.id, of: IdentifierKey(type: identifier.type, value: identifier.value))
                }
                shard(store: storeID, profile: profile.id).state.withLock { $0.put(profile, store: storeID) }
            }
            let identity = StoreIdentity(storeID: storeID, state: state)
            catalog.withLock { catalog in
                catalog.stores[storeID] = item.store
                catalog.identities[storeID] = identity
            }
        }
    }
}
