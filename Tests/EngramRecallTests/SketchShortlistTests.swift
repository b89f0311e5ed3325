import EngramRecall
import EngramTestSupport
import Testing

@Suite struct SketchShortlistTests {
    /// The flat copies of the first sketch words and of the flags give the same shortlist and
    /// the same two-field ranking as the blocks, through puts, removals, documents made inactive
    /// and reused slots, past the size where the shortlist and the unrolled kernel take over;
    /// and the shortlist holds the nearest rows.
    @Test func flatSketchMatchesTheBlocks() {
        var rng = SeededGenerator(seed: 11)
        var plain = RecallCorpus()
        var flat = RecallCorpus(keepingFlatSketch: true)
        let words = ["tea", "coffee", "refund", "parcel", "invoice", "garden", "train", "ticket", "music", "piano"]
        func text(_ i: Int) -> String {
            (0..<6).map { words[($0 * 3 + i * 7 + $0 * i) % words.count] }.joined(separator: " ") + " \(i)"
        }
        let size = RecallCorpus.fieldShortlistThreshold + 600
        for i in 0..<size {
            for c in [0, 1] {
                var corpus = c == 0 ? plain : flat
                corpus.put(
                    id: "d\(i)", text: nil, source: "s", occurredAt: 0, active: true, vector: .hashed(text(i)),
                    space: "h")
                if c == 0 { plain = corpus } else { flat = corpus }
            }
        }
        for i in stride(from: 0, to: size, by: 7) {
            plain.remove(id: "d\(i)")
            flat.remove(id: "d\(i)")
        }
        for i in stride(from: 3, to: size, by: 11) {
            plain.update(id: "d\(i)", source: "s", occurredAt: 0, active: false)
            flat.update(id: "d\(i)", source: "s", occurredAt: 0, active: false)
        }
        for i in size..<(size + 50) {
            plain.put(
                id: "d\(i)", text: nil, source: "s", occurredAt: 0, active: true, vector: .hashed(text(i)), space: "h")
            flat.put(
                id: "d\(i)", text: nil, source: "s", occurredAt: 0, active: true, vector: .hashed(text(i)), space: "h")
        }
        #expect(flat.flatSketch.count >= flat.slotCapacity * RecallCorpus.flatSketchWords && plain.flatSketch.isEmpty)
        #expect(flat.flatFlags.count >= flat.slotCapacity && plain.flatFlags.isEmpty)
        #expect((0..<flat.slotCapacity).allSatisfy { flat.flatFlags[$0] == flat.entry(at: $0).flags })
        let weights = FieldWeights(lexical: 0.3, headingLexical: 0.2, semantic: 0.3, headingSemantic: 0.2)
        for _ in 0..<20 {
            let probe = text(Int.random(in: 0..<(size + 50), using: &rng))
            var query = HashedEmbedder.standard.embed(probe)
            normalize(&query)
            let a = plain.sketchShortlist(query, count: 50)
            let b = flat.sketchShortlist(query, count: 50)
            #expect(a == b && a.count >= 50)
            // No removed row is on it.
            #expect(a.allSatisfy { plain.entry(at: Int($0)).flags & RecallBlock.hasVector != 0 })
            let plan = RecallQueryPlan(text: probe, observationVector: query, summaryVector: nil)
            let filter = RecallFilter(occurred: TimeRange(), sources: [], includeInactive: false)
            let ranked = [plain, flat].map { corpus in
                RecallCorpus.rankFields(
                    body: corpus, headings: corpus, plan: plan, vector: query, filter: filter, limit: 10,
                    weights: weights, k1: 0.9, b: 0.4, explain: false
                ).map { "\($0.id) \($0.score)" }
            }
            #expect(ranked[0] == ranked[1] && ranked[0].count == 10)
            // Neither removed nor inactive documents come back.
            #expect(
                ranked[1].allSatisfy { line in
                    let i = Int(line.dropFirst().prefix { $0 != " " })!
                    return i >= size || (i % 7 != 0 && (i < 3 || (i - 3) % 11 != 0))
                })
        }
    }
}
