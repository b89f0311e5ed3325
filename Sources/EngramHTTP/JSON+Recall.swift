import EngramWire
import NIOCore

/// POST .../Recall, with the hosted product's names and Engram's additions (`sources`,
/// `includeSuperseded`, `explain`, `queryEmbedding`).
struct RecallBody {
    var query: String?
    var conversationId: String?
    var beginDate: JSONTime?
    var endDate: JSONTime?
    var observationsLimit: UInt32?
    var summariesLimit: UInt32?
    var communicationsLimit: UInt32?
    var relevanceThreshold: Double?
    var sources: [String]?
    var includeSuperseded: Bool?
    var explain: Bool?
    var queryEmbedding: [Double]?
    var rankCommunications: Bool?
    var knowledgeBaseIds: [String]?
    var knowledgeLimit: UInt32?

    /// Reads the body's bytes with `JSONReader` (Recall is the door's hottest route; Foundation's
    /// decoder cost 20–30 µs of a 300 µs call). Unknown members are skipped.
    init(json buffer: ByteBuffer) throws(APIError) {
        var body = RecallBody()
        try JSONReader.readObject(buffer) { (r: inout JSONReader, name: String) throws(APIError) in
            switch name {
            case "query": body.query = try r.string(name)
            case "conversationId": body.conversationId = try r.string(name)
            case "beginDate": body.beginDate = try r.time(name)
            case "endDate": body.endDate = try r.time(name)
            case "observationsLimit": body.observationsLimit = try r.uint32(name)
            case "summariesLimit": body.summariesLimit = try r.uint32(name)
            case "communicationsLimit": body.communicationsLimit = try r.uint32(name)
            case "relevanceThreshold": body.relevanceThreshold = try r.double(name)
            case "sources": body.sources = try r.strings(name)
            case "includeSuperseded": body.includeSuperseded = try r.bool(name)
            case "explain": body.explain = try r.bool(name)
            case "queryEmbedding": body.queryEmbedding = try r.doubles(name)
            case "rankCommunications": body.rankCommunications = try r.bool(name)
            case "knowledgeBaseIds": body.knowledgeBaseIds = try r.strings(name)
            case "knowledgeLimit": body.knowledgeLimit = try r.uint32(name)
            default: try r.skipValue()
            }
        }
        self = body
    }

    init() {}

    func wire(store: String, profile: String) throws(APIError) -> Wire.RecallRequest {
        var r = Wire.RecallRequest()
        r.storeId = store
        r.profileId = profile
        r.query = query ?? ""
        r.conversationId = conversationId ?? ""
        r.beginUs = beginDate?.us ?? 0
        r.endUs = endDate?.us ?? 0
        r.observationsLimit = observationsLimit
        r.summariesLimit = summariesLimit
        r.communicationsLimit = communicationsLimit
        // The engine checks the range (a number too large for a Float arrives as infinity).
        r.relevanceThreshold = Float(relevanceThreshold ?? 0)
        r.sources = sources ?? []
        r.includeSuperseded = includeSuperseded ?? false
        r.explain = explain ?? false
        r.queryEmbedding = try floats(queryEmbedding, "queryEmbedding")
        r.rankCommunications = rankCommunications ?? false
        r.knowledgeBaseIds = knowledgeBaseIds ?? []
        r.knowledgeLimit = knowledgeLimit
        return r
    }
}

struct RecallJSON: Encodable {
    var profileId: String
    var observations: [ObservationJSON]
    var summaries: [SummaryJSON]
    var communications: [CommunicationJSON]
    var rankedCommunications: [CommunicationJSON]
    var traits: TraitsJSON
    var knowledge: [KnowledgeChunkJSON]
    var meta: Meta

    struct Meta: Encodable {
        /// Milliseconds, as the hosted product reports it.
        var queryTime: Double
        var queryTimeUs: Int64
        var effectiveQuery: String
    }

    init(_ r: Wire.RecallResponse) {
        // With no query the lists are newest first and carry no scores.
        let ranked = !r.effectiveQuery.isEmpty
        profileId = r.profileId
        observations = r.observations.map { s in
            var o = ObservationJSON(s.observation)
            if ranked { o.score = s.score.isFinite ? s.score : 0 }
            o.explanation = ExplanationJSON(s.explanation)
            return o
        }
        summaries = r.summaries.map { s in
            var j = SummaryJSON(s.summary)
            if ranked { j.score = s.score.isFinite ? s.score : 0 }
            j.explanation = ExplanationJSON(s.explanation)
            return j
        }
        communications = r.communications.map(CommunicationJSON.init)
        rankedCommunications = r.rankedCommunications.map { s in
            var c = CommunicationJSON(s.communication ?? Wire.Communication())
            c.score = s.score.isFinite ? s.score : 0
            c.explanation = ExplanationJSON(s.explanation)
            return c
        }
        traits = r.traits.json
        knowledge = r.knowledge.map(KnowledgeChunkJSON.init)
        meta = Meta(
            queryTime: Double(r.queryTimeUs) / 1000, queryTimeUs: r.queryTimeUs, effectiveQuery: r.effectiveQuery)
    }
}

/// The `meta` of a list, as the hosted product pages: `previousToken` is always null, as pages
/// go forward only.
struct PageMeta: Encodable {
    var key: String
    var pageSize: Int
    var nextToken: String?
    var previousToken: String?

    init(key: String, pageSize: Int, nextToken: String?, previousToken: String? = nil) {
        self.key = key
        self.pageSize = pageSize
        self.nextToken = nextToken
        self.previousToken = previousToken
    }

    /// A page answered for `page`; the wire's empty token (the last page) is null.
    init(key: String, page: API.Page, next: String) {
        self.init(key: key, pageSize: page.reported, nextToken: next.isEmpty ? nil : next)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(key, forKey: .key)
        try c.encode(pageSize, forKey: .pageSize)
        try c.encode(nextToken, forKey: .nextToken)
        try c.encode(previousToken, forKey: .previousToken)
    }
    private enum Keys: String, CodingKey { case key, pageSize, nextToken, previousToken }
}

/// A chunk as search and recall answer it: the stored chunk's fields, then its score.
struct KnowledgeChunkJSON: Encodable {
    var chunk: StoredChunkJSON
    var score: Float
    var explanation: ExplanationJSON?

    init(_ s: Wire.ScoredKnowledgeChunk) {
        chunk = StoredChunkJSON(s.chunk ?? Wire.KnowledgeChunk())
        score = s.score.isFinite ? s.score : 0
        explanation = ExplanationJSON(s.explanation)
    }

    private enum CodingKeys: String, CodingKey { case score, explanation }

    func encode(to encoder: any Encoder) throws {
        try chunk.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(score, forKey: .score)
        try container.encodeIfPresent(explanation, forKey: .explanation)
    }
}
