import EngramRecall
import EngramTestSupport
import Testing

@Suite struct DuplicateIndexTests {
    /// Fingerprints split words as the tokenizer does: case and punctuation never count, and
    /// ideographs and kana are words of their own, so two Japanese sentences that differ in
    /// one particle share most shingles instead of being one unequal "word" each.
    @Test func fingerprintsSplitWordsAsTheTokenizerDoes() {
        #expect(
            TextFingerprint("Prefers EMAIL, over phone!").similarity(to: TextFingerprint("prefers email over phone"))
                == 1)
        #expect(
            TextFingerprint("prefers email over phone").similarity(to: TextFingerprint("prefers phone over email")) < 1)
        let japanese = TextFingerprint("東京タワーに行く").similarity(to: TextFingerprint("東京タワーへ行く"))
        #expect(japanese > 0.5 && japanese < 1)
    }

    /// Prefix filtering must never miss a pair at or above the threshold.
    @Test(arguments: [0.5, 0.8, 0.9, 1.0])
    func candidatesIncludeEveryPairAboveTheThreshold(threshold: Double) {
        var rng = SeededGenerator(seed: UInt64(threshold * 100))
        let words = ["red", "blue", "cat", "dog", "likes", "hates", "tea", "coffee", "in", "the", "morning", "evening"]
        let texts = (0..<300).map { _ in
            (0..<Int.random(in: 1...12, using: &rng)).map { _ in words.randomElement(using: &rng)! }.joined(
                separator: " ")
        }
        var index = DuplicateIndex(threshold: threshold)
        let fingerprints = texts.map(TextFingerprint.init)
        for (i, fingerprint) in fingerprints.enumerated() { index.insert("o\(i)", fingerprint) }
        var pairs = 0
        for query in fingerprints.prefix(100) {
            let candidates = Set(index.candidates(for: query))
            for (i, other) in fingerprints.enumerated() where query.similarity(to: other) >= threshold {
                pairs += 1
                #expect(candidates.contains("o\(i)"), "missed a pair with similarity \(query.similarity(to: other))")
            }
        }
        #expect(pairs >= 100, "every query at least finds itself")
        for i in fingerprints.indices { index.remove("o\(i)") }
        #expect(index == DuplicateIndex(threshold: threshold), "removing everything empties the index")
    }
}
