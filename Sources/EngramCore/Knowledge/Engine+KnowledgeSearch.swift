import EngramRecall

/// What SearchKnowledge asks.
public struct KnowledgeQuery: Sendable, Hashable {
    /// 1–2,048 characters.
    public var query: String
    /// How many chunks, 1–20.
    public var top: Int
    /// The bases to search; empty searches every base of the store.
    public var knowledgeBaseIDs: [String]
    /// Only these documents, when given.
    public var knowledgeIDs: [String]
    /// Only documents holding every one of these pairs.
    public var metadata: [MetadataPair]
    /// Add each chunk's score parts.
    public var explain: Bool

    public init(
        query: String, top: Int = 5, knowledgeBaseIDs: [String] = [], knowledgeIDs: [String] = [],
        metadata: [MetadataPair] = [], explain: Bool = false
    ) {
        self.query = query
        self.top = top
        self.knowledgeBaseIDs = knowledgeBaseIDs
        self.knowledgeIDs = knowledgeIDs
        self.metadata = metadata
        self.explain = explain
    }
}

/// What SearchKnowledge answers.
public struct KnowledgeSearchResult: Sendable, Hashable {
    /// Best first.
    public var chunks: [ScoredKnowledgeChunk]
    /// Time spent in the engine, µs.
    public var queryTimeMicros: Int64
}

extension Engine {
    /// The chunks that best answer a query, best first, scored in [0, 1] by BM25 and the
    /// embedder's cosine (`EngineConfiguration.knowledge`). Each base is ranked on its own
    /// statistics from a copy taken in O(1), with no lock held.
    public func searchKnowledge(storeID: String, _ query: KnowledgeQuery) throws(EngineError) -> KnowledgeSearchResult {
        let started = Self.monotonicMicros()
        try requireIDs(["store_id": storeID])
        var problems = Violations()
        if query.query.isBlank {
            problems.add("query", "required")
        } else if let length = query.query.lengthIfOver(2_048) {
            problems.add("query", "at most 2,048 characters; got \(length)")
        }
        if !(1...20).contains(query.top) { problems.add("top", "must be between 1 and 20; got \(query.top)") }
        for (i, id) in query.knowledgeBaseIDs.enumerated() where id.isEmpty {
            problems.add("knowledge_base_ids[\(i)]", "must not be empty")
        }
        for (i, pair) in query.metadata.enumerated() where pair.key.isEmpty {
            problems.add("metadata[\(i)].key", "required")
        }
        try problems.check()
        let boxes = try knowledgeBases(storeID, query.knowledgeBaseIDs, field: "knowledge_base_ids")
        let chunks = search(
            boxes, text: query.query, limit: query.top, knowledgeIDs: Set(query.knowledgeIDs), metadata: query.metadata,
            explain: query.explain)
        return KnowledgeSearchResult(chunks: chunks, queryTimeMicros: max(0, Self.monotonicMicros() - started))
    }

    /// The boxes of the named bases (all of the store's when none is named), in id order.
    func knowledgeBases(_ storeID: String, _ ids: [String], field: String) throws(EngineError) -> [KnowledgeBaseBox] {
        let all = knowledge.withLock { $0.stores[storeID] }
        guard let all else {
            guard catalog.withLock({ $0.stores[storeID] != nil }) else { throw .storeNotFound(storeID) }
            if let first = ids.first {
                throw EngineError.field(field, "no knowledge base \"\(first)\" in this store", code: .notFound)
            }
            return []
        }
        if ids.isEmpty { return all.sorted { $0.key < $1.key }.map(\.value) }
        var boxes: [KnowledgeBaseBox] = []
        var seen = Set<String>()
        for (i, id) in ids.enumerated() where seen.insert(id).inserted {
            guard let box = all[id] else {
                throw EngineError.field("\(field)[\(i)]", "no knowledge base \"\(id)\" in this store", code: .notFound)
            }
            boxes.append(box)
        }
        return boxes
    }

    /// Ranks each base's chunks for `text` and keeps the best `limit` over all of them.
    func search(
        _ boxes: [KnowledgeBaseBox], text: String, limit: Int, knowledgeIDs: Set<String> = [],
        metadata: [MetadataPair] = [], explain: Bool
    ) -> [ScoredKnowledgeChunk] {
        guard limit > 0, !text.isBlank else { return [] }
        let settings = configuration.knowledge
        let embedder = configuration.recall.embedder
        let weights = settings.weights(for: embedder)
        // The query's vector, made once for all bases (with reweighting, each base weights
        // the words itself), and only if some base holds this embedder's vectors.
        let states = boxes.map { box in box.state.withLock { $0 } }
        let usable = states.contains { $0.corpus.vectorCount > 0 && $0.corpus.space == embedderIdentity }
        var weighted: (any TermWeightedQuery)?
        var vector: [Float]?
        if usable {
            if settings.reweightQuery, let query = embedder.termWeightedQuery(text) {
                weighted = query
            } else {
                vector = embedder.embedQuery(text)
            }
        }
        var found: [ScoredKnowledgeChunk] = []
        for state in states where state.corpus.count > 0 {
            var admitted = Set<String>()
            if !knowledgeIDs.isEmpty || !metadata.isEmpty {
                for item in state.items.values
                where (knowledgeIDs.isEmpty || knowledgeIDs.contains(item.id))
                    && metadata.allSatisfy({ item.metadata.contains($0) })
                {
                    admitted.insert(item.id)
                }
                if admitted.isEmpty { continue }
            }
            let sameSpace = state.corpus.space == embedderIdentity
            var plan = RecallQueryPlan(text: text, observationVector: sameSpace ? vector : nil, summaryVector: nil)
            plan.reweighting = sameSpace ? weighted : nil
            let filter = RecallFilter(occurred: TimeRange(), sources: admitted, includeInactive: false)
            let ranked = RecallCorpus.rankFields(
                body: state.corpus, headings: state.headings, plan: plan, vector: plan.observationVector,
                filter: filter, limit: limit, weights: weights, k1: settings.bm25K1, b: settings.bm25B, explain: explain
            )
            for document in ranked {
                guard let hash = document.id.lastIndex(of: "#"),
                    let index = Int(document.id[document.id.index(after: hash)...])
                else { continue }
                let knowledgeID = String(document.id[..<hash])
                guard let chunks = state.chunks[knowledgeID], index < chunks.count else { continue }
                found.append(
                    ScoredKnowledgeChunk(
                        chunk: chunks[index], knowledgeBaseID: state.base.id, score: document.score,
                        explanation: document.explanation))
            }
        }
        found.sort {
            ($0.score, $1.chunk.knowledgeID, $1.chunk.index) > ($1.score, $0.chunk.knowledgeID, $0.chunk.index)
        }
        return Array(found.prefix(limit))
    }
}
