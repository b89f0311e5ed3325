/// How a two-field search (a body, and its headings) mixes its four parts. Negative weights
/// count as 0; the weights are divided by their sum, and a part the query cannot provide
/// (no term, no vector) gives its weight away.
public struct FieldWeights: Sendable, Hashable {
    /// BM25 over the body (for knowledge: title, headings and content).
    public var lexical: Double
    /// BM25 over the headings alone.
    public var headingLexical: Double
    /// The embedder's cosine with the body.
    public var semantic: Double
    /// The embedder's cosine with the headings.
    public var headingSemantic: Double

    public init(lexical: Double, headingLexical: Double, semantic: Double, headingSemantic: Double) {
        self.lexical = lexical
        self.headingLexical = headingLexical
        self.semantic = semantic
        self.headingSemantic = headingSemantic
    }

    /// BM25 alone, over the body.
    public static let bm25 = FieldWeights(lexical: 1, headingLexical: 0, semantic: 0, headingSemantic: 0)
}

extension RecallCorpus {
    /// Past this many documents a two-field search scores a shortlist, not every document.
    package static let fieldShortlistThreshold = 4_096
    /// How many documents each part (lexical, each field's vector sketch) puts on the shortlist.
    package static let fieldShortlist = 256

    /// Ranks documents held in two corpora filled in lockstep (the same ids put and removed in
    /// the same order, so a document has the same slot in both): `body` (its whole text) and
    /// `headings` (the title and headings it sits under). Each part is in [0, 1]: BM25 over the
    /// best among the candidates, cosines as they are. The best `limit` come first.
    ///
    /// Up to `fieldShortlistThreshold` documents, every one is scored exactly. Past it, the
    /// work per query would grow with the corpus: terms held by more than half the documents
    /// are left out of BM25 (their idf is near 0), and only a shortlist is scored exactly: the
    /// `fieldShortlist` best by BM25 (both fields), and about `fieldShortlist` nearest the query
    /// by the body's sign sketches. A document on neither list cannot be returned.
    package static func rankFields(
        body: RecallCorpus, headings: RecallCorpus, plan: RecallQueryPlan, vector: [Float]?,
        filter: RecallFilter, limit: Int, weights: FieldWeights, k1: Double, b: Double, explain: Bool
    ) -> [RankedDocument] {
        guard limit > 0, body.count > 0 else { return [] }
        let large = body.count > fieldShortlistThreshold
        let terms = plan.terms.map { (term: $0, weight: Float(1)) }
        let fraction = large ? 0.5 : 1
        var lexical = [Float](repeating: 0, count: body.slotCapacity)
        body.addBM25(terms: terms, k1: k1, b: b, into: &lexical, maxDocumentFraction: fraction)
        var headingLexical = [Float](repeating: 0, count: headings.slotCapacity)
        headings.addBM25(terms: terms, k1: k1, b: b, into: &headingLexical, maxDocumentFraction: fraction)
        // Which slots pass the filter, and the best BM25 of each field among them: one pass.
        var admitted = [Bool](repeating: false, count: body.slotCapacity)
        var admittedCount = 0
        var best: (Float, Float) = (0, 0)
        let plain = filter.sources.isEmpty && !filter.includeInactive
        if plain, body.keepsFlatSketch, body.flatFlags.count >= body.slotCapacity {
            // The flat copy of the flags: one byte a row, no block visited.
            body.flatFlags.withUnsafeBufferPointer { flags in
                admitted.withUnsafeMutableBufferPointer { admitted in
                    lexical.withUnsafeBufferPointer { lexical in
                        headingLexical.withUnsafeBufferPointer { headingLexical in
                            for slot in 0..<admitted.count where flags[slot] & RecallBlock.active != 0 {
                                admitted[slot] = true
                                admittedCount += 1
                                best = (max(best.0, lexical[slot]), max(best.1, headingLexical[slot]))
                            }
                        }
                    }
                }
            }
        } else {
            body.blocks.withUnsafeBufferPointer { blocks in
                admitted.withUnsafeMutableBufferPointer { admitted in
                    lexical.withUnsafeBufferPointer { lexical in
                        headingLexical.withUnsafeBufferPointer { headingLexical in
                            for block in 0..<blocks.count {
                                let base = block * RecallBlock.size
                                blocks[block].flags.withUnsafeBufferPointer { flags in
                                    for r in 0..<RecallBlock.size {
                                        let passes =
                                            plain
                                            ? flags[r] & RecallBlock.active != 0 : filter.admits(blocks[block], r)
                                        guard passes else { continue }
                                        let slot = base + r
                                        admitted[slot] = true
                                        admittedCount += 1
                                        best = (max(best.0, lexical[slot]), max(best.1, headingLexical[slot]))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard admittedCount > 0 else { return [] }
        func queryVector(_ corpus: RecallCorpus) -> [Float]? {
            guard corpus.vectorCount > 0 else { return nil }
            if let weighted = plan.reweighting, weighted.dimension == corpus.dimension {
                let v = weighted.vector(termScale: { corpus.rarity(of: $0) })
                if v.contains(where: { $0 != 0 }) { return v }
            }
            return vector.flatMap { $0.count == corpus.dimension ? $0 : nil }
        }
        let bodyVector = queryVector(body)
        let headingVector = queryVector(headings)

        var w = [
            max(0, weights.lexical), max(0, weights.headingLexical), max(0, weights.semantic),
            max(0, weights.headingSemantic),
        ]
        if plan.terms.isEmpty { (w[0], w[1]) = (0, 0) }
        if bodyVector == nil { w[2] = 0 }
        if headingVector == nil { w[3] = 0 }
        let total = w.reduce(0, +)
        if total > 0 { w = w.map { $0 / total } }
        let (w0, w1, w2, w3) = (Float(w[0]), Float(w[1]), Float(w[2]), Float(w[3]))
        // The lexical part of every admitted slot (and, for a large corpus, a coarse histogram
        // of it), then the documents scored exactly: all of them, or the shortlist.
        var lexicalParts = [Float](repeating: 0, count: body.slotCapacity)
        var pool: [Int32] = []
        lexical.withUnsafeBufferPointer { lexical in
            headingLexical.withUnsafeBufferPointer { headingLexical in
                admitted.withUnsafeBufferPointer { admitted in
                    lexicalParts.withUnsafeMutableBufferPointer { parts in
                        let a = best.0 > 0 ? w0 / best.0 : 0
                        let c = best.1 > 0 ? w1 / best.1 : 0
                        guard large else {
                            pool.reserveCapacity(admittedCount)
                            for slot in 0..<admitted.count where admitted[slot] {
                                parts[slot] = a * lexical[slot] + c * headingLexical[slot]
                                pool.append(Int32(slot))
                            }
                            return
                        }
                        // The best by BM25: every part (a slot not admitted has 0), then a cutoff
                        // from a coarse histogram of every fourth slot's part, then the slots above
                        // it. The first and last passes are plain arithmetic and compares; the
                        // histogram's scattered increments, the slow part, see a quarter of the
                        // rows. A document near the top is always kept: the cutoff only rises past
                        // a part when few sampled parts are above it.
                        for slot in 0..<admitted.count {
                            parts[slot] = admitted[slot] ? a * lexical[slot] + c * headingLexical[slot] : 0
                        }
                        var histogram = [Int32](repeating: 0, count: 1025)
                        histogram.withUnsafeMutableBufferPointer { histogram in
                            // Bin 0 is never taken (the cutoff stops at bin 1): it may count anything.
                            for slot in stride(from: 0, to: parts.count, by: 4) {
                                histogram[Int(min(1024, max(0, parts[slot] * 1024)))] &+= 1
                            }
                        }
                        let sampled = fieldShortlist / 4
                        var cutoff = 1024
                        var taken = Int(histogram[1024])
                        while cutoff > 1, taken + Int(histogram[cutoff - 1]) <= sampled {
                            cutoff -= 1
                            taken += Int(histogram[cutoff])
                        }
                        let floor = Float(cutoff) / 1024  // above 0: cutoff is at least 1
                        for slot in 0..<parts.count where parts[slot] >= floor {
                            pool.append(Int32(slot))
                        }
                    }
                }
            }
        }
        if large, let bodyVector {
            // The body's sketch alone: a heading's words are in its body too, and a second pass
            // over a large corpus's sketches would cost as much again.
            var onList = Set(pool)
            for slot in body.sketchShortlist(bodyVector, count: fieldShortlist)
            where admitted[Int(slot)] && onList.insert(slot).inserted {
                pool.append(slot)
            }
        }
        var semantic = [Float](repeating: 0, count: pool.count)
        var headingSemantic = [Float](repeating: 0, count: pool.count)
        if let bodyVector {
            bodyVector.withUnsafeBufferPointer { q in
                for (i, slot) in pool.enumerated() { semantic[i] = max(0, min(1, body.cosine(q, slot: slot))) }
            }
        }
        if let headingVector {
            headingVector.withUnsafeBufferPointer { q in
                for (i, slot) in pool.enumerated() {
                    headingSemantic[i] = max(0, min(1, headings.cosine(q, slot: slot)))
                }
            }
        }
        var top = TopList(limit: limit)
        let id = { (slot: Int32) in body.id(slot) }
        var parts: [(Float, Float)] = []
        if explain { parts.reserveCapacity(pool.count) }
        var positions: [Int32: Int] = [:]
        for (i, slot) in pool.enumerated() {
            let l = lexicalParts[Int(slot)]
            let c = w2 * semantic[i] + w3 * headingSemantic[i]
            if explain {
                parts.append((l, c))
                positions[slot] = i
            }
            top.offer(Double(min(1, max(0, l + c))), 0, slot, id: id)
        }
        return top.items.map { item in
            var explanation: RecallExplanation?
            if explain, let i = positions[item.slot] {
                let (l, c) = parts[i]
                let matched = plan.terms.filter { body.contains(term: $0, slot: Int(item.slot)) }.compactMap {
                    plan.termNames[$0]
                }
                // Each part as a mean of its fields' values, so it stays in [0, 1].
                explanation = RecallExplanation(
                    lexical: w0 + w1 > 0 ? Double(l / (w0 + w1)) : 0, semantic: w2 + w3 > 0 ? Double(c / (w2 + w3)) : 0,
                    recency: 0, lexicalRank: rank(of: l, among: parts.map(\.0)),
                    semanticRank: rank(of: c, among: parts.map(\.1)), matchedTerms: matched)
            }
            return RankedDocument(id: id(item.slot), occurredAt: 0, score: item.key, explanation: explanation)
        }
    }
}
