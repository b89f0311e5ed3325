/// What a Recall asks for, besides the profile. Every field has the product's default.
public struct RecallOptions: Sendable, Hashable {
    /// What the agent needs to know about, at most 1,024 characters. Nil or blank: none.
    public var query: String?
    /// With no query, the query is the text of this conversation's latest communications;
    /// also limits the returned communications to it.
    public var conversationID: String?
    /// On occurred_at: begin inclusive, end exclusive.
    public var occurred: TimeRange
    /// 0–100 (default 20).
    public var observationsLimit: Int
    /// 0–100 (default 5).
    public var summariesLimit: Int
    /// 0–100 (default 0).
    public var communicationsLimit: Int
    /// 0–1: ranked items scoring below it are left out (no effect without a query).
    public var relevanceThreshold: Double
    /// Only observations and summaries from these sources; empty means all.
    public var sources: [String]
    /// Also rank observations a newer one superseded.
    public var includeSuperseded: Bool
    /// Return each item's score parts, ranks and matched terms.
    public var explain: Bool
    /// The client's own query embedding; its length must be the engine embedder's dimension.
    /// Used for observations; summaries are compared with the query text's hashed embedding.
    public var queryEmbedding: [Float]?
    /// Rank the profile's messages against the query (the `communicationsLimit` best, in
    /// `rankedCommunications`) instead of listing the newest.
    public var rankCommunications: Bool
    /// Knowledge bases to search with the same effective query (the given one, or the one
    /// built from the conversation); the best `knowledgeLimit` chunks come in `knowledge`.
    public var knowledgeBaseIDs: [String] = []
    /// 0–20 (default 0: none; 5 when `knowledgeBaseIDs` is given and this is 0).
    public var knowledgeLimit: Int = 0

    /// Creates options; all defaults are the product's.
    public init(
        query: String? = nil, conversationID: String? = nil, occurred: TimeRange = TimeRange(),
        observationsLimit: Int = 20, summariesLimit: Int = 5, communicationsLimit: Int = 0,
        relevanceThreshold: Double = 0, sources: [String] = [], includeSuperseded: Bool = false, explain: Bool = false,
        queryEmbedding: [Float]? = nil, rankCommunications: Bool = false, knowledgeBaseIDs: [String] = [],
        knowledgeLimit: Int = 0
    ) {
        self.knowledgeBaseIDs = knowledgeBaseIDs
        self.knowledgeLimit = knowledgeLimit
        self.rankCommunications = rankCommunications
        self.query = query
        self.conversationID = conversationID
        self.occurred = occurred
        self.observationsLimit = observationsLimit
        self.summariesLimit = summariesLimit
        self.communicationsLimit = communicationsLimit
        self.relevanceThreshold = relevanceThreshold
        self.sources = sources
        self.includeSuperseded = includeSuperseded
        self.explain = explain
        self.queryEmbedding = queryEmbedding
    }
}

/// An observation Recall returned.
public struct RecalledObservation: Sendable, Hashable {
    /// The observation.
    public var observation: Observation
    /// In [0, 1]; nil without a query (newest-first listing).
    public var score: Double?
    /// With `explain` and a query.
    public var explanation: RecallExplanation?
}

/// A summary Recall returned.
public struct RecalledSummary: Sendable, Hashable {
    /// The summary.
    public var summary: Summary
    /// In [0, 1]; nil without a query (newest-first listing).
    public var score: Double?
    /// With `explain` and a query.
    public var explanation: RecallExplanation?
}

/// A message Recall ranked.
public struct RecalledCommunication: Sendable, Hashable {
    public var communication: Communication
    /// In [0, 1].
    public var score: Double
    /// With `explain`.
    public var explanation: RecallExplanation?
}

/// What Recall returns.
public struct RecallResult: Sendable, Hashable {
    /// The canonical profile id (the one asked for may have been merged away into it).
    public var profileID: String
    /// Best first; newest first (by occurred_at) when `isRanked` is false.
    public var observations: [RecalledObservation]
    /// Best first; newest first when `isRanked` is false.
    public var summaries: [RecalledSummary]
    /// Newest first (empty when they were ranked).
    public var communications: [Communication]
    /// With `rankCommunications` and a query: the best messages, best first.
    public var rankedCommunications: [RecalledCommunication] = []
    /// The profile's traits.
    public var traits: Traits
    /// The query that was ranked on: the given one, or the text built from the conversation;
    /// empty when there was none.
    public var effectiveQuery: String
    /// False when there was nothing to rank on: items then come newest first, unscored.
    public var isRanked: Bool
    /// How long the call took inside the engine, in microseconds.
    public var queryTimeMicros: Int64
    /// The knowledge chunks that best answer the effective query, best first.
    public var knowledge: [ScoredKnowledgeChunk] = []
}
