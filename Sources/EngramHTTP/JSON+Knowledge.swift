import EngramWire

/// A knowledge base as the API answers it.
struct KnowledgeBaseJSON: Encodable {
    var id: String
    var displayName: String
    var description: String
    var status: JSONEnum<Wire.KnowledgeStatus>
    var knowledgeCount: UInt32
    var chunkCount: UInt32
    var createdAt: JSONTime?
    var updatedAt: JSONTime?

    init(_ b: Wire.KnowledgeBase?) {
        let b = b ?? Wire.KnowledgeBase()
        id = b.id
        displayName = b.displayName
        description = b.description
        status = (b.status == .unspecified ? Wire.KnowledgeStatus.ready : b.status).json
        knowledgeCount = b.knowledgeCount
        chunkCount = b.chunkCount
        createdAt = b.createdAtUs.time
        updatedAt = b.updatedAtUs.time
    }
}

struct KnowledgeBaseBody: Decodable {
    var displayName: String?
    var description: String?
}

struct KnowledgeBasesPage: Encodable {
    var knowledgeBases: [KnowledgeBaseJSON]
    var meta: PageMeta
}

/// Metadata as a JSON object of strings (`{"region": "EU"}`), sorted by key on the wire.
struct MetadataJSON: Codable {
    var pairs: [String: String]

    init(_ entries: [Wire.MetadataEntry]) {
        pairs = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    init(from decoder: any Decoder) throws {
        pairs = try decoder.singleValueContainer().decode([String: String].self)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(pairs)
    }

    var wire: [Wire.MetadataEntry] {
        pairs.keys.sorted().map { key in
            var entry = Wire.MetadataEntry()
            entry.key = key
            entry.value = pairs[key]!
            return entry
        }
    }
}

/// A document of a knowledge base.
struct KnowledgeJSON: Encodable {
    var id: String
    var knowledgeBaseId: String
    var name: String
    var description: String
    var metadata: MetadataJSON
    var sourceType: JSONEnum<Wire.KnowledgeSourceType>
    var sourceBytes: UInt64
    var status: JSONEnum<Wire.KnowledgeStatus>
    var failure: String?
    var chunkCount: UInt32
    var embeddedCount: UInt32
    var createdAt: JSONTime?
    var updatedAt: JSONTime?

    init(_ k: Wire.Knowledge?) {
        let k = k ?? Wire.Knowledge()
        id = k.id
        knowledgeBaseId = k.knowledgeBaseId
        name = k.name
        description = k.description
        metadata = MetadataJSON(k.metadata)
        sourceType = (k.sourceType == .unspecified ? Wire.KnowledgeSourceType.text : k.sourceType).json
        sourceBytes = k.sourceBytes
        status = (k.status == .unspecified ? Wire.KnowledgeStatus.ready : k.status).json
        failure = k.failure.isEmpty ? nil : k.failure
        chunkCount = k.chunkCount
        embeddedCount = k.embeddedCount
        createdAt = k.createdAtUs.time
        updatedAt = k.updatedAtUs.time
    }
}

/// A document in a request. Adding one: its source is cut into chunks by `sourceType` (TEXT
/// when left out). Changing one: what is left out (or null) is kept, `metadata: {}` empties it,
/// and a `source` is cut and embedded again.
struct KnowledgeBody: Decodable {
    var name: String?
    var description: String?
    var metadata: MetadataJSON?
    var sourceType: JSONEnum<Wire.KnowledgeSourceType>?
    var source: String?
}

struct KnowledgePage: Encodable {
    var knowledge: [KnowledgeJSON]
    var meta: PageMeta
}

/// A chunk as stored (ListChunks): a search's chunk without score.
struct StoredChunkJSON: Encodable {
    var knowledgeBaseId: String
    var knowledgeId: String
    var chunkIndex: UInt32
    var documentTitle: String
    var headingPath: [String]
    var content: String
    var startOffset: UInt32
    var endOffset: UInt32

    init(_ c: Wire.KnowledgeChunk) {
        knowledgeBaseId = c.knowledgeBaseId
        knowledgeId = c.knowledgeId
        chunkIndex = c.chunkIndex
        documentTitle = c.documentTitle
        headingPath = c.headingPath
        content = c.content
        startOffset = c.startOffset
        endOffset = c.endOffset
    }
}

struct ChunksPage: Encodable {
    var chunks: [StoredChunkJSON]
    var meta: PageMeta
}

/// A search: `{query, top, knowledgeIds}` as the hosted product takes it, plus Engram's
/// metadata filter, explain, and (searching the store) the bases to search.
struct SearchKnowledgeBody: Decodable {
    var query: String?
    var top: UInt32?
    var knowledgeIds: [String]?
    var knowledgeBaseIds: [String]?
    var metadata: MetadataJSON?
    var explain: Bool?
}

struct SearchKnowledgeJSON: Encodable {
    var chunks: [KnowledgeChunkJSON]
    var meta: SearchMeta

    struct SearchMeta: Encodable {
        var queryTime: Double
        var queryTimeUs: Int64
    }

    init(_ r: Wire.SearchKnowledgeResponse) {
        chunks = r.chunks.map(KnowledgeChunkJSON.init)
        meta = SearchMeta(queryTime: Double(r.queryTimeUs) / 1000, queryTimeUs: r.queryTimeUs)
    }
}

struct KnowledgeBaseDeletedJSON: Encodable {
    var id: String
    var deleted: DeletionJSON
}
