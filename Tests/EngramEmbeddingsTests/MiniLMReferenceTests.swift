import EngramCore
import EngramEmbeddings
import Foundation
import Testing

/// The Swift tokeniser and forward pass against sentence-transformers' own output for the
/// same model files (../shared/data/minilm-reference.json): accents, CJK, emoji, truncation,
/// near-empty texts.
@Suite struct MiniLMReferenceTests {
    @Test func tokenizerGivesTheReferenceIDsForEveryText() throws {
        let embedder = try ModelFixture.embedder.get()
        let reference = try ModelFixture.reference()
        #expect(reference.items.count >= 60)
        for item in reference.items {
            let ids = embedder.tokenizer.ids(item.text)
            #expect(ids == item.input_ids, "tokens of \(item.text.debugDescription)")
        }
    }

    @Test func embeddingsMatchTheReferenceToCosine09999() throws {
        let embedder = try ModelFixture.embedder.get()
        let reference = try ModelFixture.reference()
        // One at a time and all in packed batches: both must match.
        let batched = embedder.embed(reference.items.map(\.text))
        var worst = 1.0
        for (item, vector) in zip(reference.items, batched) {
            let single = embedder.embed([item.text])[0]
            #expect(single.count == 384)
            let c1 = cosine(single, item.embedding)
            let c2 = cosine(vector, item.embedding)
            #expect(c1 >= 0.9999, "cosine \(c1) for \(item.text.debugDescription)")
            #expect(c2 >= 0.9999, "batched cosine \(c2) for \(item.text.debugDescription)")
            worst = min(worst, c1, c2)
            let norm = single.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-4)
        }
        print("lowest cosine with the reference over \(reference.items.count) texts: \(worst)")
    }

    @Test func semanticNeighboursAreCloserThanUnrelatedTexts() throws {
        let embedder = try ModelFixture.embedder.get()
        let v = embedder.embed(["billing problem", "my invoice was wrong", "the weather is sunny today"])
        #expect(cosine(v[0], v[1]) > cosine(v[0], v[2]) + 0.1)
    }

    @Test func queryCacheAnswersRepeatsWithTheSameVector() throws {
        let embedder = try ModelFixture.embedder.get()
        let text = "query cache test \(UInt64.random(in: 0...UInt64.max))"
        #expect(!embedder.hasCachedQuery(text))
        let first = embedder.embedQuery(text)
        #expect(embedder.hasCachedQuery(text))
        #expect(embedder.embedQuery(text) == first)
        #expect(cosine(first, embedder.embed([text])[0]) > 0.99999)
    }

    @Test func identityNamesTheModelAndItsWeights() throws {
        let embedder = try ModelFixture.embedder.get()
        #expect(embedder.identity.name == "minilm-l6-v2")
        #expect(embedder.identity.dimension == 384)
        #expect(embedder.identity.version.count == 16)
        #expect(embedder.isExpensive)
    }

    @Test func emptyAndHugeBatches() throws {
        let embedder = try ModelFixture.embedder.get()
        #expect(embedder.embed([]).isEmpty)
        let texts = (0..<150).map { "observation number \($0) about an order" }
        let vectors = embedder.embed(texts)
        #expect(vectors.count == 150)
        #expect(cosine(vectors[149], embedder.embed([texts[149]])[0]) > 0.99999)
        let empty = embedder.embed([""])[0]
        #expect(empty.count == 384 && empty.allSatisfy(\.isFinite))
    }
}
