extension Command {
    /// Creates a knowledge base in a store.
    public struct CreateKnowledgeBase: Sendable, Hashable {
        public var storeID: String
        public var knowledgeBaseID: String
        public var displayName: String
        public var description: String
        public var at: Int64
        public init(storeID: String, knowledgeBaseID: String, displayName: String, description: String, at: Int64) {
            self.storeID = storeID
            self.knowledgeBaseID = knowledgeBaseID
            self.displayName = displayName
            self.description = description
            self.at = at
        }
    }

    /// Renames or redescribes a knowledge base (nil keeps a field).
    public struct UpdateKnowledgeBase: Sendable, Hashable {
        public var storeID: String
        public var knowledgeBaseID: String
        public var displayName: String?
        public var description: String?
        public var at: Int64
        public init(storeID: String, knowledgeBaseID: String, displayName: String?, description: String?, at: Int64) {
            self.storeID = storeID
            self.knowledgeBaseID = knowledgeBaseID
            self.displayName = displayName
            self.description = description
            self.at = at
        }
    }

    /// Erases a knowledge base, its documents and their chunks.
    public struct DeleteKnowledgeBase: Sendable, Hashable {
        public var storeID: String
        public var knowledgeBaseID: String
        public var at: Int64
        public init(storeID: String, knowledgeBaseID: String, at: Int64) {
            self.storeID = storeID
            self.knowledgeBaseID = knowledgeBaseID
            self.at = at
        }
    }

    /// A document with its chunks cut and embedded: adds it (`replaces` false) or replaces
    /// an existing one's fields and chunks (`replaces` true; its creation time stays).
    public struct PutKnowledge: Sendable, Hashable {
        public var storeID: String
        public var knowledgeBaseID: String
        public var knowledgeID: String
        public var replaces: Bool
        public var name: String
        public var description: String
        public var metadata: [MetadataPair]
        public var sourceType: KnowledgeSourceType
        public var sourceBytes: Int
        public var chunks: [NewChunk]
        /// The embedder that made the chunks' vectors (`EmbedderIdentity.description`).
        public var embedder: String
        public var at: Int64
        public init(
            storeID: String, knowledgeBaseID: String, knowledgeID: String, replaces: Bool, name: String,
            description: String, metadata: [MetadataPair], sourceType: KnowledgeSourceType, sourceBytes: Int,
            chunks: [NewChunk], embedder: String, at: Int64
        ) {
            self.storeID = storeID
            self.knowledgeBaseID = knowledgeBaseID
            self.knowledgeID = knowledgeID
            self.replaces = replaces
            self.name = name
            self.description = description
            self.metadata = metadata
            self.sourceType = sourceType
            self.sourceBytes = sourceBytes
            self.chunks = chunks
            self.embedder = embedder
            self.at = at
        }
    }

    /// One chunk of a PutKnowledge, in document order.
    public struct NewChunk: Sendable, Hashable {
        public var content: String
        public var headingPath: [String]
        public var start: Int
        public var end: Int
        /// Nil when the embedder rebuilds vectors from the text (the built-in hashed one):
        /// applying the command builds it, so the log need not carry it.
        public var embedding: [Float]?
        /// The vector of its title and headings (`KnowledgeChunk.headingText`); nil as `embedding`.
        public var headingEmbedding: [Float]?
        public init(
            content: String, headingPath: [String], start: Int, end: Int, embedding: [Float]?,
            headingEmbedding: [Float]? = nil
        ) {
            self.headingEmbedding = headingEmbedding
            self.content = content
            self.headingPath = headingPath
            self.start = start
            self.end = end
            self.embedding = embedding
        }
    }

    /// Changes a document's description or metadata (nil keeps a field); its chunks stay.
    public struct UpdateKnowledgeInfo: Sendable, Hashable {
        public var storeID: String
        public var knowledgeBaseID: String
        public var knowledgeID: String
        public var description: String?
        public var metadata: [MetadataPair]?
        public var at: Int64
        public init(
            storeID: String, knowledgeBaseID: String, knowledgeID: String, description: String?,
            metadata: [MetadataPair]?, at: Int64
        ) {
            self.storeID = storeID
            self.knowledgeBaseID = knowledgeBaseID
            self.knowledgeID = knowledgeID
            self.description = description
            self.metadata = metadata
            self.at = at
        }
    }

    /// Erases one document and its chunks.
    public struct DeleteKnowledge: Sendable, Hashable {
        public var storeID: String
        public var knowledgeBaseID: String
        public var knowledgeID: String
        public var at: Int64
        public init(storeID: String, knowledgeBaseID: String, knowledgeID: String, at: Int64) {
            self.storeID = storeID
            self.knowledgeBaseID = knowledgeBaseID
            self.knowledgeID = knowledgeID
            self.at = at
        }
    }
}
