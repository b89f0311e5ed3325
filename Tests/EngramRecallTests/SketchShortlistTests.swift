import EngramRecall
import EngramTestSupport
import Testing

@Suite struct SketchShortlistTests {
    /// The flat copy of the first sketch words gives the same shortlist as the blocks' sketches,
    /// through puts, removals and reused slots; and the shortlist holds the nearest rows.
    @Test func flatSketchMatchesTheBlocks() {
        var rng = SeededGenerator(seed: 11)
        var plain = RecallCorpus()
        var flat = RecallCorpus(keepingFlatSketch: true)
        let words = ["tea", "coffee", "refund", "parcel", "invoice", "garden", "train", "ticket", "music", "piano"]
        func text(_ i: Int) -> String {
            (0..<6).map { words[($0 * 3 + i * 7 + $0 * i) % words.count] }.joined(separator: " ") + " \(i)"
        }
        for i in 0..<600 {
            for c in [0, 1] {
                var corpus = c == 0 ? plain : flat
                corpus.put(
                    id: "d\(i)", text: nil, source: "s", occurredAt: 0, active: true, vector: .hashed(text(i)),
                    space: "h")
                if c == 0 { plain = corpus } else { flat = corpus }
            }
        }
        for i in stride(from: 0, to: 600, by: 7) {
            plain.remove(id: "d\(i)")
            flat.remove(id: "d\(i)")
        }
        for i in 600..<650 {
            plain.put(
                id: "d\(i)", text: nil, source: "s", occurredAt: 0, active: true, vector: .hashed(text(i)), space: "h")
            flat.put(
                id: "d\(i)", text: nil, source: "s", occurredAt: 0, active: true, vector: .hashed(text(i)), space: "h")
        }
        #expect(flat.flatSketch.count >= flat.slotCapacity * RecallCorpus.flatSketchWords && plain.flatSketch.isEmpty)
        for _ in 0..<20 {
            var query = HashedEmbedder.standard.embed(text(Int.random(in: 0..<650, using: &rng)))
            normalize(&query)
            let a = plain.sketchShortlist(query, count: 50)
            let b = flat.sketchShortlist(query, count: 50)
            #expect(a == b && a.count >= 50)
            // No removed row is on it.
            #expect(a.allSatisfy { plain.entry(at: Int($0)).flags & RecallBlock.hasVector != 0 })
        }
    }
}
