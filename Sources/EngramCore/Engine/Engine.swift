import Synchronization

/// The in-memory memory engine: stores, identity resolution, profiles, observations.
///
/// Every method is synchronous and takes only short locks. Locks are always taken in this
/// order, and none is taken while a later one is held:
/// 1. the catalog (stores and their identity locks),
/// 2. one store's identity lock (all of them, by store id, only in `view()`),
/// 3. shard locks, in ascending shard index,
/// 4. the knowledge catalog, then one knowledge base's lock.
/// Calls on different profiles touch different shard locks and never wait on each other;
/// ResolveIdentity, lookups and profile deletion serialise per store on the identity lock.
public final class Engine: Sendable {
    /// The configuration the engine was created with.
    public let configuration: EngineConfiguration
    let journal: (any CommandJournal)?
    let catalog: Mutex<CatalogState>
    let shards: [Shard]
    /// The highest log position applied so far; captured by `view()`.
    let appliedPosition = Atomic<UInt64>(0)
    /// Counters of re-embedding (see `reembed(storeID:profileID:)`).
    let reembedState = Mutex(ReembedProgress())
    /// `configuration.recall.embedder.identity.description`, computed once: Observe stamps
    /// it on every vector it makes and Recall compares it with each profile's.
    let embedderIdentity: String
    /// Extractions under way, and their totals.
    let extractions = Mutex(ExtractionBook())
    /// Conversations as they close (live, not replayed): what engramd's extraction runner waits on.
    public let closedConversations: AsyncStream<ConversationKey>
    let extractionQueue: AsyncStream<ConversationKey>.Continuation
    /// Knowledge bases, by store (locked after the catalog, before any base's own lock).
    let knowledge = Mutex(KnowledgeCatalog())

    /// Creates an empty engine. With a `journal`, every successful command is appended to it.
    public init(configuration: EngineConfiguration = EngineConfiguration(), journal: (any CommandJournal)? = nil) {
        var configuration = configuration
        configuration.shardCount = max(1, configuration.shardCount)
        configuration.communicationsWindow = max(1, configuration.communicationsWindow)
        configuration.duplicateSimilarityThreshold = min(1, max(0.01, configuration.duplicateSimilarityThreshold))
        self.configuration = configuration
        self.embedderIdentity = configuration.recall.embedder.identity.description
        self.journal = journal
        self.catalog = Mutex(CatalogState())
        self.shards = (0..<configuration.shardCount).map { _ in Shard() }
        (closedConversations, extractionQueue) = AsyncStream.makeStream(
            of: ConversationKey.self, bufferingPolicy: .bufferingNewest(65_536))
    }

    /// The shard holding a profile: a stable hash (not `Hasher`, which is seeded per process)
    /// of store and profile id, so placement is the same in every run.
    func shardIndex(store: String, profile: String) -> Int {
        var hash = store.stableHash
        hash ^= profile.stableHash &* 0x9E37_79B9_7F4A_7C15
        hash ^= hash >> 29
        return Int(hash % UInt64(shards.count))
    }

    func shard(store: String, profile: String) -> Shard {
        shards[shardIndex(store: store, profile: profile)]
    }

    /// The identity lock of a store, if the store exists.
    func identity(of storeID: String) -> StoreIdentity? {
        catalog.withLock { $0.identities[storeID] }
    }

    /// The engine's clock (µs since the epoch): the one clock every answer's times come from.
    public func now() -> Int64 { configuration.clock() }

    func newID(_ kind: IDKind) -> String { configuration.idGenerator.makeID(kind) }
}

/// One shard's lock.
final class Shard: Sendable {
    let state = Mutex(ShardState())
}

/// The stores, and the identity lock of each.
struct CatalogState: Sendable {
    var stores: PersistentMap<String, Store> = [:]
    var identities: [String: StoreIdentity] = [:]
}

/// Server-wide totals.
public struct EngineCounts: Sendable, Hashable {
    /// Stores.
    public var stores: Int
    /// Live profiles (merged-away ones not counted).
    public var profiles: Int
    /// Observations of any status.
    public var observations: Int

    /// Creates counts.
    public init(stores: Int, profiles: Int, observations: Int) {
        self.stores = stores
        self.profiles = profiles
        self.observations = observations
    }
}

extension Engine {
    /// Totals for ServerInfo. Each shard is read under its own lock, one after another.
    public func counts() -> EngineCounts {
        let stores = catalog.withLock { $0.stores.count }
        var profiles = 0
        var observations = 0
        for shard in shards {
            let (p, o) = shard.state.withLock { ($0.profileCount, $0.observationCount) }
            profiles += p
            observations += o
        }
        return EngineCounts(stores: stores, profiles: profiles, observations: observations)
    }
}
