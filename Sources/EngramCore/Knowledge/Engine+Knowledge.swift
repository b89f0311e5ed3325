import EngramRecall

/// What AddKnowledge and UpdateKnowledge take.
public struct KnowledgeInput: Sendable, Hashable {
    public var name: String
    public var description: String
    public var metadata: [MetadataPair]
    public var sourceType: KnowledgeSourceType
    public var source: String

    public init(
        name: String, description: String = "", metadata: [MetadataPair] = [], sourceType: KnowledgeSourceType,
        source: String
    ) {
        self.name = name
        self.description = description
        self.metadata = metadata
        self.sourceType = sourceType
        self.source = source
    }
}

/// What UpdateKnowledge changes; nil keeps a field. A new source is cut and embedded again;
/// a new name is embedded again with the old chunks (chunks are found under their title).
public struct KnowledgeUpdate: Sendable, Hashable {
    public var name: String?
    public var description: String?
    public var metadata: [MetadataPair]?
    public var sourceType: KnowledgeSourceType?
    public var source: String?

    public init(
        name: String? = nil, description: String? = nil, metadata: [MetadataPair]? = nil,
        sourceType: KnowledgeSourceType? = nil, source: String? = nil
    ) {
        self.name = name
        self.description = description
        self.metadata = metadata
        self.sourceType = sourceType
        self.source = source
    }
}

extension Engine {
    // MARK: Knowledge bases

    /// Creates a knowledge base: a display name of 1–128 characters, a description of at most 1,024.
    public func createKnowledgeBase(storeID: String, displayName: String, description: String = "")
        throws(EngineError) -> KnowledgeBaseResult
    {
        try requireIDs(["store_id": storeID])
        var problems = Violations()
        Self.checkText(displayName, "display_name", required: true, max: 128, into: &problems)
        Self.checkText(description, "description", required: false, max: 1_024, into: &problems)
        try problems.check()
        let command = Command.CreateKnowledgeBase(
            storeID: storeID, knowledgeBaseID: newID(.knowledgeBase), displayName: displayName,
            description: description, at: now())
        guard case .knowledgeBase(let result) = try apply(.createKnowledgeBase(command), .live) else {
            throw .unexpectedOutput
        }
        return result
    }

    public func getKnowledgeBase(storeID: String, knowledgeBaseID: String) throws(EngineError) -> KnowledgeBase {
        withStatus(try base(storeID, knowledgeBaseID).state.withLock { $0.summary })
    }

    /// The base, PROCESSING while one of its documents is being ingested.
    private func withStatus(_ base: KnowledgeBase) -> KnowledgeBase {
        var base = base
        let prefix = base.id + "/"
        let busy = knowledge.withLock {
            $0.ingesting.contains { $0.key.hasPrefix(prefix) && $0.value.status == .processing }
        }
        base.status = busy ? .processing : .ready
        return base
    }

    /// A store's knowledge bases, by id, a page at a time (the token is the last id of the previous page).
    public func listKnowledgeBases(storeID: String, pageSize: Int = 0, pageToken: String? = nil)
        throws(EngineError) -> (knowledgeBases: [KnowledgeBase], nextPageToken: String?)
    {
        try requireIDs(["store_id": storeID])
        let size = try pageSizeChecked(pageSize)
        guard catalog.withLock({ $0.stores[storeID] != nil }) else { throw .storeNotFound(storeID) }
        let boxes = knowledge.withLock { ($0.stores[storeID] ?? [:]).sorted { $0.key < $1.key } }
        let token = pageToken ?? ""
        let remaining = boxes.drop { !token.isEmpty && $0.key <= token }
        let page = remaining.prefix(size).map { withStatus($0.value.state.withLock { $0.summary }) }
        return (page, remaining.count > size ? page.last?.id : nil)
    }

    public func updateKnowledgeBase(
        storeID: String, knowledgeBaseID: String, displayName: String?, description: String?
    ) throws(EngineError) -> KnowledgeBaseResult {
        try requireIDs(["store_id": storeID, "knowledge_base_id": knowledgeBaseID])
        var problems = Violations()
        if let displayName { Self.checkText(displayName, "display_name", required: true, max: 128, into: &problems) }
        if let description { Self.checkText(description, "description", required: false, max: 1_024, into: &problems) }
        try problems.check()
        let command = Command.UpdateKnowledgeBase(
            storeID: storeID, knowledgeBaseID: knowledgeBaseID, displayName: displayName, description: description,
            at: now())
        guard case .knowledgeBase(let result) = try apply(.updateKnowledgeBase(command), .live) else {
            throw .unexpectedOutput
        }
        return result
    }

    /// Erases a knowledge base with its documents and chunks (from disk after the next snapshot).
    public func deleteKnowledgeBase(storeID: String, knowledgeBaseID: String) throws(EngineError)
        -> KnowledgeDeletionReceipt
    {
        try requireIDs(["store_id": storeID, "knowledge_base_id": knowledgeBaseID])
        let command = Command.DeleteKnowledgeBase(storeID: storeID, knowledgeBaseID: knowledgeBaseID, at: now())
        guard case .knowledgeDeleted(let receipt) = try apply(.deleteKnowledgeBase(command), .live) else {
            throw .unexpectedOutput
        }
        return receipt
    }

    // MARK: Documents

    /// Adds a document: cuts its source into chunks, embeds them (in batches, with no lock
    /// held; GetKnowledge shows it PROCESSING with its progress meanwhile) and makes it
    /// searchable in one logged write. Returns once it is READY.
    public func addKnowledge(storeID: String, knowledgeBaseID: String, _ input: KnowledgeInput) throws(EngineError)
        -> KnowledgeResult
    {
        try requireIDs(["store_id": storeID, "knowledge_base_id": knowledgeBaseID])
        var problems = Violations()
        checkKnowledge(
            name: input.name, description: input.description, metadata: input.metadata, source: input.source,
            into: &problems)
        try problems.check()
        // The base first: cutting a large source for a base that is not there is wasted work.
        let box = try base(storeID, knowledgeBaseID)
        let drafts = try chunk(input.source, input.sourceType)
        if box.state.withLock({ $0.items.count }) >= configuration.limits.maxKnowledgePerBase {
            throw EngineError.field(
                "knowledge_base_id",
                "the knowledge base holds \(configuration.limits.maxKnowledgePerBase) documents, its most",
                code: .resourceExhausted)
        }
        let id = newID(.knowledge)
        let at = now()
        let item = Knowledge(
            id: id, knowledgeBaseID: knowledgeBaseID, name: input.name, description: input.description,
            metadata: input.metadata, sourceType: input.sourceType, sourceBytes: input.source.utf8.count,
            status: .processing, chunkCount: drafts.count, embeddedCount: 0, createdAt: at, updatedAt: at)
        let chunks = try ingest(item, drafts: drafts, storeID: storeID)
        let command = Command.PutKnowledge(
            storeID: storeID, knowledgeBaseID: knowledgeBaseID, knowledgeID: id, replaces: false, name: input.name,
            description: input.description, metadata: input.metadata, sourceType: input.sourceType,
            sourceBytes: item.sourceBytes, chunks: chunks, embedder: embedderIdentity, at: now())
        return try finishIngestion(item, .putKnowledge(command))
    }

    /// Changes a document. A new source (with its type, or the old type) is cut and embedded
    /// again, as AddKnowledge does; a new name alone embeds the old chunks again under it;
    /// description and metadata alone change nothing else.
    public func updateKnowledge(
        storeID: String, knowledgeBaseID: String, knowledgeID: String, _ update: KnowledgeUpdate
    ) throws(EngineError) -> KnowledgeResult {
        try requireIDs(["store_id": storeID, "knowledge_base_id": knowledgeBaseID, "knowledge_id": knowledgeID])
        var problems = Violations()
        checkKnowledge(
            name: update.name, description: update.description, metadata: update.metadata, source: update.source,
            into: &problems)
        if update.sourceType != nil, update.source == nil { problems.add("source_type", "given without a source") }
        try problems.check()
        let box = try base(storeID, knowledgeBaseID)
        let found = box.state.withLock { state in state.items[knowledgeID].map { ($0, state.chunks[knowledgeID] ?? []) }
        }
        guard let (current, oldChunks) = found else { throw Self.knowledgeNotFound(knowledgeID) }
        let renamed = update.name.map { $0 != current.name } ?? false
        guard update.source != nil || renamed else {
            let command = Command.UpdateKnowledgeInfo(
                storeID: storeID, knowledgeBaseID: knowledgeBaseID, knowledgeID: knowledgeID,
                description: update.description, metadata: update.metadata, at: now())
            guard case .knowledge(let result) = try apply(.updateKnowledgeInfo(command), .live) else {
                throw .unexpectedOutput
            }
            return result
        }
        let type = update.sourceType ?? current.sourceType
        let drafts: [ChunkDraft] =
            if let source = update.source {
                try chunk(source, type)
            } else {
                oldChunks.map {
                    ChunkDraft(content: $0.content, headingPath: $0.headingPath, start: $0.start, end: $0.end)
                }
            }
        var item = current
        item.name = update.name ?? current.name
        item.description = update.description ?? current.description
        item.metadata = update.metadata ?? current.metadata
        item.sourceType = type
        item.sourceBytes = update.source?.utf8.count ?? current.sourceBytes
        item.status = .processing
        item.chunkCount = drafts.count
        item.embeddedCount = 0
        item.updatedAt = now()
        let chunks = try ingest(item, drafts: drafts, storeID: storeID)
        let command = Command.PutKnowledge(
            storeID: storeID, knowledgeBaseID: knowledgeBaseID, knowledgeID: knowledgeID, replaces: true,
            name: item.name, description: item.description, metadata: item.metadata, sourceType: type,
            sourceBytes: item.sourceBytes, chunks: chunks, embedder: embedderIdentity, at: now())
        return try finishIngestion(item, .putKnowledge(command))
    }

    /// A document: the stored one, or the one being ingested (PROCESSING, or FAILED with why).
    public func getKnowledge(storeID: String, knowledgeBaseID: String, knowledgeID: String) throws(EngineError)
        -> Knowledge
    {
        try requireIDs(["store_id": storeID, "knowledge_base_id": knowledgeBaseID, "knowledge_id": knowledgeID])
        let box = try base(storeID, knowledgeBaseID)
        if let pending = knowledge.withLock({ $0.ingesting[knowledgeBaseID + "/" + knowledgeID] }) {
            return pending
        }
        guard let item = box.state.withLock({ $0.items[knowledgeID] }) else {
            throw Self.knowledgeNotFound(knowledgeID)
        }
        return item
    }

    /// A knowledge base's documents (those being ingested included), by id, a page at a time.
    public func listKnowledge(storeID: String, knowledgeBaseID: String, pageSize: Int = 0, pageToken: String? = nil)
        throws(EngineError) -> (knowledge: [Knowledge], nextPageToken: String?)
    {
        try requireIDs(["store_id": storeID, "knowledge_base_id": knowledgeBaseID])
        let size = try pageSizeChecked(pageSize)
        let box = try base(storeID, knowledgeBaseID)
        var all = box.state.withLock { $0.items }
        let prefix = knowledgeBaseID + "/"
        for (key, item) in knowledge.withLock({ $0.ingesting }) where key.hasPrefix(prefix) { all[item.id] = item }
        let sorted = all.values.sorted { $0.id < $1.id }
        let token = pageToken ?? ""
        let remaining = sorted.drop { !token.isEmpty && $0.id <= token }
        let page = Array(remaining.prefix(size))
        return (page, remaining.count > size ? page.last?.id : nil)
    }

    /// A document's chunks in order, a page at a time (the token is the next chunk's index).
    public func listChunks(
        storeID: String, knowledgeBaseID: String, knowledgeID: String, pageSize: Int = 0, pageToken: String? = nil
    ) throws(EngineError) -> (chunks: [KnowledgeChunk], nextPageToken: String?) {
        try requireIDs(["store_id": storeID, "knowledge_base_id": knowledgeBaseID, "knowledge_id": knowledgeID])
        let size = try pageSizeChecked(pageSize)
        var start = 0
        if let pageToken, !pageToken.isEmpty {
            guard let n = Int(pageToken), n >= 0 else {
                throw EngineError.field("page_token", "not a token this call returned: \"\(pageToken)\"")
            }
            start = n
        }
        let box = try base(storeID, knowledgeBaseID)
        guard let chunks = box.state.withLock({ $0.items[knowledgeID] == nil ? nil : $0.chunks[knowledgeID] ?? [] })
        else { throw Self.knowledgeNotFound(knowledgeID) }
        let page = Array(chunks.dropFirst(start).prefix(size))
        let next = start + page.count
        return (page, next < chunks.count ? String(next) : nil)
    }

    public func deleteKnowledge(storeID: String, knowledgeBaseID: String, knowledgeID: String) throws(EngineError)
        -> KnowledgeDeletionReceipt
    {
        try requireIDs(["store_id": storeID, "knowledge_base_id": knowledgeBaseID, "knowledge_id": knowledgeID])
        let command = Command.DeleteKnowledge(
            storeID: storeID, knowledgeBaseID: knowledgeBaseID, knowledgeID: knowledgeID, at: now())
        guard case .knowledgeDeleted(let receipt) = try apply(.deleteKnowledge(command), .live) else {
            throw .unexpectedOutput
        }
        return receipt
    }

    // MARK: Ingestion

    /// Embedding batch size: one model call each; progress moves a batch at a time.
    static let ingestionBatch = 64

    private func chunk(_ source: String, _ type: KnowledgeSourceType) throws(EngineError) -> [ChunkDraft] {
        let drafts: [ChunkDraft]
        do throws(KnowledgeSourceError) {
            drafts = try configuration.limits.chunker.chunks(of: source, type: type)
        } catch {
            throw EngineError.field("source", "not valid \(type.rawValue): \(error.message)")
        }
        if drafts.isEmpty { throw EngineError.field("source", "holds no text to search") }
        let most = configuration.limits.maxChunksPerKnowledge
        if drafts.count > most {
            throw EngineError.field("source", "cuts into \(drafts.count) chunks; at most \(most)")
        }
        return drafts
    }

    /// Embeds the chunks of `item` in batches with no lock held, showing progress in the
    /// ingestion table; nil vectors when the embedder's are rebuilt from the text.
    private func ingest(_ item: Knowledge, drafts: [ChunkDraft], storeID: String) throws(EngineError)
        -> [Command.NewChunk]
    {
        let key = item.knowledgeBaseID + "/" + item.id
        knowledge.withLock { $0.ingesting[key] = item }
        let embedder = configuration.recall.embedder
        var chunks = drafts.map {
            Command.NewChunk(
                content: $0.content, headingPath: $0.headingPath, start: $0.start, end: $0.end, embedding: nil)
        }
        if embedder.rebuildsVectorsFromText {
            knowledge.withLock { $0.ingesting[key]?.embeddedCount = drafts.count }
            return chunks
        }
        var start = 0
        var headingVectors: [String: [Float]] = [:]
        while start < chunks.count {
            let end = min(chunks.count, start + Self.ingestionBatch)
            let texts = (start..<end).map {
                KnowledgeChunk(
                    knowledgeID: item.id, index: $0, content: chunks[$0].content, documentTitle: item.name,
                    headingPath: chunks[$0].headingPath, start: 0, end: 0
                ).indexedText
            }
            // Headings repeat across a section's chunks: each distinct one is embedded once.
            let headingTexts = (start..<end).map {
                KnowledgeChunk(
                    knowledgeID: item.id, index: $0, content: "", documentTitle: item.name,
                    headingPath: chunks[$0].headingPath, start: 0, end: 0
                ).headingText
            }
            let distinct = Array(Set(headingTexts).subtracting(headingVectors.keys))
            let vectors = embedder.embed(texts)
            let distinctVectors = embedder.embed(distinct)
            for (text, vector) in zip(distinct, distinctVectors) { headingVectors[text] = vector }
            guard vectors.count == texts.count, distinctVectors.count == distinct.count,
                (vectors + distinctVectors).allSatisfy({ $0.count == embedder.dimension })
            else {
                let reason = "the embedder (\(embedder.name)) returned unusable vectors for chunks \(start)..<\(end)"
                knowledge.withLock { $0.fail(key, reason: reason) }
                throw EngineError(code: .internal, message: reason)
            }
            for (offset, vector) in vectors.enumerated() {
                chunks[start + offset].embedding = vector
                chunks[start + offset].headingEmbedding = headingVectors[headingTexts[offset]]
            }
            start = end
            knowledge.withLock { $0.ingesting[key]?.embeddedCount = end }
        }
        return chunks
    }

    private func finishIngestion(_ item: Knowledge, _ command: Command) throws(EngineError) -> KnowledgeResult {
        let key = item.knowledgeBaseID + "/" + item.id
        do throws(EngineError) {
            guard case .knowledge(let result) = try apply(command, .live) else { throw .unexpectedOutput }
            knowledge.withLock { $0.ingesting[key] = nil }
            return result
        } catch {
            knowledge.withLock { $0.ingesting[key] = nil }
            throw error
        }
    }

    // MARK: Checks

    func base(_ storeID: String, _ baseID: String) throws(EngineError) -> KnowledgeBaseBox {
        try requireIDs(["store_id": storeID, "knowledge_base_id": baseID])
        if let box = knowledge.withLock({ $0.box(storeID, baseID) }) { return box }
        guard catalog.withLock({ $0.stores[storeID] != nil }) else { throw .storeNotFound(storeID) }
        throw Self.knowledgeBaseNotFound(baseID)
    }

    static func knowledgeBaseNotFound(_ id: String) -> EngineError {
        EngineError.field("knowledge_base_id", "no knowledge base \"\(id)\" in this store", code: .notFound)
    }

    static func knowledgeNotFound(_ id: String) -> EngineError {
        EngineError.field("knowledge_id", "no knowledge \"\(id)\" in this knowledge base", code: .notFound)
    }

    private func pageSizeChecked(_ pageSize: Int) throws(EngineError) -> Int {
        let most = configuration.limits.maxPageSize
        if pageSize < 0 || pageSize > most {
            throw EngineError.field("page_size", "must be between 0 and \(most); got \(pageSize)")
        }
        return pageSize == 0 ? configuration.limits.defaultPageSize : pageSize
    }

    static func checkText(_ text: String, _ field: String, required: Bool, max: Int, into problems: inout Violations) {
        if required, text.isBlank {
            problems.add(field, "required")
        } else if let length = text.lengthIfOver(max) {
            problems.add(field, "at most \(max) characters; got \(length)")
        }
    }

    private func checkKnowledge(
        name: String?, description: String?, metadata: [MetadataPair]?, source: String?,
        into problems: inout Violations
    ) {
        if let name { Self.checkText(name, "name", required: true, max: 256, into: &problems) }
        if let description { Self.checkText(description, "description", required: false, max: 1_024, into: &problems) }
        if let metadata {
            if metadata.count > 32 { problems.add("metadata", "at most 32 entries; got \(metadata.count)") }
            var seen = Set<String>()
            for (i, pair) in metadata.enumerated() {
                Self.checkText(pair.key, "metadata[\(i)].key", required: true, max: 64, into: &problems)
                Self.checkText(pair.value, "metadata[\(i)].value", required: false, max: 512, into: &problems)
                if !seen.insert(pair.key).inserted { problems.add("metadata[\(i)].key", "\"\(pair.key)\" given twice") }
            }
        }
        if let source {
            let most = configuration.limits.maxKnowledgeSourceBytes
            if source.utf8.count > most {
                problems.add("source", "at most \(most) bytes; got \(source.utf8.count)")
            } else if source.isBlank {
                problems.add("source", "required")
            }
        }
    }
}
