#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A query, analysed once and run against both corpora.
struct RecallQueryPlan {
    /// Distinct query term hashes, in query order.
    var terms: [UInt64]
    /// Term hash → the term as written in `explain` output.
    var termNames: [UInt64: String]
    /// Unit-length query vector for observations, if any.
    var observationVector: [Float]?
    /// Unit-length hashed query vector for summaries, if any.
    var summaryVector: [Float]?
    /// The query text and the hashed embedder that made the vectors, when it was one: then
    /// each corpus re-embeds the query with its words weighted by their rarity there.
    var reweighting: (text: String, embedder: HashedEmbedder)?

    init(text: String, observationVector: [Float]?, summaryVector: [Float]?) {
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
struct RecallFilter {
    var occurred: TimeRange
    var sources: Set<String>
    var includeInactive: Bool

    func admits(occurredAt: Int64, source: String, flags: UInt8) -> Bool {
        flags & RecallBlock.occupied != 0
            && (includeInactive || flags & RecallBlock.active != 0)
            && occurred.contains(occurredAt)
            && (sources.isEmpty || sources.contains(source))
    }
}

/// One ranked document.
struct RankedDocument {
    var id: String
    var occurredAt: Int64
    var score: Double
    var explanation: RecallExplanation?
}

extension RecallCorpus {
    /// The best `limit` documents that pass `filter` and score at least `threshold`, best
    /// first (ties: newer, then smaller id). Work is linear in this corpus's size.
    func rank(
        _ plan: RecallQueryPlan, vector: [Float]?, filter: RecallFilter, limit: Int, threshold: Double,
        configuration: RecallConfiguration, explain: Bool
    ) -> [RankedDocument] {
        guard limit > 0, count > 0 else { return [] }
        let capacity = slotCapacity
        var lexical = [Float](repeating: 0, count: capacity)
        addBM25(terms: plan.terms.map { (term: $0, weight: Float(1)) }, k1: configuration.bm25K1, b: configuration.bm25B, into: &lexical)
        var semantic = [Float](repeating: 0, count: capacity)
        var vector = vector.flatMap { $0.count == dimension ? $0 : nil }
        if vector != nil, let (text, embedder) = plan.reweighting, embedder.dimension == dimension {
            let weighted = embedder.embed(text, termScale: { self.rarity(of: $0) })
            if weighted.contains(where: { $0 != 0 }) { vector = weighted }
        }
        if let vector { cosines(vector, into: &semantic) }

        // Pass 1: the candidates, the best lexical score and the newest time among them.
        var candidates: [Int32] = []
        candidates.reserveCapacity(count)
        var bestLexical: Float = 0
        var newest = Int64.min
        for (b, block) in blocks.enumerated() {
            for r in 0..<RecallBlock.size
            where filter.admits(occurredAt: block.occurredAt[r], source: block.sources[r], flags: block.flags[r]) {
                let slot = b * RecallBlock.size + r
                candidates.append(Int32(slot))
                bestLexical = max(bestLexical, lexical[slot])
                newest = max(newest, block.occurredAt[r])
            }
        }
        guard !candidates.isEmpty else { return [] }

        // A part the query cannot provide (no indexable term, no vector) gives its weight away.
        var (wl, ws, wr) = configuration.weights
        if plan.terms.isEmpty { wl = 0 }
        if vector == nil { ws = 0 }
        let total = wl + ws + wr
        if total > 0 { (wl, ws, wr) = (wl / total, ws / total, wr / total) }
        let halfLife = Double(max(1, configuration.recencyHalfLife))
        // Divided (not multiplied by a reciprocal) so the best lexical match gets exactly 1.
        let lexicalScale = bestLexical > 0 ? bestLexical : Float.infinity

        // Pass 2: score and keep the best `limit` in a small sorted buffer.
        var top: [(score: Double, occurredAt: Int64, slot: Int32)] = []
        top.reserveCapacity(limit + 1)
        for slot32 in candidates {
            let slot = Int(slot32)
            let (b, r) = Self.locate(slot32)
            let occurredAt = blocks[b].occurredAt[r]
            let l = Double(lexical[slot] / lexicalScale)
            let s = Double(max(0, min(1, semantic[slot])))
            let recency = Self.recency(age: newest - occurredAt, halfLife: halfLife)
            let score = min(1, max(0, wl * l + ws * s + wr * recency))
            guard score >= threshold else { continue }
            if top.count == limit, let last = top.last,
                !Self.precedes((score, occurredAt, blocks[b].ids[r]), (last.score, last.occurredAt, id(last.slot)))
            {
                continue
            }
            var low = 0, high = top.count
            while low < high {
                let mid = (low + high) / 2
                if Self.precedes((top[mid].score, top[mid].occurredAt, id(top[mid].slot)), (score, occurredAt, blocks[b].ids[r])) {
                    low = mid + 1
                } else {
                    high = mid
                }
            }
            top.insert((score, occurredAt, slot32), at: low)
            if top.count > limit { top.removeLast() }
        }

        var lexicalOrder: [Float] = [], semanticOrder: [Float] = []
        if explain {
            lexicalOrder = candidates.map { lexical[Int($0)] }.filter { $0 > 0 }.sorted(by: >)
            semanticOrder = candidates.map { semantic[Int($0)] }.filter { $0 > 0 }.sorted(by: >)
        }
        return top.map { item in
            let slot = Int(item.slot)
            var explanation: RecallExplanation?
            if explain {
                let matched = plan.terms.filter { contains(term: $0, slot: slot) }.compactMap { plan.termNames[$0] }
                explanation = RecallExplanation(
                    lexical: Double(lexical[slot] / lexicalScale), semantic: Double(max(0, min(1, semantic[slot]))),
                    recency: Self.recency(age: newest - item.occurredAt, halfLife: halfLife),
                    lexicalRank: Self.rank(of: lexical[slot], in: lexicalOrder),
                    semanticRank: Self.rank(of: semantic[slot], in: semanticOrder), matchedTerms: matched)
            }
            return RankedDocument(id: id(item.slot), occurredAt: item.occurredAt, score: item.score, explanation: explanation)
        }
    }

    /// Every document passing `filter`, newest first (ties: smaller id first), at most `limit`.
    func newest(filter: RecallFilter, limit: Int) -> [RankedDocument] {
        guard limit > 0 else { return [] }
        var all: [(occurredAt: Int64, id: String)] = []
        for block in blocks {
            for r in 0..<RecallBlock.size
            where filter.admits(occurredAt: block.occurredAt[r], source: block.sources[r], flags: block.flags[r]) {
                all.append((block.occurredAt[r], block.ids[r]))
            }
        }
        all.sort { ($0.occurredAt, $1.id) > ($1.occurredAt, $0.id) }
        return all.prefix(limit).map { RankedDocument(id: $0.id, occurredAt: $0.occurredAt, score: 0, explanation: nil) }
    }

    /// A term's idf over the largest possible idf here: 1 for a term no document holds.
    private func rarity(of term: UInt64) -> Float {
        let most = Float(log(1 + (Double(max(activeCount, 1)) + 0.5) / 0.5))
        guard let list = postings[term], most > 0 else { return 1 }
        return inverseFrequency(of: list) / most
    }

    private func id(_ slot: Int32) -> String {
        let (b, r) = Self.locate(slot)
        return blocks[b].ids[r]
    }

    /// Ranking order: higher score, then newer, then smaller id.
    @inline(__always)
    private static func precedes(_ a: (Double, Int64, String), _ b: (Double, Int64, String)) -> Bool {
        if a.0 != b.0 { return a.0 > b.0 }
        if a.1 != b.1 { return a.1 > b.1 }
        return a.2 < b.2
    }

    private static func recency(age: Int64, halfLife: Double) -> Double {
        exp2(-Double(max(0, age)) / halfLife)
    }

    /// 1 + how many scores (sorted descending) beat `score`; 0 if it has none.
    private static func rank(of score: Float, in sorted: [Float]) -> Int {
        guard score > 0 else { return 0 }
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] > score { low = mid + 1 } else { high = mid }
        }
        return low + 1
    }
}
