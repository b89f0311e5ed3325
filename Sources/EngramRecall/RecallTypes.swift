// Values of Recall's public API that ranking itself needs: a time range and a score's parts.

/// A half-open time range in microseconds: `begin` inclusive, `end` exclusive; nil is open.
public struct TimeRange: Sendable, Hashable {
    /// Inclusive start; nil for open.
    public var begin: Int64?
    /// Exclusive end; nil for open.
    public var end: Int64?

    /// Creates a range.
    public init(begin: Int64? = nil, end: Int64? = nil) {
        self.begin = begin
        self.end = end
    }

    package func contains(_ time: Int64) -> Bool {
        (begin.map { time >= $0 } ?? true) && (end.map { time < $0 } ?? true)
    }
}

/// Why an item scored what it did. Each part is in [0, 1] before weighting.
public struct RecallExplanation: Sendable, Hashable {
    /// BM25, divided by the best BM25 among the items that passed the filters.
    public var lexical: Double
    /// Cosine similarity with the query embedding (0 if negative or unavailable).
    public var semantic: Double
    /// 2^(−age / half-life), age counted back from the newest candidate.
    public var recency: Double
    /// 1-based rank among the candidates with a lexical score; 0 if it had none.
    public var lexicalRank: Int
    /// 1-based rank among the candidates with a semantic score; 0 if it had none.
    public var semanticRank: Int
    /// The query's terms (stemmed, as indexed) that the item contains.
    public var matchedTerms: [String]

    /// Creates an explanation.
    public init(
        lexical: Double, semantic: Double, recency: Double, lexicalRank: Int, semanticRank: Int, matchedTerms: [String]
    ) {
        self.lexical = lexical
        self.semantic = semantic
        self.recency = recency
        self.lexicalRank = lexicalRank
        self.semanticRank = semanticRank
        self.matchedTerms = matchedTerms
    }
}
