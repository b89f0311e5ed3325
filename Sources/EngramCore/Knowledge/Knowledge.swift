/// A searchable collection of a business's documents (FAQs, policies, product docs), in a store.
public struct KnowledgeBase: Sendable, Hashable {
    public var id: String
    /// 1–128 characters.
    public var displayName: String
    /// At most 1,024 characters.
    public var description: String
    public var createdAt: Int64
    /// When its name, description or any of its documents last changed.
    public var updatedAt: Int64
    /// Documents in it.
    public var knowledgeCount: Int
    /// Chunks of its documents.
    public var chunkCount: Int
    /// PROCESSING while a document is being added or updated, else READY.
    public var status: KnowledgeStatus = .ready

    public init(
        id: String, displayName: String, description: String, createdAt: Int64, updatedAt: Int64,
        knowledgeCount: Int = 0, chunkCount: Int = 0
    ) {
        self.id = id
        self.displayName = displayName
        self.description = description
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.knowledgeCount = knowledgeCount
        self.chunkCount = chunkCount
    }
}

/// Where a knowledge item stands.
public enum KnowledgeStatus: String, Sendable, Hashable, CaseIterable {
    /// Being chunked and embedded (the add or update call is still running); not searched yet.
    case processing = "PROCESSING"
    /// Searchable.
    case ready = "READY"
    /// Ingestion stopped (the call was cancelled or the embedder failed); `failure` says why.
    case failed = "FAILED"
}

/// One document of a knowledge base.
public struct Knowledge: Sendable, Hashable {
    public var id: String
    public var knowledgeBaseID: String
    /// 1–256 characters; the title its chunks are found under.
    public var name: String
    /// At most 1,024 characters.
    public var description: String
    /// Up to 32 pairs, keys unique; search can filter on them.
    public var metadata: [MetadataPair]
    public var sourceType: KnowledgeSourceType
    /// The source's size in UTF-8 bytes.
    public var sourceBytes: Int
    public var status: KnowledgeStatus
    /// Why it failed; empty otherwise.
    public var failure: String
    public var chunkCount: Int
    /// Chunks embedded so far (= chunkCount when ready): the progress of an ingestion.
    public var embeddedCount: Int
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(
        id: String, knowledgeBaseID: String, name: String, description: String, metadata: [MetadataPair],
        sourceType: KnowledgeSourceType, sourceBytes: Int, status: KnowledgeStatus, failure: String = "",
        chunkCount: Int, embeddedCount: Int, createdAt: Int64, updatedAt: Int64
    ) {
        self.id = id
        self.knowledgeBaseID = knowledgeBaseID
        self.name = name
        self.description = description
        self.metadata = metadata
        self.sourceType = sourceType
        self.sourceBytes = sourceBytes
        self.status = status
        self.failure = failure
        self.chunkCount = chunkCount
        self.embeddedCount = embeddedCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A metadata entry of a knowledge item.
public struct MetadataPair: Sendable, Hashable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// One chunk of a knowledge item, as stored.
public struct KnowledgeChunk: Sendable, Hashable {
    public var knowledgeID: String
    /// Its place in the document, from 0.
    public var index: Int
    public var content: String
    /// The document's name, as when the chunk was made.
    public var documentTitle: String
    public var headingPath: [String]
    /// Source offsets in Unicode scalars, end excluded.
    public var start: Int
    public var end: Int

    public init(
        knowledgeID: String, index: Int, content: String, documentTitle: String, headingPath: [String], start: Int,
        end: Int
    ) {
        self.knowledgeID = knowledgeID
        self.index = index
        self.content = content
        self.documentTitle = documentTitle
        self.headingPath = headingPath
        self.start = start
        self.end = end
    }

    /// What search indexes: the title and headings with the text, so a chunk is found by
    /// the section it sits in ("Symptoms" under "COVID-19") as well as by its words.
    public var indexedText: String {
        var parts = [documentTitle]
        parts.append(contentsOf: headingPath)
        parts.append(content)
        return parts.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    /// What the headings field indexes: the title and the headings above the chunk. FAQ
    /// pages put the question in the heading, and people ask it in their own words.
    public var headingText: String {
        ([documentTitle] + headingPath).filter { !$0.isEmpty }.joined(separator: "\n")
    }

    /// The id the index keeps it under.
    var key: String { "\(knowledgeID)#\(index)" }
}

/// A chunk found by a search, with its score in [0, 1].
public struct ScoredKnowledgeChunk: Sendable, Hashable {
    public var chunk: KnowledgeChunk
    public var knowledgeBaseID: String
    public var score: Double
    /// The score's parts, when asked for.
    public var explanation: RecallExplanation?

    public init(chunk: KnowledgeChunk, knowledgeBaseID: String, score: Double, explanation: RecallExplanation?) {
        self.chunk = chunk
        self.knowledgeBaseID = knowledgeBaseID
        self.score = score
        self.explanation = explanation
    }
}
