// Applying the knowledge commands. Locks: the catalog (only to see that the store exists,
// when a base is created), then the knowledge catalog, then one base's box.

extension Engine {
    func applyCreateKnowledgeBase(_ c: Command.CreateKnowledgeBase, _ mode: ApplyMode) throws(EngineError)
        -> KnowledgeBaseResult
    {
        try catalog.withLock { (catalog: inout CatalogState) throws(EngineError) -> KnowledgeBaseResult in
            guard catalog.stores[c.storeID] != nil else { throw .storeNotFound(c.storeID) }
            return try knowledge.withLock {
                (books: inout KnowledgeCatalog) throws(EngineError) -> KnowledgeBaseResult in
                var bases = books.stores[c.storeID] ?? [:]
                if bases[c.knowledgeBaseID] != nil {
                    throw EngineError.field(
                        "knowledge_base_id", "a knowledge base \"\(c.knowledgeBaseID)\" already exists",
                        code: .alreadyExists)
                }
                let most = configuration.limits.maxKnowledgeBasesPerStore
                if bases.count >= most {
                    throw EngineError.field(
                        "store_id", "the store holds \(most) knowledge bases, its most", code: .resourceExhausted)
                }
                let base = KnowledgeBase(
                    id: c.knowledgeBaseID, displayName: c.displayName, description: c.description, createdAt: c.at,
                    updatedAt: c.at)
                bases[c.knowledgeBaseID] = KnowledgeBaseBox(KnowledgeBaseState(base: base))
                books.stores[c.storeID] = bases
                return KnowledgeBaseResult(knowledgeBase: base, logPosition: record(.createKnowledgeBase(c), mode))
            }
        }
    }

    /// Runs `body` on a live base's state under its lock.
    private func withBase<R: Sendable>(
        _ storeID: String, _ baseID: String, _ body: (inout KnowledgeBaseState) throws(EngineError) -> R
    ) throws(EngineError) -> R {
        let box = try base(storeID, baseID)
        return try box.state.withLock { (state: inout KnowledgeBaseState) throws(EngineError) -> R in
            if state.deleted { throw Self.knowledgeBaseNotFound(baseID) }
            return try body(&state)
        }
    }

    func applyUpdateKnowledgeBase(_ c: Command.UpdateKnowledgeBase, _ mode: ApplyMode) throws(EngineError)
        -> KnowledgeBaseResult
    {
        try withBase(c.storeID, c.knowledgeBaseID) { (state: inout KnowledgeBaseState) throws(EngineError) in
            state.base.displayName = c.displayName ?? state.base.displayName
            state.base.description = c.description ?? state.base.description
            state.base.updatedAt = c.at
            return KnowledgeBaseResult(knowledgeBase: state.summary, logPosition: record(.updateKnowledgeBase(c), mode))
        }
    }

    func applyDeleteKnowledgeBase(_ c: Command.DeleteKnowledgeBase, _ mode: ApplyMode) throws(EngineError)
        -> KnowledgeDeletionReceipt
    {
        let receipt = knowledge.withLock { (books: inout KnowledgeCatalog) -> KnowledgeDeletionReceipt? in
            guard let box = books.box(c.storeID, c.knowledgeBaseID) else { return nil }
            books.stores[c.storeID]?[c.knowledgeBaseID] = nil
            let prefix = c.knowledgeBaseID + "/"
            for key in books.ingesting.keys where key.hasPrefix(prefix) { books.ingesting[key] = nil }
            return box.state.withLock { state in
                let receipt = KnowledgeDeletionReceipt(
                    id: c.knowledgeBaseID, knowledgeErased: state.items.count, chunksErased: state.chunkCount,
                    logPosition: record(.deleteKnowledgeBase(c), mode), erasedAt: c.at)
                state = KnowledgeBaseState(base: state.base)
                state.deleted = true
                return receipt
            }
        }
        guard let receipt else {
            guard catalog.withLock({ $0.stores[c.storeID] != nil }) else { throw .storeNotFound(c.storeID) }
            throw Self.knowledgeBaseNotFound(c.knowledgeBaseID)
        }
        return receipt
    }

    /// Erases a deleted store's knowledge; called under the catalog lock by DeleteStore.
    func eraseKnowledge(ofStore storeID: String) {
        knowledge.withLock { books in
            for box in (books.stores.removeValue(forKey: storeID) ?? [:]).values {
                let prefix = box.state.withLock { state in
                    let id = state.base.id
                    state = KnowledgeBaseState(base: state.base)
                    state.deleted = true
                    return id + "/"
                }
                for key in books.ingesting.keys where key.hasPrefix(prefix) { books.ingesting[key] = nil }
            }
        }
    }

    func applyPutKnowledge(_ c: Command.PutKnowledge, _ mode: ApplyMode) throws(EngineError) -> KnowledgeResult {
        try withBase(c.storeID, c.knowledgeBaseID) { (state: inout KnowledgeBaseState) throws(EngineError) in
            let old = state.items[c.knowledgeID]
            if c.replaces, old == nil { throw Self.knowledgeNotFound(c.knowledgeID) }
            if !c.replaces, old != nil {
                throw EngineError.field(
                    "knowledge_id", "a knowledge \"\(c.knowledgeID)\" already exists", code: .alreadyExists)
            }
            if !c.replaces, state.items.count >= configuration.limits.maxKnowledgePerBase {
                throw EngineError.field(
                    "knowledge_base_id",
                    "the knowledge base holds \(configuration.limits.maxKnowledgePerBase) documents, its most",
                    code: .resourceExhausted)
            }
            let item = Knowledge(
                id: c.knowledgeID, knowledgeBaseID: c.knowledgeBaseID, name: c.name, description: c.description,
                metadata: c.metadata, sourceType: c.sourceType, sourceBytes: c.sourceBytes, status: .ready,
                chunkCount: c.chunks.count, embeddedCount: c.chunks.count, createdAt: old?.createdAt ?? c.at,
                updatedAt: c.at)
            let chunks = c.chunks.enumerated().map { index, chunk in
                KnowledgeChunk(
                    knowledgeID: c.knowledgeID, index: index, content: chunk.content, documentTitle: c.name,
                    headingPath: chunk.headingPath, start: chunk.start, end: chunk.end)
            }
            state.removeChunks(of: c.knowledgeID)
            state.insert(
                chunks, vectors: c.chunks.map(\.embedding), headingVectors: c.chunks.map(\.headingEmbedding),
                embedder: c.embedder)
            state.items[c.knowledgeID] = item
            state.base.updatedAt = c.at
            return KnowledgeResult(knowledge: item, logPosition: record(.putKnowledge(c), mode))
        }
    }

    func applyUpdateKnowledgeInfo(_ c: Command.UpdateKnowledgeInfo, _ mode: ApplyMode) throws(EngineError)
        -> KnowledgeResult
    {
        try withBase(c.storeID, c.knowledgeBaseID) { (state: inout KnowledgeBaseState) throws(EngineError) in
            guard var item = state.items[c.knowledgeID] else { throw Self.knowledgeNotFound(c.knowledgeID) }
            item.description = c.description ?? item.description
            item.metadata = c.metadata ?? item.metadata
            item.updatedAt = c.at
            state.items[c.knowledgeID] = item
            state.base.updatedAt = c.at
            return KnowledgeResult(knowledge: item, logPosition: record(.updateKnowledgeInfo(c), mode))
        }
    }

    func applyDeleteKnowledge(_ c: Command.DeleteKnowledge, _ mode: ApplyMode) throws(EngineError)
        -> KnowledgeDeletionReceipt
    {
        try withBase(c.storeID, c.knowledgeBaseID) { (state: inout KnowledgeBaseState) throws(EngineError) in
            guard state.items.removeValue(forKey: c.knowledgeID) != nil else {
                throw Self.knowledgeNotFound(c.knowledgeID)
            }
            let chunks = state.chunks[c.knowledgeID]?.count ?? 0
            state.removeChunks(of: c.knowledgeID)
            state.base.updatedAt = c.at
            return KnowledgeDeletionReceipt(
                id: c.knowledgeID, knowledgeErased: 1, chunksErased: chunks,
                logPosition: record(.deleteKnowledge(c), mode), erasedAt: c.at)
        }
    }
}
