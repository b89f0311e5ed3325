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

    /// Prefix and length filtering must never miss a pair at or above the threshold, also in
    /// profiles whose texts are mostly stop words (then prefixes reach the common shingles).
    @Test(arguments: [0.5, 0.8, 0.9, 1.0], [false, true])
    func candidatesIncludeEveryPairAboveTheThreshold(threshold: Double, mostlyCommon: Bool) {
        var rng = SeededGenerator(seed: UInt64(threshold * 100) + (mostlyCommon ? 7 : 0))
        let words =
            mostlyCommon
            ? ["the", "and", "of", "to", "in", "is", "it", "that", "was", "for", "on", "with", "cat", "tea"]
            : ["red", "blue", "cat", "dog", "likes", "hates", "tea", "coffee", "in", "the", "morning", "evening"]
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

        // Remove a third and file new texts (numbers are reused, postings shrink and grow):
        // still every pair, and nothing removed comes back.
        var live = Dictionary(uniqueKeysWithValues: fingerprints.enumerated().map { ("o\($0.offset)", $0.element) })
        for i in stride(from: 0, to: fingerprints.count, by: 3) {
            index.remove("o\(i)")
            live["o\(i)"] = nil
        }
        for i in 0..<60 {
            let text = (0..<Int.random(in: 1...12, using: &rng)).map { _ in words.randomElement(using: &rng)! }
            let fingerprint = TextFingerprint(text.joined(separator: " "))
            index.insert("n\(i)", fingerprint)
            live["n\(i)"] = fingerprint
        }
        #expect(index.count == live.count)
        for query in fingerprints.suffix(100) {
            let candidates = Set(index.candidates(for: query))
            #expect(candidates.isSubset(of: Set(live.keys)), "only filed ids are candidates")
            for (id, other) in live where query.similarity(to: other) >= threshold {
                #expect(
                    candidates.contains(id), "missed \(id) after removals, similarity \(query.similarity(to: other))")
            }
        }
        for id in live.keys { index.remove(id) }
        #expect(index == DuplicateIndex(threshold: threshold), "removing everything empties the index")
        #expect(index.candidates(for: fingerprints[0]).isEmpty)
    }

    /// Facts drawn from one everyday vocabulary (no stop words, no rare names) share many
    /// words; their word pairs are what sets them apart, and the probe picks the rarest.
    @Test func anEverydayVocabularyDoesNotMakeEveryFactACandidate() {
        var rng = SeededGenerator(seed: 5)
        let vocabulary = (0..<300).map { "word\($0)" }
        func fact() -> TextFingerprint {
            TextFingerprint((0..<12).map { _ in vocabulary.randomElement(using: &rng)! }.joined(separator: " "))
        }
        var index = DuplicateIndex(threshold: 0.9)
        for i in 0..<2000 { index.insert("o\(i)", fact()) }
        var total = 0
        for _ in 0..<50 { total += index.candidates(for: fact()).count }
        #expect(total < 50, "about no candidates for new facts, got \(total) for 50")
    }

    /// Rare shingles come first, so a profile of facts made mostly of stop words does not make
    /// every fact a candidate for a new one (which would cost time in the profile's size).
    @Test func commonWordsDoNotMakeEveryFactACandidate() throws {
        var rng = SeededGenerator(seed: 11)
        let common = [
            "the", "and", "of", "to", "in", "is", "it", "that", "was", "for", "on", "with", "they", "at", "this",
        ]
        .filter { Tokenizer.isStopWord(Array($0.utf8)) }
        try #require(common.count >= 10, "the tokenizer's stop words: \(common)")
        func fact(_ rare: [String]) -> TextFingerprint {
            let words = (0..<12).map { _ in common.randomElement(using: &rng)! } + rare
            return TextFingerprint(words.shuffled(using: &rng).joined(separator: " "))
        }
        var index = DuplicateIndex(threshold: 0.9)
        for i in 0..<2000 { index.insert("o\(i)", fact(["item\(i)", "code\(i * 7)"])) }
        let query = fact(["fresh", "words"])
        #expect(index.candidates(for: query).count < 20)
        // A near copy of a stored fact is still found.
        let stored = try #require(index.fingerprint(of: "o42"))
        #expect(index.candidates(for: stored).contains("o42"))
    }

    /// The commonness bit keeps the sets' meaning: equal texts are equal, and the top bit
    /// marks exactly the stop words and their pairs.
    @Test func commonShinglesAreStopWordsAndTheirPairs() {
        let the = TextFingerprint("the")
        let cat = TextFingerprint("cat")
        #expect(the.shingles.count == 1 && TextFingerprint.isCommon(the.shingles[0]))
        #expect(cat.shingles.count == 1 && !TextFingerprint.isCommon(cat.shingles[0]))
        let pair = TextFingerprint("of the")
        #expect(pair.shingles.count == 3 && pair.shingles.allSatisfy { TextFingerprint.isCommon($0) })
        let mixed = TextFingerprint("the cat")
        #expect(mixed.shingles.filter { TextFingerprint.isCommon($0) }.count == 1, "only \"the\" is common")
        #expect(!TextFingerprint.isCommon(mixed.shingles[0]), "rare shingles sort first")
        #expect(!TextFingerprint.isPair(mixed.shingles[0]) && TextFingerprint.isPair(mixed.shingles[1]))
        #expect(mixed.shingles.filter { TextFingerprint.isPair($0) }.count == 1)
    }
}
