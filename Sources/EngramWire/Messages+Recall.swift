// Recall: the request, scored items and their explanations.

extension Wire {
    public struct RecallRequest: ProtoMessage {
        public static let protoMessageName = "RecallRequest"
        public var storeId: String = ""
        public var profileId: String = ""
        public var identifier: Identifier?
        public var query: String = ""
        public var conversationId: String = ""
        public var beginUs: Int64 = 0
        public var endUs: Int64 = 0
        public var observationsLimit: UInt32?
        public var summariesLimit: UInt32?
        public var communicationsLimit: UInt32?
        public var relevanceThreshold: Float = 0
        public var sources: [String] = []
        public var includeSuperseded: Bool = false
        public var explain: Bool = false
        public var queryEmbedding: [Float] = []
        public var rankCommunications: Bool = false
        public var knowledgeBaseIds: [String] = []
        public var knowledgeLimit: UInt32?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, profileId)
            w.message(3, identifier)
            w.string(4, query)
            w.string(5, conversationId)
            w.int64(6, beginUs)
            w.int64(7, endUs)
            w.uint32(8, observationsLimit)
            w.uint32(9, summariesLimit)
            w.uint32(10, communicationsLimit)
            w.float(11, relevanceThreshold)
            w.strings(12, sources)
            w.bool(13, includeSuperseded)
            w.bool(14, explain)
            w.packedFloats(15, queryEmbedding)
            w.bool(16, rankCommunications)
            w.strings(17, knowledgeBaseIds)
            w.uint32(18, knowledgeLimit)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: profileId = try r.string(t, "profile_id")
            case 3: try r.message(t, "identifier", merging: &identifier)
            case 4: query = try r.string(t, "query")
            case 5: conversationId = try r.string(t, "conversation_id")
            case 6: beginUs = try r.int64(t, "begin_us")
            case 7: endUs = try r.int64(t, "end_us")
            case 8: observationsLimit = try r.uint32(t, "observations_limit")
            case 9: summariesLimit = try r.uint32(t, "summaries_limit")
            case 10: communicationsLimit = try r.uint32(t, "communications_limit")
            case 11: relevanceThreshold = try r.float(t, "relevance_threshold")
            case 12: sources.append(try r.string(t, "sources"))
            case 13: includeSuperseded = try r.bool(t, "include_superseded")
            case 14: explain = try r.bool(t, "explain")
            case 15: try r.floats(t, "query_embedding", into: &queryEmbedding)
            case 16: rankCommunications = try r.bool(t, "rank_communications")
            case 17: knowledgeBaseIds.append(try r.string(t, "knowledge_base_ids"))
            case 18: knowledgeLimit = try r.uint32(t, "knowledge_limit")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    /// The parts of one recalled item's score.
    public struct ScoreExplanation: ProtoMessage {
        public static let protoMessageName = "ScoreExplanation"
        public var lexical: Float = 0
        public var semantic: Float = 0
        public var recency: Float = 0
        public var lexicalRank: UInt32 = 0
        public var semanticRank: UInt32 = 0
        public var matchedTerms: [String] = []
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.float(1, lexical)
            w.float(2, semantic)
            w.float(3, recency)
            w.uint32(4, lexicalRank)
            w.uint32(5, semanticRank)
            w.strings(6, matchedTerms)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: lexical = try r.float(t, "lexical")
            case 2: semantic = try r.float(t, "semantic")
            case 3: recency = try r.float(t, "recency")
            case 4: lexicalRank = try r.uint32(t, "lexical_rank")
            case 5: semanticRank = try r.uint32(t, "semantic_rank")
            case 6: matchedTerms.append(try r.string(t, "matched_terms"))
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ScoredObservation: ProtoMessage {
        public static let protoMessageName = "ScoredObservation"
        public var observation: Observation?
        public var score: Float = 0
        public var explanation: ScoreExplanation?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, observation)
            w.float(2, score)
            w.message(3, explanation)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "observation", merging: &observation)
            case 2: score = try r.float(t, "score")
            case 3: try r.message(t, "explanation", merging: &explanation)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ScoredSummary: ProtoMessage {
        public static let protoMessageName = "ScoredSummary"
        public var summary: Summary?
        public var score: Float = 0
        public var explanation: ScoreExplanation?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, summary)
            w.float(2, score)
            w.message(3, explanation)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "summary", merging: &summary)
            case 2: score = try r.float(t, "score")
            case 3: try r.message(t, "explanation", merging: &explanation)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct RecallResponse: ProtoMessage {
        public static let protoMessageName = "RecallResponse"
        public var observations: [ScoredObservation] = []
        public var summaries: [ScoredSummary] = []
        public var communications: [Communication] = []
        public var traits: [String: TraitGroup] = [:]
        public var profileId: String = ""
        public var queryTimeUs: Int64 = 0
        public var effectiveQuery: String = ""
        public var rankedCommunications: [ScoredCommunication] = []
        public var knowledge: [ScoredKnowledgeChunk] = []
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.messages(1, observations)
            w.messages(2, summaries)
            w.messages(3, communications)
            w.map(4, traits)
            w.string(5, profileId)
            w.int64(6, queryTimeUs)
            w.string(7, effectiveQuery)
            w.messages(8, rankedCommunications)
            w.messages(9, knowledge)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "observations", appendingTo: &observations)
            case 2: try r.message(t, "summaries", appendingTo: &summaries)
            case 3: try r.message(t, "communications", appendingTo: &communications)
            case 4: try r.mapEntry(t, "traits", into: &traits)
            case 5: profileId = try r.string(t, "profile_id")
            case 6: queryTimeUs = try r.int64(t, "query_time_us")
            case 7: effectiveQuery = try r.string(t, "effective_query")
            case 8: try r.message(t, "ranked_communications", appendingTo: &rankedCommunications)
            case 9: try r.message(t, "knowledge", appendingTo: &knowledge)
            default: return false
            }
            return true
        }
    }
}
