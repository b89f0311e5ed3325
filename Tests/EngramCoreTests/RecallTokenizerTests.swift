import Testing

@testable import EngramCore

@Suite struct RecallTokenizerTests {
    @Test func lowerCasesDropsStopWordsAndPossessives() {
        #expect(Tokenizer.terms("What is Caroline's FAVOURITE band?") == ["carolin", "favourit", "band"])
        #expect(Tokenizer.terms("the and of to a I") == [])
        #expect(Tokenizer.terms("Room 101, in 2023") == ["room", "101", "2023"])
    }

    @Test(arguments: [
        ("painting", "paint"), ("painted", "paint"), ("paints", "paint"),
        ("dance", "danc"), ("dancing", "danc"), ("danced", "danc"),
        ("stories", "stori"), ("story", "stori"),
        ("hoping", "hope"), ("hope", "hope"),
        ("swimming", "swim"), ("kids", "kid"), ("glass", "glass"), ("bus", "bus"),
        ("sing", "sing"), ("agreed", "agree"),
    ])
    func stemsLightly(word: String, stem: String) {
        #expect(Tokenizer.terms(word) == [stem])
    }

    @Test func splitsUnicodeWords() {
        #expect(Tokenizer.terms("Café MÜNCHEN straße") == ["café", "münchen", "straße"])
        #expect(Tokenizer.terms("Привет, мир") == ["привет", "мир"])
        #expect(Tokenizer.terms("東京タワーに行く") == ["東", "京", "タ", "ワ", "ー", "に", "行", "く"], "ideographs and kana stand alone")
        #expect(Tokenizer.tokens("Painted").first?.word == "painted")
    }

    @Test func hashedEmbeddingsAreUnitLengthStableAndSimilarForSimilarTexts() {
        let embedder = HashedEmbedder.standard
        let a = embedder.embed("Plays tennis on Sunday mornings")
        let norm = a.reduce(0) { $0 + $1 * $1 }
        #expect(abs(norm - 1) < 1e-5)
        #expect(a.count == 384 && embedder.name == "hashed-v1")
        #expect(a == embedder.embed(["Plays tennis on Sunday mornings"])[0], "deterministic")
        func cosine(_ x: [Float], _ y: [Float]) -> Float { zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } }
        let close = cosine(a, embedder.embed("played tennis sunday"))
        let far = cosine(a, embedder.embed("invoice charged twice"))
        #expect(close > 0.4)
        #expect(abs(far) < 0.2)
        #expect(embedder.embed("the and of").allSatisfy { $0 == 0 }, "stop words only: no features")
    }
}
