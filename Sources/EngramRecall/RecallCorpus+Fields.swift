/// How a two-field search (a body, and its headings) mixes its four parts. Negative weights
/// count as 0; the weights are divided by their sum, and a part the query cannot provide
/// (no term, no vector) gives its weight away.
package struct FieldWeights: Sendable, Hashable {
    package var lexical: Double
    package var headingLexical: Double
    package var semantic: Double
    package var headingSemantic: Double

    package init(lexical: Double, headingLexical: Double, semantic: Double, headingSemantic: Double) {
        self.lexical = lexical
        self.headingLexical = headingLexical
        self.semantic = semantic
        self.headingSemantic = headingSemantic
    }
}

extension RecallCorpus {
    /// Ranks documents held in two corpora filled in lockstep (the same ids put and removed in
    /// the same order, so a document has the same slot in both): `body` (its whole text) and
    /// `headings` (the title and headings it sits under). Each part is in [0, 1]: BM25 over the
    /// best among the candidates, cosines as they are. The best `limit` come first.
    package static func rankFields(
        body: RecallCorpus, headings: RecallCorpus, plan: RecallQueryPlan, vector: [Float]?,
        filter: RecallFilter, limit: Int, weights: FieldWeights, k1: Double, b: Double, explain: Bool
    ) -> [RankedDocument] {
        guard limit > 0, body.count > 0 else { return [] }
        var candidates: [Int32] = []
        candidates.reserveCapacity(body.count)
        for block in body.blocks.indices {
            for r in 0..<RecallBlock.size where filter.admits(body.blocks[block], r) {
                candidates.append(Int32(block * RecallBlock.size + r))
            }
        }
        guard !candidates.isEmpty else { return [] }
        let terms = plan.terms.map { (term: $0, weight: Float(1)) }
        var lexical = [Float](repeating: 0, count: body.slotCapacity)
        body.addBM25(terms: terms, k1: k1, b: b, into: &lexical)
        var headingLexical = [Float](repeating: 0, count: headings.slotCapacity)
        headings.addBM25(terms: terms, k1: k1, b: b, into: &headingLexical)
        var semantic = [Float](repeating: 0, count: body.slotCapacity)
        var headingSemantic = [Float](repeating: 0, count: headings.slotCapacity)
        func queryVector(_ corpus: RecallCorpus) -> [Float]? {
            if let weighted = plan.reweighting, weighted.dimension == corpus.dimension {
                let v = weighted.vector(termScale: { corpus.rarity(of: $0) })
                if v.contains(where: { $0 != 0 }) { return v }
            }
            return vector.flatMap { $0.count == corpus.dimension ? $0 : nil }
        }
        let bodyVector = queryVector(body)
        let headingVector = queryVector(headings)
        if let bodyVector { body.cosines(bodyVector, into: &semantic) }
        if let headingVector { headings.cosines(headingVector, into: &headingSemantic) }

        var w = [
            max(0, weights.lexical), max(0, weights.headingLexical), max(0, weights.semantic),
            max(0, weights.headingSemantic),
        ]
        if plan.terms.isEmpty { (w[0], w[1]) = (0, 0) }
        if bodyVector == nil { w[2] = 0 }
        if headingVector == nil { w[3] = 0 }
        let total = w.reduce(0, +)
        if total > 0 { w = w.map { $0 / total } }
        var best: (Float, Float) = (0, 0)
        for slot in candidates {
            best = (max(best.0, lexical[Int(slot)]), max(best.1, headingLexical[Int(slot)]))
        }
        let scale = (best.0 > 0 ? best.0 : Float.infinity, best.1 > 0 ? best.1 : Float.infinity)
        let (w0, w1, w2, w3) = (Float(w[0]), Float(w[1]), Float(w[2]), Float(w[3]))
        var top = TopList(limit: limit)
        let id = { (slot: Int32) in body.id(slot) }
        var parts: [(Float, Float)] = []
        if explain { parts.reserveCapacity(candidates.count) }
        for slot in candidates {
            let s = Int(slot)
            let l = w0 * lexical[s] / scale.0 + w1 * headingLexical[s] / scale.1
            let c = w2 * max(0, min(1, semantic[s])) + w3 * max(0, min(1, headingSemantic[s]))
            if explain { parts.append((l, c)) }
            let score = Double(min(1, max(0, l + c)))
            if score > 0 || top.items.count < limit { top.offer(score, 0, slot, id: id) }
        }
        return top.items.map { item in
            var explanation: RecallExplanation?
            if explain {
                let s = Int(item.slot)
                let l = w0 * lexical[s] / scale.0 + w1 * headingLexical[s] / scale.1
                let c = w2 * max(0, min(1, semantic[s])) + w3 * max(0, min(1, headingSemantic[s]))
                let matched = plan.terms.filter { body.contains(term: $0, slot: s) }.compactMap { plan.termNames[$0] }
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
