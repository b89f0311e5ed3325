/// Everything the engine can be tuned with. All fields have production defaults.
public struct EngineConfiguration: Sendable {
    /// How many shards hold profiles. Default: 4 × the core count.
    public var shardCount: Int
    /// How many of the most recent communications each profile keeps. Default: all of them
    /// (a store's retention setting bounds them by age instead).
    public var communicationsWindow: Int
    /// Observations at or above this similarity count as DUPLICATE (default 0.9).
    ///
    /// Similarity is the Jaccard index of the sets of word unigrams and bigrams of the two
    /// normalised texts (lower-cased, split on anything that is not a letter or digit).
    /// Identical normalised texts are always duplicates, whatever the threshold. Bigrams keep
    /// reordered sentences ("dog bites man") apart; 0.9 only tolerates a tiny edit in a long text.
    public var duplicateSimilarityThreshold: Double
    /// An extracted fact whose vector has at least this cosine with an active observation's
    /// (same embedder) is a DUPLICATE of it, besides the word-overlap test (default 0.92).
    public var semanticDuplicateThreshold: Double = 0.92
    /// How long an idempotency key is remembered (µs; default 24 hours; 0 = for ever). Keys
    /// older than this are forgotten by the minute sweep (`expireRetained`), which bounds the
    /// memory they take.
    public var idempotencyWindow: Int64 = 24 * 3_600_000_000
    /// Sizes and caps.
    public var limits: EngineLimits
    /// Where new ids come from.
    public var idGenerator: any IDGenerator
    /// The clock, in microseconds since the Unix epoch.
    public var clock: @Sendable () -> Int64
    /// Recall's embedder and ranking weights.
    public var recall: RecallConfiguration
    /// How knowledge search weighs BM25 against the embedder (which is `recall.embedder`).
    public var knowledge = KnowledgeSearchConfiguration()

    /// Creates a configuration.
    public init(
        shardCount: Int = EngineConfiguration.defaultShardCount,
        communicationsWindow: Int = .max,
        duplicateSimilarityThreshold: Double = 0.9,
        limits: EngineLimits = EngineLimits(),
        idGenerator: any IDGenerator = RandomIDGenerator(),
        clock: @escaping @Sendable () -> Int64 = EngineClock.wall,
        recall: RecallConfiguration = RecallConfiguration()
    ) {
        self.shardCount = shardCount
        self.communicationsWindow = communicationsWindow
        self.duplicateSimilarityThreshold = duplicateSimilarityThreshold
        self.limits = limits
        self.idGenerator = idGenerator
        self.clock = clock
        self.recall = recall
    }

    /// 4 × the number of cores.
    public static var defaultShardCount: Int { 4 * EngineClock.coreCount }
}

/// Published limits. The defaults are the product's; tests may lower them.
public struct EngineLimits: Sendable, Hashable {
    /// Profiles one profile may absorb by merging (hard cap, default 100).
    public var maxMergesPerProfile = 100
    /// Identifier values one profile may hold (hard cap, default 1,000).
    public var maxIdentifierValuesPerProfile = 1_000
    /// Identifiers in one ResolveIdentity call.
    public var maxIdentifiersPerCall = 100
    /// Identifier types per store, built-in ones included.
    public var maxIdentifierTypes = 50
    /// Trait groups per profile (default 50).
    public var maxTraitGroups = 50
    /// Traits per group (default 99).
    public var maxTraitsPerGroup = 99
    /// Trait updates in one call.
    public var maxTraitUpdatesPerCall = 1_000
    /// Characters in a string trait value or list element.
    public var maxTraitStringLength = 1_024
    /// Elements in a list trait value.
    public var maxTraitListCount = 100
    /// Removed traits one profile remembers, so an older write cannot bring them back; past
    /// it the oldest removal is forgotten first.
    public var maxTraitTombstones = 1_000
    /// Items (observations, summaries and communications together) in one Observe call.
    public var maxItemsPerObserve = 100
    /// Characters of an observation, summary or communication text.
    public var maxContentLength = 4_096
    /// Characters of a source.
    public var maxSourceLength = 100
    /// Conversation ids on one observation.
    public var maxConversationIDs = 10
    /// Message ids on one observation (its provenance).
    public var maxCommunicationIDs = 100
    /// Revisions kept per observation and per summary: past it the oldest are dropped, so an
    /// often-repeated fact does not grow without bound.
    public var maxRevisions = 100
    /// Messages in one AppendCommunications call.
    public var maxMessagesPerAppend = 1_000
    /// Floats in one embedding.
    public var maxEmbeddingDimension = 4_096
    /// Largest page for listings (the proto's documented 1–1000).
    public var maxPageSize = 1_000
    /// The page size of a listing that asks for 0 (the proto's documented default).
    public var defaultPageSize = 100

    /// Knowledge bases in one store.
    public var maxKnowledgeBasesPerStore = 100
    /// Documents in one knowledge base.
    public var maxKnowledgePerBase = 10_000
    /// UTF-8 bytes of one knowledge item's source (16 MiB).
    public var maxKnowledgeSourceBytes = 16 << 20
    /// Chunks one knowledge item may be cut into.
    public var maxChunksPerKnowledge = 100_000
    /// How knowledge items are cut into chunks.
    public var chunker = KnowledgeChunker()

    /// The product's limits.
    public init() {}
}

/// Knowledge search's ranking: BM25 and the embedder's cosine, mixed as Recall mixes them
/// (`RecallConfiguration`), with no recency part. The defaults come from the FeedbackQA
/// evaluation (`engram-eval --knowledge`).
public struct KnowledgeSearchConfiguration: Sendable, Hashable {
    /// How much each of the four parts counts: BM25 and the embedder's cosine, each over a
    /// chunk's whole text (title, headings and content) and over its title and headings alone.
    public typealias Weights = FieldWeights

    /// With an embedder whose vector sums its words' (hashed, static): as much BM25 as cosine.
    public var weights: Weights
    /// With a contextual embedder (a transformer such as MiniLM, `Embedder.isContextual`): its
    /// cosine carries the paraphrases BM25 cannot match, so it counts nearly six times as much.
    public var contextualWeights: Weights
    public var bm25K1: Double
    public var bm25B: Double
    /// Weight the query's words by their rarity in the knowledge base when embedding it
    /// (embedders that sum over words), as Recall does.
    public var reweightQuery: Bool

    public init(
        weights: Weights = Weights(lexical: 0.3, headingLexical: 0.2, semantic: 0.3, headingSemantic: 0.2),
        contextualWeights: Weights = Weights(lexical: 0.1, headingLexical: 0.05, semantic: 0.45, headingSemantic: 0.4),
        bm25K1: Double = 0.9, bm25B: Double = 0.4, reweightQuery: Bool = true
    ) {
        self.weights = weights
        self.contextualWeights = contextualWeights
        self.bm25K1 = bm25K1
        self.bm25B = bm25B
        self.reweightQuery = reweightQuery
    }

    /// The weights for `embedder`.
    public func weights(for embedder: any Embedder) -> Weights {
        embedder.isContextual ? contextualWeights : weights
    }
}
