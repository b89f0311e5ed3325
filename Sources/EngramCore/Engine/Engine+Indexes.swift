extension Engine {
    /// Builds the indexes that a restore left for later, profile by profile, until none is
    /// left or `shouldStop` returns true; returns how many profiles it indexed.
    ///
    /// A restored engine serves at once: a recall or write that needs a profile's indexes
    /// builds that profile's first. This builds the rest, so the first call to each profile
    /// does not pay for it. Each profile is built from a copy with no lock held, and its
    /// indexes installed only if no write came in meanwhile (that write built them, or the
    /// next pass will). Threads may share the work: thread `part` of `parts` takes every
    /// `parts`-th shard.
    public func buildPendingIndexes(part: Int = 0, of parts: Int = 1, shouldStop: () -> Bool = { false }) -> Int {
        var built = 0
        for round in 0..<3 {
            var skipped = 0
            for shard in shards.indices where shard % max(1, parts) == part {
                // Ids first; the copy is dropped before anything is installed.
                let pending = shards[shard].state.withLock { state in
                    state.stores.flatMap { store, profiles in
                        profiles.lazy.filter { !$0.value.isIndexed }.map { (store: store, id: $0.key) }
                    }
                }
                for item in pending {
                    if shouldStop() { return built }
                    guard var copy = shards[shard].state.withLock({ $0.profile(store: item.store, id: item.id) }),
                        !copy.isIndexed
                    else { continue }
                    if install(building: &copy, store: item.store, in: shards[shard]) {
                        built += 1
                    } else {
                        skipped += 1
                    }
                }
            }
            // Profiles written while being built are tried again; a write that needs the
            // indexes builds them itself, so few are left for the last round.
            if skipped == 0 || round == 2 { break }
        }
        return built
    }

    /// Profiles whose indexes are not built yet (a scan of every profile).
    public func unindexedProfileCount() -> Int {
        shards.reduce(0) { total, shard in
            let state = shard.state.withLock { $0 }
            return total + state.stores.values.reduce(0) { $0 + $1.values.count { !$0.isIndexed } }
        }
    }
}
