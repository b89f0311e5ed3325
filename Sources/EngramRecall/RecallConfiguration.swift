/// Every knob of Recall's ranking, in one value (`EngineConfiguration.recall`).
///
/// An item's score is a weighted mean of three parts, each in [0, 1]:
/// - lexical: its BM25 score over the query's terms, divided by the best BM25 score among
///   the items that passed the filters (so the best lexical match has 1);
/// - semantic: the cosine of its embedding with the query's, below 0 counted as 0;
/// - recency: 2^(−age / half-life), where age is measured back from the newest item that
///   passed the filters (not from the wall clock, so a quiet profile is not penalised).
///
/// score = (lexicalWeight·lexical + semanticWeight·semantic + recencyWeight·recency)
///         / (lexicalWeight + semanticWeight + recencyWeight)
///
/// A part the query cannot provide (no indexable word, no vector of the right length) is
/// left out, and the others share its weight.
///
/// The defaults are the ones the LoCoMo evaluation (`engram-eval`) chose; see docs/recall.md.
public struct RecallConfiguration: Sendable {
    /// Embeds observation contents at Observe time and queries at Recall time.
    public var embedder: any Embedder
    /// Weight of the lexical (BM25) part.
    public var lexicalWeight: Double
    /// Weight of the semantic (cosine) part.
    public var semanticWeight: Double
    /// Weight of the recency part: kept small, so recency only breaks near-ties.
    public var recencyWeight: Double
    /// Age (µs) at which the recency part halves. Default 30 days.
    public var recencyHalfLife: Int64
    /// BM25's term-frequency saturation.
    public var bm25K1: Double
    /// BM25's length normalisation (0 none, 1 full).
    public var bm25B: Double
    /// With the hashed embedder, weight the query's words by their rarity in the profile
    /// (idf, over the largest idf) when embedding it, as BM25 weights its terms, so a name
    /// every fact repeats does not decide the cosine. Stored vectors are never reweighted.
    public var reweightQuery: Bool
    /// How many of a conversation's latest communications form the query when none is given.
    public var conversationTurns: Int

    /// Creates a configuration; every default comes from the evaluation.
    public init(
        embedder: any Embedder = HashedEmbedder.standard, lexicalWeight: Double = 0.3, semanticWeight: Double = 0.7,
        recencyWeight: Double = 0.02, recencyHalfLife: Int64 = 30 * 86_400_000_000, bm25K1: Double = 1.2,
        bm25B: Double = 0.75, reweightQuery: Bool = true, conversationTurns: Int = 10
    ) {
        self.embedder = embedder
        self.lexicalWeight = lexicalWeight
        self.semanticWeight = semanticWeight
        self.recencyWeight = recencyWeight
        self.recencyHalfLife = recencyHalfLife
        self.bm25K1 = bm25K1
        self.bm25B = bm25B
        self.reweightQuery = reweightQuery
        self.conversationTurns = conversationTurns
    }

    /// Negative weights count as 0; if all are 0 the lexical part alone decides.
    package var weights: (lexical: Double, semantic: Double, recency: Double) {
        let l = max(0, lexicalWeight)
        let s = max(0, semanticWeight)
        let r = max(0, recencyWeight)
        let total = l + s + r
        guard total > 0 else { return (1, 0, 0) }
        return (l / total, s / total, r / total)
    }
}
