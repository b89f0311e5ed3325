import Testing

@testable import EngramCore

/// An embedder unlike the hashed one: 26 letter counts. Its vectors must never be compared
/// with hashed vectors.
struct LetterEmbedder: Embedder {
    let name = "letters-test"
    let dimension = 26
    func embed(_ texts: [String]) -> [[Float]] {
        texts.map { text in
            var v = [Float](repeating: 0, count: 26)
            for scalar in text.lowercased().unicodeScalars where scalar >= "a" && scalar <= "z" {
                v[Int(scalar.value - 97)] += 1
            }
            return v
        }
    }
}

@Suite struct ReembedTests {
    @Test func switchingEmbeddersReembedsEachProfileWholeAndKeepsClientVectors() throws {
        // Written under the built-in hashed embedder, one vector from a client.
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let a = try t.engine.makeProfile(store: store, email: "a@example.com")
        let b = try t.engine.makeProfile(store: store, email: "b@example.com")
        _ = try t.engine.observe(
            storeID: store, profileID: a,
            observations: [observation("Enjoys hiking in the Alps"), observation("Prefers email")])
        let client = [Float](repeating: 0.05, count: 384)
        _ = try t.engine.observe(
            storeID: store, profileID: b,
            observations: [observation("Owns a red bicycle"), observation("Sent by the client", embedding: client)])

        // Started again with another embedder: the log replays as it was written.
        let clock = ManualClock(start: 1_800_000_000_000_000)
        var configuration = EngineConfiguration(
            idGenerator: SequentialIDGenerator(start: 1_000), clock: { clock.tick() })
        configuration.recall.embedder = LetterEmbedder()
        let journal = RecordingJournal()
        let restarted = Engine(configuration: configuration, journal: journal)
        for command in t.journal.commands { try restarted.replay(command) }

        // Until re-embedded, recall keeps using the hashed vectors (the query is embedded by the
        // hashed embedder for this profile), and a new observation, made by the letters
        // embedder, is recalled lexically only.
        let before = try restarted.recall(
            storeID: store, profileID: a, RecallOptions(query: "hiking alps", explain: true))
        #expect(before.observations.first?.observation.content == "Enjoys hiking in the Alps")
        #expect((before.observations.first?.explanation?.semantic ?? 0) > 0.2)
        _ = try restarted.observe(storeID: store, profileID: a, observations: [observation("Plays chess on Sundays")])
        let pending = restarted.profilesToReembed()
        #expect(Set(pending.map(\.profileID)) == [a, b])
        #expect(restarted.reembedProgress.pendingProfiles == 2)
        let chessBefore = try restarted.recall(
            storeID: store, profileID: a, RecallOptions(query: "chess", explain: true))
        #expect(chessBefore.observations.first?.explanation?.semantic == 0)

        for p in pending { try restarted.reembed(storeID: p.storeID, profileID: p.profileID) }
        #expect(restarted.profilesToReembed().isEmpty)
        #expect(restarted.reembedProgress == ReembedProgress(pendingProfiles: 0, doneProfiles: 2, vectors: 3))
        #expect(try restarted.reembed(storeID: store, profileID: a) == 0, "nothing left to re-embed")

        let letters = LetterEmbedder()
        let listedA = try restarted.listObservations(storeID: store, profileID: a).observations
        #expect(listedA.count == 3)
        for o in listedA {
            #expect(o.embedder == letters.identity.description)
            #expect(o.embedding == letters.embed([o.content])[0])
        }
        let listedB = try restarted.listObservations(storeID: store, profileID: b).observations
        let kept = try #require(listedB.first { $0.content == "Sent by the client" })
        #expect(kept.embedder == nil && kept.embedding == client, "a client's vector is kept as sent")
        #expect(listedB.first { $0.content == "Owns a red bicycle" }?.embedder == letters.identity.description)

        // Now the letters embedder scores every observation of the profile.
        let chess = try restarted.recall(storeID: store, profileID: a, RecallOptions(query: "chess", explain: true))
        #expect(chess.observations.first?.observation.content == "Plays chess on Sundays")
        #expect(chess.observations.allSatisfy { ($0.explanation?.semantic ?? 0) > 0 })

        // The log replays to the same state, and so does a snapshot restore.
        let replayed = Engine(configuration: configuration)
        for command in t.journal.commands { try replayed.replay(command) }
        for (i, command) in journal.commands.enumerated() { try replayed.replay(command, logPosition: UInt64(i + 1)) }
        expectSameState(replayed, restarted)
        let restored = Engine(restoring: restarted.view().snapshot(), configuration: configuration)
        expectSameState(restored, restarted)
    }

    /// Back to the built-in hashed embedder: its vectors are built from the text while the
    /// command is applied, and equal the ones a profile written under it holds.
    @Test func reembeddingToTheHashedEmbedderBuildsItsVectorsFromTheText() throws {
        var letters = EngineConfiguration(idGenerator: SequentialIDGenerator())
        letters.recall.embedder = LetterEmbedder()
        let journal = RecordingJournal()
        let old = Engine(configuration: letters, journal: journal)
        let store = try old.createStore(displayName: "s").store.id
        let a = try old.resolveIdentity(
            storeID: store, identifiers: [IdentifierInput(type: "email", value: "a@example.com")]
        ).profileID
        _ = try old.observe(
            storeID: store, profileID: a,
            observations: [observation("Enjoys hiking in the Alps"), observation("Prefers email over phone")])

        let t = makeEngine()
        for command in journal.commands { try t.engine.replay(command) }
        #expect(t.engine.profilesToReembed().map(\.profileID) == [a])
        #expect(try t.engine.reembed(storeID: store, profileID: a) == 2)
        guard case .reembed(let logged) = t.journal.commands.last else {
            Issue.record("expected a Reembed command")
            return
        }
        #expect(logged.embedder == HashedEmbedder.standardIdentity && logged.vectors.allSatisfy { $0.embedding == nil })
        let profile = try #require(t.engine.view().shards.compactMap { $0.profile(store: store, id: a) }.first)
        for stored in profile.observations.values {
            let row = try #require(profile.indexed.recall.observations.vector(of: stored.observation.id))
            let expected = HashedEmbedder.standard.embed(stored.observation.content)
            // Rows are stored to half precision: within half an ulp of binary16 (2⁻¹¹ relative).
            #expect(
                zip(row, expected).allSatisfy { abs($0 - $1) <= abs($1) / 2048 + 1e-7 }, "\(stored.observation.content)"
            )
        }
        let hit = try t.engine.recall(storeID: store, profileID: a, RecallOptions(query: "hiking", explain: true))
        #expect((hit.observations.first?.explanation?.semantic ?? 0) > 0.2)
    }

    @Test func vectorsOfAnotherEmbedderAreNotMixedIntoAMatrix() {
        var corpus = RecallCorpus()
        let text = AnalyzedText("tea")
        corpus.put(id: "1", text: text, source: "s", occurredAt: 1, active: true, vector: .given([1, 0]), space: "x")
        corpus.put(id: "2", text: text, source: "s", occurredAt: 1, active: true, vector: .given([0, 1]), space: "y")
        corpus.put(id: "3", text: text, source: "s", occurredAt: 1, active: true, vector: .given([1, 1]), space: nil)
        #expect(corpus.space == "x")
        #expect(corpus.vectorCount == 2, "y's vector is turned away; the client's is kept")
        corpus.adopt(space: "y")
        #expect(corpus.vectorCount == 1 && corpus.engineVectorCount == 0)
        corpus.put(id: "2", text: text, source: "s", occurredAt: 1, active: true, vector: .given([0, 1]), space: "y")
        #expect(corpus.vectorCount == 2 && corpus.engineVectorCount == 1)
    }
}
