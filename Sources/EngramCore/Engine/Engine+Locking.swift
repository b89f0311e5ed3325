/// How a command is being applied.
enum ApplyMode: Sendable {
    /// A new call: journal the command.
    case live
    /// A logged command being replayed: no journal; the position it was logged at (0 if unknown).
    case replay(UInt64)
}

private enum Attempt<R: Sendable>: Sendable {
    case missing
    case done(R)
}

extension Engine {
    /// What a command that turned out to change nothing answers instead of a log position.
    /// Live, nothing is logged and it answers the position of the last command applied, so a
    /// caller that waits for it never acknowledges state that a crash could still take back.
    /// Replayed (a log written before such calls stopped being logged), the record's position
    /// still counts as applied.
    func unchanged(_ mode: ApplyMode) -> UInt64 {
        switch mode {
        case .replay(let logged):
            advanceApplied(to: logged)
            return logged
        case .live:
            return appliedPosition.load(ordering: .relaxed)
        }
    }

    /// Journals a command that succeeded (live) and returns its log position. Call it while
    /// still holding the locks the command touched.
    func record(_ command: Command, _ mode: ApplyMode) -> UInt64 {
        let position: UInt64
        switch mode {
        case .replay(let logged):
            position = logged
        case .live:
            guard let journal else { return 0 }
            position = journal.append(command)
        }
        advanceApplied(to: position)
        return position
    }

    private func advanceApplied(to position: UInt64) {
        var current = appliedPosition.load(ordering: .relaxed)
        while position > current {
            let (exchanged, original) = appliedPosition.compareExchange(
                expected: current, desired: position, ordering: .relaxed)
            if exchanged { break }
            current = original
        }
    }

    /// Locks the given shards in ascending order and runs `body` with their states, which are
    /// moved out (not copied, so writes stay in place) and moved back before each unlock.
    func withShards<R: Sendable, E: Error>(
        _ indices: [Int], _ body: (inout [Int: Int], inout [ShardState]) throws(E) -> R
    ) throws(E) -> R {
        let order = Array(Set(indices)).sorted()
        var positions: [Int: Int] = [:]
        for (position, index) in order.enumerated() { positions[index] = position }
        var held: [ShardState] = []
        held.reserveCapacity(order.count)
        return try lockShards(order[...], &held) { (states: inout [ShardState]) throws(E) -> R in
            try body(&positions, &states)
        }
    }

    private func lockShards<R: Sendable, E: Error>(
        _ order: ArraySlice<Int>, _ held: inout [ShardState], _ body: (inout [ShardState]) throws(E) -> R
    ) throws(E) -> R {
        guard let first = order.first else { return try body(&held) }
        return try shards[first].state.withLock { (state: inout ShardState) throws(E) -> R in
            let position = held.count
            held.append(ShardState())
            swap(&state, &held[position])
            defer { swap(&state, &held[position]) }
            return try lockShards(order.dropFirst(), &held, body)
        }
    }

    /// Runs `body` under the shard lock of the canonical profile for `profileID`, which may
    /// be a merged-away id. The fast path takes only the shard lock; a merged-away id costs
    /// one look at the store's alias map (with no shard lock held), then a retry.
    func withProfile<R: Sendable>(
        store storeID: String, profile profileID: String,
        _ body: (inout ShardState, _ canonicalID: String) throws(EngineError) -> R
    ) throws(EngineError) -> R {
        var id = profileID
        for _ in 0..<8 {
            let attempt = try shard(store: storeID, profile: id).state.withLock {
                (state: inout ShardState) throws(EngineError) -> Attempt<R> in
                guard state.contains(store: storeID, id: id) else { return .missing }
                return .done(try body(&state, id))
            }
            if case .done(let result) = attempt { return result }
            guard let identity = identity(of: storeID) else { throw .storeNotFound(storeID) }
            let next: String?? = identity.state.withLock { $0.deleted ? .none : .some($0.aliases[profileID]) }
            guard let alias = next else { throw .storeNotFound(storeID) }
            guard let alias, alias != id else { throw .profileNotFound(profileID) }
            id = alias
        }
        throw EngineError(
            code: .aborted, message: "profile_id: \"\(profileID)\" kept moving in concurrent merges; retry")
    }

    /// A copy of the canonical profile (O(1): its containers are shared until written).
    func readProfile(store: String, profile: String) throws(EngineError) -> ProfileState {
        try withProfile(store: store, profile: profile) {
            (state: inout ShardState, id: String) throws(EngineError) -> ProfileState in
            state.profile(store: store, id: id)!
        }
    }

    /// As `readProfile`, with the profile's indexes built if a restore left them for later.
    /// They are built from the copy with no lock held, and kept in the shard unless a write
    /// came in meanwhile.
    func readIndexedProfile(store: String, profile: String) throws(EngineError) -> ProfileState {
        var (copy, shard) = try withProfile(store: store, profile: profile) {
            (state: inout ShardState, id: String) throws(EngineError) -> (ProfileState, Int) in
            (state.profile(store: store, id: id)!, shardIndex(store: store, profile: id))
        }
        if !copy.isIndexed { _ = install(building: &copy, store: store, in: shards[shard]) }
        return copy
    }

    /// Builds `profile`'s indexes (a copy read from `shard`) with no lock held, and installs
    /// them in the shard if it has not been written since; returns whether it did.
    func install(building profile: inout ProfileState, store: String, in shard: Shard) -> Bool {
        let indexes = ProfileIndexes(of: profile)
        profile.indexes = indexes
        let (id, writes) = (profile.id, profile.writes.count)
        return shard.state.withLock { $0.install(indexes, store: store, id: id, writes: writes) }
    }
}

/// Checks the ids every call names.
func requireIDs(_ ids: KeyValuePairs<String, String>) throws(EngineError) {
    var problems = Violations()
    for (field, value) in ids where value.isEmpty {
        problems.add(field, "required")
    }
    try problems.check()
}
