/// How far re-embedding has come: profiles whose vectors are another embedder's than the
/// configured one, as last counted, and those re-embedded since.
public struct ReembedProgress: Sendable, Hashable {
    /// Profiles found holding another embedder's vectors by the last scan.
    public var pendingProfiles: Int
    /// Profiles re-embedded since the engine started.
    public var doneProfiles: Int
    /// Observation vectors replaced since the engine started.
    public var vectors: Int
    public init(pendingProfiles: Int = 0, doneProfiles: Int = 0, vectors: Int = 0) {
        self.pendingProfiles = pendingProfiles
        self.doneProfiles = doneProfiles
        self.vectors = vectors
    }
}

extension Engine {
    /// Every profile holding observation vectors made by another embedder than the
    /// configured one, by store. Reads one O(1) view; costs a look at every observation.
    public func profilesToReembed() -> [(storeID: String, profileID: String)] {
        let target = embedderIdentity
        var found: [(String, String)] = []
        for shard in shards {
            // A copy is O(1) (persistent tries); the scan runs with no lock held.
            let state = shard.state.withLock { $0 }
            for (store, profiles) in state.stores {
                for (id, profile) in profiles where profile.hasStaleVectors(target: target) {
                    found.append((store, id))
                }
            }
        }
        reembedState.withLock { $0.pendingProfiles = found.count }
        return found
    }

    /// Re-embeds one profile's engine-made observation vectors with the configured embedder
    /// and applies them as one logged command, so the profile switches embedders at once
    /// and recall never compares vectors of two models. Returns how many vectors changed
    /// (0 if none were stale). Runs the embedder with no lock held.
    @discardableResult
    public func reembed(storeID: String, profileID: String) throws(EngineError) -> Int {
        let embedder = configuration.recall.embedder
        let target = embedderIdentity
        let profile = try readProfile(store: storeID, profile: profileID)
        let stale = profile.staleObservations(target: target)
        guard !stale.isEmpty else { return 0 }
        // Vectors the embedder rebuilds from the text are built as the command is applied (the
        // log leaves them out), so none are made here.
        let vectors: [[Float]?] =
            EmbedderIdentity.isRebuiltFromText(target) ? stale.map { _ in nil } : embedder.embed(stale.map(\.content))
        let command = Command.Reembed(
            storeID: storeID, profileID: profile.id, embedder: target,
            vectors: zip(stale, vectors).map { Command.ObservationVector(observationID: $0.id, embedding: $1) },
            at: now())
        guard case .reembedded(let count) = try apply(.reembed(command), .live) else { throw .unexpectedOutput }
        reembedState.withLock {
            $0.doneProfiles += 1
            $0.vectors += count
            $0.pendingProfiles = max(0, $0.pendingProfiles - 1)
        }
        return count
    }

    /// Re-embedding's progress, for ServerInfo.
    public var reembedProgress: ReembedProgress { reembedState.withLock { $0 } }

    func applyReembed(_ c: Command.Reembed, _ mode: ApplyMode) throws(EngineError) -> Int {
        try withProfile(store: c.storeID, profile: c.profileID) {
            (state: inout ShardState, id: String) throws(EngineError) -> Int in
            let changed = state.update(store: c.storeID, id: id) { $0.applyVectors(c) } ?? 0
            var logged = c
            logged.profileID = id
            _ = record(.reembed(logged), mode)
            return changed
        }
    }
}
