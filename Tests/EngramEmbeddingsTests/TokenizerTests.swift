import Foundation
import Testing

@testable import EngramEmbeddings

@Suite struct TokenizerTests {
    let tokenizer = try! WordPieceTokenizer(
        pieces: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "runn", "##ing", ",", "cafe", "中", "!"],
        maxLength: 8)

    @Test func greedyLongestMatchWithContinuations() {
        #expect(tokenizer.ids("unaffable running") == [2, 4, 5, 6, 7, 8, 3])
    }

    @Test func punctuationAccentsCaseAndCJK() {
        #expect(tokenizer.ids("CAFÉ,中!") == [2, 10, 9, 11, 12, 3])
        #expect(
            WordPieceTokenizer.basicTokens("a\u{0}b\tc\u{200B}d").map { String(String.UnicodeScalarView($0)) } == [
                "ab", "cd",
            ])
    }

    @Test func unknownWordsAndTruncation() {
        #expect(tokenizer.ids("xyz") == [2, 1, 3])
        #expect(tokenizer.ids("un un un un un un un un") == [2, 4, 4, 4, 4, 4, 4, 3])
        #expect(tokenizer.ids("") == [2, 3])
    }

    @Test func vocabularyWithoutSpecialTokensIsRefused() {
        #expect(throws: EmbeddingError.self) { try WordPieceTokenizer(pieces: ["a", "b"]) }
    }
}

@Suite struct LRUCacheTests {
    @Test func evictsTheLeastRecentlyUsed() {
        var cache = LRUCache<String, Int>(capacity: 2)
        cache.insert(1, for: "a")
        cache.insert(2, for: "b")
        #expect(cache.value(for: "a") == 1)  // b is now the oldest
        cache.insert(3, for: "c")
        #expect(cache.value(for: "b") == nil)
        #expect(cache.value(for: "a") == 1)
        #expect(cache.value(for: "c") == 3)
        cache.insert(4, for: "a")
        cache.insert(5, for: "d")
        #expect(cache.value(for: "c") == nil)
        #expect(cache.value(for: "a") == 4 && cache.count == 2)
    }

    @Test func matchesAReferenceModelOverRandomOperations() {
        var cache = LRUCache<Int, Int>(capacity: 5)
        var model: [(Int, Int)] = []  // most recent last
        var rng = SystemRandomNumberGenerator()
        for step in 0..<5_000 {
            let key = Int.random(in: 0..<12, using: &rng)
            if Bool.random(using: &rng) {
                cache.insert(step, for: key)
                model.removeAll { $0.0 == key }
                model.append((key, step))
                if model.count > 5 { model.removeFirst() }
            } else {
                let expected = model.first { $0.0 == key }?.1
                #expect(cache.value(for: key) == expected)
                if let i = model.firstIndex(where: { $0.0 == key }) { model.append(model.remove(at: i)) }
            }
        }
    }
}

@Suite struct KernelTests {
    @Test func vectorErfMatchesTheExactFunction() {
        var worst: Float = 0
        var x: Float = -6
        while x <= 6 {
            let approx = erf8(SIMD8(repeating: x))[0]
            worst = max(worst, abs(approx - Float(erf(Double(x)))))
            x += 0.0007
        }
        #expect(worst < 2e-6, "largest error \(worst)")
    }
}
