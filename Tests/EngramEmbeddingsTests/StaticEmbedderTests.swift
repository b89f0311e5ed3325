import EngramCore
import EngramEmbeddings
import EngramRecall
import Foundation
import Testing

/// The static table's file format, the embedder that reads it, and its per-word query.
@Suite struct StaticEmbedderTests {
    static let pieces = [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "cat", "dog", "##s", "tax", "alpha", "beta", "gamma",
    ]

    /// A table whose row i is i+1 at column i % dimension, -1 at the next one: distinct rows.
    static func table(dimension: Int = 6) -> StaticTable {
        var values = [Float](repeating: 0, count: pieces.count * dimension)
        for i in 4..<pieces.count {
            values[i * dimension + i % dimension] = Float(i + 1)
            values[i * dimension + (i + 1) % dimension] = -1
        }
        return StaticTable(pieces: pieces, dimension: dimension, values: values, metadata: ["method": "test"])
    }

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("engram-static-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func row(_ table: StaticTable, _ piece: String) -> [Float] {
        let i = table.pieces.firstIndex(of: piece)!
        return Array(table.values[i * table.dimension..<(i + 1) * table.dimension])
    }

    func unit(_ v: [Float]) -> [Float] {
        let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return n > 0 ? v.map { $0 / n } : v
    }

    @Test func aTextIsTheNormalisedSumOfItsPiecesRows() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let table = Self.table()
        try table.write(to: directory)
        let embedder = try StaticEmbedder(directory: directory)
        #expect(embedder.name == "static")
        #expect(embedder.dimension == 6)
        #expect(embedder.metadata["method"] == "test")
        #expect(!embedder.isExpensive)

        let expected = unit(zip(zip(row(table, "cat"), row(table, "##s")), row(table, "dog")).map { $0.0 + $0.1 + $1 })
        let vector = embedder.embed(["Cats, DOG!"])[0]
        #expect(vector.count == 6)
        for (a, b) in zip(vector, expected) { #expect(abs(a - b) < 1e-6) }
        // Nothing with a row: all zeros, never NaN.
        #expect(embedder.embed(["", "zzz qqq"]).allSatisfy { $0 == [Float](repeating: 0, count: 6) })
        #expect(embedder.embedQuery("cats dog") == vector)
    }

    @Test func anotherTableIsAnotherVersion() throws {
        let a = try temporaryDirectory()
        let b = try temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: a)
            try? FileManager.default.removeItem(at: b)
        }
        var other = Self.table()
        other.values[5 * 6] += 1
        try Self.table().write(to: a)
        try other.write(to: b)
        let first = try StaticEmbedder(directory: a)
        let second = try StaticEmbedder(directory: b)
        #expect(first.version != second.version)
        #expect(first.identity != second.identity)
        #expect(try StaticEmbedder(directory: a).version == first.version)
    }

    @Test func missingAndMismatchedFilesAreRefusedByName() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect {
            try StaticEmbedder(directory: directory)
        } throws: { error in
            guard let error = error as? EmbeddingError else { return false }
            return error.code == .missingFile && error.message.contains("scripts/distill-static")
        }
        try Self.table().write(to: directory)
        // A vocabulary with one piece more than the table has rows.
        try Data((Self.pieces + ["extra"]).joined(separator: "\n").utf8).write(
            to: directory.appendingPathComponent(StaticTable.vocabularyFile))
        #expect {
            try StaticEmbedder(directory: directory)
        } throws: { error in
            guard let error = error as? EmbeddingError else { return false }
            return error.code == .badModel && error.message.contains("13 pieces")
        }
        // Garbage where the tensors should be.
        try Data("not a table".utf8).write(to: directory.appendingPathComponent(StaticTable.embeddingsFile))
        #expect(throws: EmbeddingError.self) { try StaticEmbedder(directory: directory) }
    }

    @Test func theWeightedQueryScalesEachWordByItsTerm() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let table = Self.table()
        try table.write(to: directory)
        let embedder = try StaticEmbedder(directory: directory)
        let query = try #require(embedder.termWeightedQuery("the cats"))
        #expect(query.dimension == 6)
        let catHash = try #require(Tokenizer.terms("cats").first).stableHash
        // "the" is not indexed (a stop word): half weight; "cats" by √scale.
        let scaled = query.vector { $0 == catHash ? 0.25 : 1 }
        let cats = zip(row(table, "cat"), row(table, "##s")).map { $0 + $1 }
        let expected = unit(zip(row(table, "the"), cats).map { 0.5 * $0 + 0.5 * $1 })
        for (a, b) in zip(scaled, expected) { #expect(abs(a - b) < 1e-6) }
        // A word scaled to nothing is gone.
        let without = query.vector { $0 == catHash ? 0 : 1 }
        for (a, b) in zip(without, unit(row(table, "the"))) { #expect(abs(a - b) < 1e-6) }
    }

    /// Recall weights a static query's words by their rarity in the profile: a word every
    /// fact holds stops deciding the cosine, so the fact with the rare word wins.
    @Test func recallWeightsAStaticQuerysWordsByRarity() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // alpha = 3·e0, gamma = e2: unweighted, "alpha gamma" points at alpha.
        var values = [Float](repeating: 0, count: Self.pieces.count * 4)
        values[9 * 4 + 0] = 3
        values[10 * 4 + 1] = 1
        values[11 * 4 + 2] = 1
        try StaticTable(pieces: Self.pieces, dimension: 4, values: values).write(to: directory)
        let embedder = try StaticEmbedder(directory: directory)

        func top(reweight: Bool) throws -> String {
            var recall = RecallConfiguration(
                embedder: embedder, lexicalWeight: 0, semanticWeight: 1, recencyWeight: 0)
            recall.reweightQuery = reweight
            let engine = Engine(configuration: EngineConfiguration(recall: recall))
            let store = try engine.createStore(displayName: "s").store.id
            let profile = try engine.resolveIdentity(
                storeID: store, identifiers: [IdentifierInput(type: "chat", value: "p")]
            ).profileID
            let facts = ["alpha beta", "gamma"] + (1...8).map { "alpha number \($0)" }
            _ = try engine.observe(
                storeID: store, profileID: profile,
                observations: facts.map { ObservationInput(content: $0, source: "t", occurredAt: 1) })
            let result = try engine.recall(
                storeID: store, profileID: profile, RecallOptions(query: "alpha gamma", observationsLimit: 3))
            return result.observations.first?.observation.content ?? ""
        }
        #expect(try top(reweight: true) == "gamma")
        #expect(try top(reweight: false) != "gamma")
    }
}

/// The distillation against the real encoder, on a slice of the vocabulary (the whole of it
/// takes scripts/distill-static about two minutes in a release build).
@Suite struct StaticDistillationTests {
    @Test func eigenvectorsOfAKnownMatrix() throws {
        // [[2, 1], [1, 2]]: eigenvalues 1 and 3.
        let (values, vectors) = try StaticDistillation.symmetricEigen([2, 1, 1, 2], size: 2)
        #expect(abs(values[0] - 1) < 1e-12 && abs(values[1] - 3) < 1e-12)
        #expect(abs(abs(vectors[2]) - 0.5.squareRoot()) < 1e-12 && abs(vectors[2] - vectors[3]) < 1e-12)
    }

    @Test func aDistilledSliceKeepsTheTeachersNeighbours() throws {
        let teacher = try ModelFixture.embedder.get()
        let vocabulary = teacher.tokenizer.pieces
        // The first 120 words (by frequency) and the ones compared below; a debug build runs
        // the encoder about 50 times slower than a release one.
        let compared = ["music", "song", "war", "mother", "father", "river"]
        var distillation = StaticDistillation(dimension: 32)
        distillation.onlyPieces = Set(1_996..<2_116).union(compared.map { vocabulary.firstIndex(of: $0)! })
        distillation.words = [("the", 0.05), ("mentorship", 1e-6), ("don't", 1e-4), ("caf\u{e9}", 1e-5)]
        let table = try distillation.distill(model: teacher.model, tokenizer: teacher.tokenizer)
        // One row per piece, and one for the one added word that is a single word the
        // vocabulary splits: "the" is a piece, "don't" two words, "café" not as BERT reads it.
        #expect(table.dimension == 32)
        #expect(table.values.count == table.pieces.count * 32)
        #expect(table.pieces.count == vocabulary.count + 1)
        #expect(table.pieces.last == "mentorship")
        #expect(table.pieces.dropLast().elementsEqual(vocabulary))
        func row(_ piece: String) -> [Float] {
            let i = table.pieces.firstIndex(of: piece)!
            return Array(table.values[i * 32..<(i + 1) * 32])
        }
        #expect(row("[CLS]").allSatisfy { $0 == 0 })
        #expect(row("[unused5]").allSatisfy { $0 == 0 })
        #expect(row("dog").allSatisfy { $0 == 0 }, "not distilled")
        #expect(row("music").contains { $0 != 0 })
        #expect(cosine(row("music"), row("song")) > cosine(row("music"), row("war")))
        #expect(cosine(row("mother"), row("father")) > cosine(row("mother"), row("river")))
        let explained = try #require(table.metadata["explained_variance"].flatMap(Double.init))
        #expect(explained > 0 && explained <= 1)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("engram-distil-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        try table.write(to: directory)
        let embedder = try StaticEmbedder(directory: directory)
        // The added word is looked up whole; a longer form takes it and a continuation.
        let mentorship = Int32(table.pieces.count - 1)
        #expect(embedder.tokenizer.pieceIDs("Mentorship") == [mentorship])
        #expect(embedder.tokenizer.pieceIDs("mentorships").first == mentorship)
        #expect(teacher.tokenizer.pieceIDs("mentorship").count > 1)
    }
}
