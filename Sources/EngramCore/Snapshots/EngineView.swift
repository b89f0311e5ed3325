/// A consistent point-in-time cut of the whole engine, cheap to take (it shares the
/// engine's persistent dictionaries) and safe to read on any thread while writes go on.
/// The durability layer writes snapshots from it.
public struct EngineView: Sendable {
    /// The last log sequence number whose command the view includes.
    public let logPosition: UInt64
    let catalog: PersistentMap<String, Store>
    let settingsByStore: [String: IdentitySettings]
    let aliasesByStore: [String: PersistentMap<String, String>]
    let shards: [ShardState]
    /// Each store's knowledge bases, by id.
    let knowledge: [String: [KnowledgeBaseState]]

    /// Stores, oldest first.
    public var stores: [Store] {
        catalog.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// A store's identity settings.
    public func settings(for storeID: String) -> IdentitySettings? {
        settingsByStore[storeID]
    }

    /// A store's merged-away ids, by merged id.
    public func aliases(in storeID: String) -> [ProfileAlias] {
        (aliasesByStore[storeID] ?? [:]).map { ProfileAlias(mergedID: $0.key, canonicalID: $0.value) }
            .sorted { $0.mergedID < $1.mergedID }
    }

    /// Calls `body` with each profile of a store, shard by shard, converting one at a time
    /// so a large store is never materialised whole.
    public func forEachProfile(in storeID: String, _ body: (ProfileSnapshot) throws -> Void) rethrows {
        for shard in shards {
            guard let profiles = shard.stores[storeID] else { continue }
            for profile in profiles.values { try body(profile.snapshot) }
        }
    }

    /// One profile by canonical id.
    public func profile(in storeID: String, id: String) -> ProfileSnapshot? {
        for shard in shards {
            if let profile = shard.stores[storeID]?[id] { return profile.snapshot }
        }
        return nil
    }

    /// Totals at the moment of the view.
    public var counts: EngineCounts {
        EngineCounts(
            stores: catalog.count, profiles: shards.reduce(0) { $0 + $1.profileCount },
            observations: shards.reduce(0) { $0 + $1.observationCount })
    }

    /// Everything as plain values, in a fixed order.
    public func snapshot() -> EngineSnapshot {
        EngineSnapshot(
            logPosition: logPosition,
            stores: stores.map { store in
                var profiles: [ProfileSnapshot] = []
                forEachProfile(in: store.id) { profiles.append($0) }
                return StoreSnapshot(
                    store: store, settings: settingsByStore[store.id] ?? .default, aliases: aliases(in: store.id),
                    profiles: profiles.sorted { $0.id < $1.id }, knowledgeBases: knowledgeBases(in: store.id))
            })
    }

    /// A store's knowledge bases, by id, each with its documents and chunks.
    public func knowledgeBases(in storeID: String) -> [KnowledgeBaseSnapshot] {
        (knowledge[storeID] ?? []).map(\.snapshot)
    }
}
