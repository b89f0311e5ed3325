import EngramCore
import EngramWire

// Knowledge's messages ↔ the engine's values.

extension Wire.KnowledgeStatus {
    init(_ s: KnowledgeStatus) {
        switch s {
        case .processing: self = .processing
        case .ready: self = .ready
        case .failed: self = .failed
        }
    }
}

extension Wire.KnowledgeSourceType {
    init(_ t: KnowledgeSourceType) {
        switch t {
        case .text: self = .text
        case .markdown: self = .markdown
        case .html: self = .html
        case .csv: self = .csv
        case .tsv: self = .tsv
        }
    }

    /// The engine's type; unspecified is `defaultType`, an unknown value an error naming `field`.
    func engineType(default defaultType: KnowledgeSourceType?, field: String) throws(ServiceError)
        -> KnowledgeSourceType?
    {
        switch self {
        case .unspecified: return defaultType
        case .text: return .text
        case .markdown: return .markdown
        case .html: return .html
        case .csv: return .csv
        case .tsv: return .tsv
        default: throw ServiceError.invalid(field, "unknown source type \(rawValue)")
        }
    }
}

extension Wire.KnowledgeBase {
    init(_ b: KnowledgeBase) {
        self.init()
        id = b.id
        displayName = b.displayName
        description = b.description
        createdAtUs = b.createdAt
        updatedAtUs = b.updatedAt
        knowledgeCount = UInt32(clamping: b.knowledgeCount)
        chunkCount = UInt32(clamping: b.chunkCount)
        status = Wire.KnowledgeStatus(b.status)
    }
}

extension Wire.MetadataEntry {
    init(_ pair: MetadataPair) {
        self.init()
        key = pair.key
        value = pair.value
    }

    var pair: MetadataPair { MetadataPair(key: key, value: value) }
}

extension Wire.Knowledge {
    init(_ k: Knowledge) {
        self.init()
        id = k.id
        knowledgeBaseId = k.knowledgeBaseID
        name = k.name
        description = k.description
        metadata = k.metadata.map(Wire.MetadataEntry.init)
        sourceType = Wire.KnowledgeSourceType(k.sourceType)
        sourceBytes = UInt64(k.sourceBytes)
        status = Wire.KnowledgeStatus(k.status)
        failure = k.failure
        chunkCount = UInt32(clamping: k.chunkCount)
        embeddedCount = UInt32(clamping: k.embeddedCount)
        createdAtUs = k.createdAt
        updatedAtUs = k.updatedAt
    }
}

extension Wire.KnowledgeChunk {
    init(_ c: KnowledgeChunk, base: String) {
        self.init()
        knowledgeId = c.knowledgeID
        chunkIndex = UInt32(clamping: c.index)
        content = c.content
        documentTitle = c.documentTitle
        headingPath = c.headingPath
        startOffset = UInt32(clamping: c.start)
        endOffset = UInt32(clamping: c.end)
        knowledgeBaseId = base
    }
}

extension Wire.ScoredKnowledgeChunk {
    init(_ s: ScoredKnowledgeChunk) {
        self.init()
        chunk = Wire.KnowledgeChunk(s.chunk, base: s.knowledgeBaseID)
        score = Float(s.score)
        explanation = s.explanation.map(Wire.ScoreExplanation.init)
    }
}

extension Wire.DeletionReceipt {
    init(_ r: KnowledgeDeletionReceipt) {
        self.init()
        knowledge = UInt64(r.knowledgeErased)
        chunks = UInt64(r.chunksErased)
        logSequence = r.logPosition
        erasedAtUs = r.erasedAt
    }
}
