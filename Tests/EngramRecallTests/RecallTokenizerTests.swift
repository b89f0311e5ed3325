import EngramRecall
import EngramTestSupport
import Testing

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

    /// ASCII texts take a byte loop; it must split and lower-case exactly as the scalar loop
    /// that any non-ASCII character sends a text through.
    @Test func theASCIIPathAgreesWithTheScalarPath() {
        let texts = [
            "What is Caroline's FAVOURITE band?", "Room 101, in 2023", "e-mail: JANE.doe@Example.com (work)",
            "  spaces\tand\nnewlines  ", "x y z AB cd", "Swimming, hoping & dancing...", "",
        ]
        for text in texts {
            let ascii = Tokenizer.tokens(text)
            let scalar = Tokenizer.tokens(text + " é")
            #expect(scalar == ascii + [Tokenizer.Token(word: "é", term: "é")], "\(text)")
            var words: [String] = []
            var scalarWords: [String] = []
            Tokenizer.forEachWord(in: text) { words.append(String(decoding: $0, as: UTF8.self)) }
            Tokenizer.forEachWord(in: text + " é") { scalarWords.append(String(decoding: $0, as: UTF8.self)) }
            #expect(scalarWords == words + ["é"], "\(text)")
        }
    }

    @Test func stopWordsAreFoundWithoutHashing() {
        for word in Tokenizer.stopWords { #expect(Tokenizer.isStopWord(Array(word.utf8)), "\(word)") }
        for word in ["caroline", "tea", "themselve", "yourselvesx", "abou", "aboutt", "ourselve", "a1", "zz", "hers2"] {
            #expect(!Tokenizer.isStopWord(Array(word.utf8)), "\(word)")
        }
    }

    @Test func splitsUnicodeWords() {
        #expect(Tokenizer.terms("Café MÜNCHEN straße") == ["café", "münchen", "straße"])
        #expect(Tokenizer.terms("Привет, мир") == ["привет", "мир"])
        #expect(
            Tokenizer.terms("東京タワーに行く") == ["東", "京", "タ", "ワ", "ー", "に", "行", "く"], "ideographs and kana stand alone")
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

/// Storage asks the embedders which vectors it may leave out; it names none of them.
@Suite struct RebuiltVectorsTests {
    struct ClientModel: Embedder {
        var name: String { "client-model" }
        var dimension: Int { 3 }
        func embed(_ texts: [String]) -> [[Float]] { texts.map { _ in [1, 0, 0] } }
    }

    @Test func onlyEmbeddersThatRebuildFromTextAreLeftOut() {
        #expect(HashedEmbedder.standard.rebuildsVectorsFromText)
        #expect(!ClientModel().rebuildsVectorsFromText, "the default: vectors are kept")
        #expect(EmbedderIdentity.isRebuiltFromText(HashedEmbedder.standard.identity.description))
        #expect(!EmbedderIdentity.isRebuiltFromText(ClientModel().identity.description))
        #expect(!EmbedderIdentity.isRebuiltFromText(nil), "a client's vector (no embedder) is kept")
        #expect(
            !EmbedderIdentity.isRebuiltFromText(HashedEmbedder(dimension: 128).identity.description),
            "only the standard table")
    }
}
