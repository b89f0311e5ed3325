#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A query, analysed once and run against both corpora.
package struct RecallQueryPlan {
    /// Distinct query term hashes, in query order.
    package var terms: [UInt64]
    /// Term hash → the term as written in `explain` output.
    package var termNames: [UInt64: String]
    /// Unit-length query vector for observations, if any.
    package var observationVector: [Float]?
    /// Unit-length hashed query vector for summaries, if any.
    package var summaryVector: [Float]?
    /// The query as a sum over its words, when the query vector is to be made per corpus,
    /// its words weighted by their rarity there (it overrides the vector).
    package var reweighting: (any TermWeightedQuery)?

    package init(text: String, observationVector: [Float]?, summaryVector: [Float]?) {
        var terms: [UInt64] = []
        var names: [UInt64: String] = [:]
        for term in Tokenizer.terms(text) {
            let hash = term.stableHash
            if names[hash] == nil {
                names[hash] = term
                terms.append(hash)
            }
        }
        self.terms = terms
        self.termNames = names
        self.observationVector = observationVector.flatMap(Self.unit)
        self.summaryVector = summaryVector.flatMap(Self.unit)
    }

    /// The vector at length 1, or nil if it is all zeros (a query of stop words only).
    private static func unit(_ vector: [Float]) -> [Float]? {
        var v = vector
        normalize(&v)
        return v.contains { $0 != 0 } ? v : nil
    }
}

/// Which documents a query may return.
package struct RecallFilter {
    package var occurred: TimeRange
    package var sources: Set<String>
    package var includeInactive: Bool

    package init(occurred: TimeRange, sources: Set<String>, includeInactive: Bool) {
        self.occurred = occurred
        self.sources = sources
        self.includeInactive = includeInactive
    }

    /// Whether the document in `block` at row `r` passes. The source is only read when the
    /// filter names sources: reading it costs a string copy, and this runs for every document.
    @inline(__always)
    package func admits(_ block: RecallBlock, _ r: Int) -> Bool {
        let flags = block.flags[r]
        return flags & RecallBlock.occupied != 0
            && (includeInactive || flags & RecallBlock.active != 0)
            && occurred.contains(block.occurredAt[r])
            && (sources.isEmpty || sources.contains(block.sources[r]))
    }
}

/// One ranked document.
package struct RankedDocument {
    package var id: String
    package var occurredAt: Int64
    package var score: Double
    package var explanation: RecallExplanation?
}

/// The best `limit` of a stream of (key, time, slot), kept sorted best first: higher key, then
/// newer, then smaller id. Ids are looked at only on exact ties, so the hot path moves no strings.
struct TopList {
    package let limit: Int
    package var items: [(key: Double, time: Int64, slot: Int32)] = []

    package init(limit: Int) {
        self.limit = limit
        items.reserveCapacity(limit + 1)
    }

    package mutating func offer(_ key: Double, _ time: Int64, _ slot: Int32, id: (Int32) -> String) {
        func before(_ a: (key: Double, time: Int64, slot: Int32), _ b: (key: Double, time: Int64, slot: Int32)) -> Bool
        {
            if a.key != b.key { return a.key > b.key }
            if a.time != b.time { return a.time > b.time }
            return id(a.slot) < id(b.slot)
        }
        let item = (key: key, time: time, slot: slot)
        if items.count == limit, let last = items.last, !before(item, last) { return }
        var low = 0
        var high = items.count
        while low < high {
            let mid = (low + high) / 2
            if before(items[mid], item) { low = mid + 1 } else { high = mid }
        }
        items.insert(item, at: low)
        if items.count > limit { items.removeLast() }
    }
}

extension RecallCorpus {
    /// The best `limit` documents that pass `filter` and score at least `threshold`, best
    /// first (ties: newer, then smaller id). Work is linear in this corpus's size.
    package func rank(
        _ plan: RecallQueryPlan, vector: [Float]?, filter: RecallFilter, limit: Int, threshold: Double,
        configuration: RecallConfiguration, explain: Bool
    ) -> [RankedDocument] {
        guard limit > 0, count > 0 else { return [] }
        // Pass 1: the candidates and their times, and the newest time (recency's reference).
        var candidates: [Int32] = []
        var times: [Int64] = []
        candidates.reserveCapacity(count)
        times.reserveCapacity(count)
        var newest = Int64.min
        for b in blocks.indices {
            // Indexing the array in place: binding each block to a local copies its eight arrays' references.
            for r in 0..<RecallBlock.size where filter.admits(blocks[b], r) {
                let time = blocks[b].occurredAt[r]
                candidates.append(Int32(b * RecallBlock.size + r))
                times.append(time)
                newest = max(newest, time)
            }
        }
        guard !candidates.isEmpty else { return [] }

        let capacity = slotCapacity
        var lexical = [Float](repeating: 0, count: capacity)
        addBM25(
            terms: plan.terms.map { (term: $0, weight: Float(1)) }, k1: configuration.bm25K1, b: configuration.bm25B,
            into: &lexical)
        var semantic = [Float](repeating: 0, count: capacity)
        var vector = vector.flatMap { $0.count == dimension ? $0 : nil }
        if let features = plan.reweighting, features.dimension == dimension {
            let weighted = features.vector(termScale: { self.rarity(of: $0) })
            if weighted.contains(where: { $0 != 0 }) { vector = weighted }
        }
        if let vector { cosines(vector, into: &semantic) }

        // A part the query cannot provide (no indexable term, no vector) gives its weight away.
        var (wl, ws, wr) = configuration.weights
        if plan.terms.isEmpty { wl = 0 }
        if vector == nil { ws = 0 }
        let total = wl + ws + wr
        if total > 0 { (wl, ws, wr) = (wl / total, ws / total, wr / total) }
        let halfLife = Double(max(1, configuration.recencyHalfLife))
        // Divided (not multiplied by a reciprocal) so the best lexical match gets exactly 1.
        var bestLexical: Float = 0
        for slot in candidates { bestLexical = max(bestLexical, lexical[Int(slot)]) }
        let lexicalScale = bestLexical > 0 ? bestLexical : Float.infinity

        // Pass 2: score, and keep the best `limit`.
        var top = TopList(limit: limit)
        let id = { (slot: Int32) in self.id(slot) }
        lexical.withUnsafeBufferPointer { lexical in
            semantic.withUnsafeBufferPointer { semantic in
                for i in 0..<candidates.count {
                    let slot = Int(candidates[i])
                    let l = Double(lexical[slot] / lexicalScale)
                    let s = Double(max(0, min(1, semantic[slot])))
                    let base = wl * l + ws * s
                    // Recency adds at most wr: skip its exp2 when even that cannot get in.
                    if base + wr < threshold { continue }
                    if top.items.count == limit, let last = top.items.last, base + wr < last.key { continue }
                    let recency = wr > 0 ? Self.recency(age: newest - times[i], halfLife: halfLife) : 0
                    let score = min(1, max(0, base + wr * recency))
                    if score >= threshold { top.offer(score, times[i], candidates[i], id: id) }
                }
            }
        }

        // For explain: the candidates' part scores, to rank the returned items in each list.
        var lexicalScores: [Float] = []
        var semanticScores: [Float] = []
        if explain {
            lexicalScores = candidates.map { lexical[Int($0)] }
            semanticScores = candidates.map { semantic[Int($0)] }
        }
        return top.items.map { item in
            let slot = Int(item.slot)
            var explanation: RecallExplanation?
            if explain {
                let matched = plan.terms.filter { contains(term: $0, slot: slot) }.compactMap { plan.termNames[$0] }
                explanation = RecallExplanation(
                    lexical: Double(lexical[slot] / lexicalScale), semantic: Double(max(0, min(1, semantic[slot]))),
                    recency: Self.recency(age: newest - item.time, halfLife: halfLife),
                    lexicalRank: Self.rank(of: lexical[slot], among: lexicalScores),
                    semanticRank: Self.rank(of: semantic[slot], among: semanticScores), matchedTerms: matched)
            }
            return RankedDocument(id: id(item.slot), occurredAt: item.time, score: item.key, explanation: explanation)
        }
    }

    /// Every document passing `filter`, newest first (ties: smaller id first), at most `limit`.
    package func newest(filter: RecallFilter, limit: Int) -> [RankedDocument] {
        guard limit > 0 else { return [] }
        var top = TopList(limit: limit)
        let id = { (slot: Int32) in self.id(slot) }
        // Newest slots tend to be the last ones filled: visiting them first lets most older
        // documents be turned away at once instead of shifting the list.
        for b in blocks.indices.reversed() {
            let block = blocks[b]
            for r in (0..<RecallBlock.size).reversed() where filter.admits(block, r) {
                top.offer(0, block.occurredAt[r], Int32(b * RecallBlock.size + r), id: id)
            }
        }
        return top.items.map { RankedDocument(id: id($0.slot), occurredAt: $0.time, score: 0, explanation: nil) }
    }

    /// A term's idf over the largest possible idf here: 1 for a term no document holds.
    package func rarity(of term: UInt64) -> Float {
        let most = Float(log(1 + (Double(max(activeCount, 1)) + 0.5) / 0.5))
        guard let list = postings[term], most > 0 else { return 1 }
        return inverseFrequency(of: list) / most
    }

    package func id(_ slot: Int32) -> String {
        let (b, r) = Self.locate(slot)
        return blocks[b].ids[r]
    }

    private static func recency(age: Int64, halfLife: Double) -> Double {
        exp2(-Double(max(0, age)) / halfLife)
    }

    /// 1 + how many of `scores` beat `score` (ties share a rank); 0 if it has none. A
    /// counting pass, not a sort: a few returned items against all candidates.
    package static func rank(of score: Float, among scores: [Float]) -> Int {
        guard score > 0 else { return 0 }
        var better = 0
        for other in scores where other > score { better += 1 }
        return better + 1
    }
}
