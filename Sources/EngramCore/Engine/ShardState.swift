/// One shard's profiles: store id → profile id → profile, plus counters.
///
/// Both levels are `PersistentMap`s, persistent hash tries: copying one is O(1) because the
/// copy shares every node, and a later write copies only the nodes on the path to the changed
/// key. So a point-in-time view of a shard is just a copy of this value taken under the lock,
/// and writes go on while a snapshot reads the view and drops it on its own thread.
struct ShardState: Sendable, Equatable {
    var stores: PersistentMap<String, PersistentMap<String, ProfileState>> = [:]
    var profileCount = 0
    var observationCount = 0

    func profile(store: String, id: String) -> ProfileState? {
        stores[store]?[id]
    }

    func contains(store: String, id: String) -> Bool {
        stores[store]?[id] != nil
    }

    /// Mutates a profile in place (no copy unless a view shares it); nil if absent.
    mutating func update<R>(store: String, id: String, _ body: (inout ProfileState) -> R) -> R? {
        var result: R?
        var delta = 0
        stores.modifyValue(forKey: store) { profiles in
            profiles.modifyValue(forKey: id) { profile in
                let before = profile.observations.count
                result = body(&profile)
                delta = profile.observations.count - before
                profile.writes.count &+= 1
            }
        }
        observationCount += delta
        return result
    }

    /// Inserts or replaces a profile.
    mutating func put(_ profile: ProfileState, store: String) {
        let old = stores[store]?[profile.id]
        var profile = profile
        profile.writes.count = (old?.writes.count ?? profile.writes.count) &+ 1
        stores.modifyValue(forKey: store, default: [:]) { $0[profile.id] = profile }
        profileCount += old == nil ? 1 : 0
        observationCount += profile.observations.count - (old?.observations.count ?? 0)
    }

    /// Gives a profile the indexes built from a copy of it taken at write count `writes`,
    /// unless it was written since (then they may be stale) or is indexed already. Returns
    /// whether they were installed. Not a write: the content is unchanged.
    mutating func install(_ indexes: ProfileIndexes, store: String, id: String, writes: UInt64) -> Bool {
        var installed = false
        stores.modifyValue(forKey: store) { profiles in
            profiles.modifyValue(forKey: id) { profile in
                guard profile.writes.count == writes, !profile.isIndexed else { return }
                profile.indexes = indexes
                installed = true
            }
        }
        return installed
    }

    /// Removes a profile; returns it.
    @discardableResult
    mutating func remove(store: String, id: String) -> ProfileState? {
        guard let removed = stores.modifyValue(forKey: store, { $0.removeValue(forKey: id) }) ?? nil else { return nil }
        if stores[store]?.isEmpty == true { stores[store] = nil }
        profileCount -= 1
        observationCount -= removed.observations.count
        return removed
    }

    /// Removes a whole store; returns the profiles and observations erased.
    mutating func removeStore(_ store: String) -> (profiles: Int, observations: Int) {
        guard let removed = stores.removeValue(forKey: store) else { return (0, 0) }
        let observations = removed.values.reduce(0) { $0 + $1.observations.count }
        profileCount -= removed.count
        observationCount -= observations
        return (removed.count, observations)
    }
}
