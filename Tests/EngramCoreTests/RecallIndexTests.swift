import Testing

@testable import EngramCore

/// The index follows every write, and embeddings travel in the log.
@Suite struct RecallIndexTests {
    func ids(_ result: RecallResult) -> [String] { result.observations.map(\.observation.id) }

    @Test func observeDeleteAndDuplicatesKeepTheIndexCurrent() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        let query = RecallOptions(query: "kayak")
        #expect(ids(try t.engine.recall(storeID: store, profileID: id, query)).isEmpty)

        let added = try t.engine.observe(storeID: store, profileID: id, observations: [observation("Owns a red kayak")])
        let kayak = added.observations[0].observationID
        #expect(ids(try t.engine.recall(storeID: store, profileID: id, query)) == [kayak], "read-your-writes")

        let again = try t.engine.observe(
            storeID: store, profileID: id, observations: [observation("owns a RED kayak!")])
        #expect(again.observations[0].kind == .duplicate)
        #expect(
            ids(try t.engine.recall(storeID: store, profileID: id, query)) == [kayak], "a duplicate is indexed once")

        _ = try t.engine.deleteObservation(storeID: store, profileID: id, observationID: kayak)
        #expect(ids(try t.engine.recall(storeID: store, profileID: id, query)).isEmpty)
        #expect(ids(try t.engine.recall(storeID: store, profileID: id, RecallOptions())).isEmpty)

        // The freed slot is reused, and nothing of the deleted text lingers.
        let canoe = try t.engine.observe(
            storeID: store, profileID: id, observations: [observation("Owns a green canoe")])
        let stale = try t.engine.recall(storeID: store, profileID: id, RecallOptions(query: "kayak", explain: true))
        #expect(stale.observations.allSatisfy { $0.explanation?.matchedTerms == [] && $0.explanation?.lexical == 0 })
        let profile = try #require(t.engine.view().shards.compactMap { $0.profile(store: store, id: id) }.first)
        #expect(profile.indexed.recall.observations.postings["kayak".stableHash] == nil)
        #expect(
            profile.indexed.recall.observations.count == 1
                && profile.indexed.recall.observations.slotCapacity == RecallBlock.size)
        #expect(
            ids(try t.engine.recall(storeID: store, profileID: id, RecallOptions(query: "canoe"))) == [
                canoe.observations[0].observationID
            ])
    }

    @Test func manyObservationsSpanBlocksAndDeletesFreeSlots() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        var all: [String] = []
        for batch in 0..<3 {
            let facts = (0..<60).map { i in
                observation("fact number w\(batch * 60 + i) about topic\(i % 7)", at: Int64(batch * 60 + i))
            }
            all += try t.engine.observe(storeID: store, profileID: id, observations: facts).observations.map(
                \.observationID)
        }
        let hit = try t.engine.recall(storeID: store, profileID: id, RecallOptions(query: "w150"))
        #expect(hit.observations.first?.observation.id == all[150])
        for gone in all.prefix(70) {
            _ = try t.engine.deleteObservation(storeID: store, profileID: id, observationID: gone)
        }
        let listing = try t.engine.recall(storeID: store, profileID: id, RecallOptions(observationsLimit: 100))
        #expect(listing.observations.count == 100)
        #expect(Set(listing.observations.map(\.observation.id)).isDisjoint(with: all.prefix(70)))
        let topic = try t.engine.recall(
            storeID: store, profileID: id, RecallOptions(query: "topic3", observationsLimit: 100))
        #expect(topic.observations.prefix(16).allSatisfy { $0.observation.content.hasSuffix("topic3") })
    }

    @Test func mergedProfilesAreRecalledThroughEitherID() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let keep = try t.engine.makeProfile(store: store, email: "a@example.com")
        let gone = try t.engine.makeProfile(store: store, email: "b@example.com")
        _ = try t.engine.observe(storeID: store, profileID: keep, observations: [observation("Likes jazz")])
        let fact = try t.engine.observe(
            storeID: store, profileID: gone, observations: [observation("Collects vinyl records")])
        _ = try t.engine.resolveIdentity(storeID: store, identifiers: [email("a@example.com"), email("b@example.com")])
        for asked in [keep, gone] {
            let result = try t.engine.recall(storeID: store, profileID: asked, RecallOptions(query: "vinyl record"))
            #expect(result.profileID == keep)
            #expect(result.observations.first?.observation.id == fact.observations[0].observationID)
        }
    }

    @Test func mergeSettlesSubjectsInTheIndex() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let keep = try t.engine.makeProfile(store: store, email: "a@example.com")
        let gone = try t.engine.makeProfile(store: store, email: "b@example.com")
        let older = try t.engine.observe(
            storeID: store, profileID: keep, observations: [observation("Drives a Volvo", at: 10, subject: "car")])
        let newer = try t.engine.observe(
            storeID: store, profileID: gone, observations: [observation("Drives a Tesla", at: 20, subject: "car")])
        _ = try t.engine.resolveIdentity(storeID: store, identifiers: [email("a@example.com"), email("b@example.com")])
        let result = try t.engine.recall(storeID: store, profileID: keep, RecallOptions(query: "drives Volvo"))
        #expect(ids(result) == [newer.observations[0].observationID], "the Volvo fact was superseded by the merge")
        let all = try t.engine.recall(
            storeID: store, profileID: keep, RecallOptions(query: "Volvo", includeSuperseded: true))
        #expect(ids(all).first == older.observations[0].observationID)
    }

    @Test func summariesAreReplacedInTheIndex() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        _ = try t.engine.observe(
            storeID: store, profileID: id,
            summaries: [
                SummaryInput(content: "Discussed a refund", conversationID: "c1", occurredAt: 1, source: "agent")
            ])
        _ = try t.engine.observe(
            storeID: store, profileID: id,
            summaries: [
                SummaryInput(content: "Discussed an upgrade", conversationID: "c1", occurredAt: 2, source: "agent")
            ])
        let refund = try t.engine.recall(
            storeID: store, profileID: id, RecallOptions(query: "refund", relevanceThreshold: 0.5))
        #expect(refund.summaries.isEmpty)
        let upgrade = try t.engine.recall(storeID: store, profileID: id, RecallOptions(query: "upgrade"))
        #expect(upgrade.summaries.map(\.summary.content) == ["Discussed an upgrade"])
    }

    @Test func embeddingsAreDecidedBeforeApplyAndJournaled() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        _ = try t.engine.observe(
            storeID: store, profileID: id, observations: [observation("Enjoys hiking in the Alps")])
        guard case .observe(let logged) = t.journal.commands.last else {
            Issue.record("expected an Observe command")
            return
        }
        let embedding = try #require(logged.observations[0].embedding)
        #expect(embedding.count == HashedEmbedder.standard.dimension)
        #expect(embedding == HashedEmbedder.standard.embed("Enjoys hiking in the Alps"))

        // Replaying onto an engine whose embedder would give other vectors keeps the logged ones.
        var configuration = EngineConfiguration(idGenerator: SequentialIDGenerator())
        configuration.recall.embedder = HashedEmbedder(
            dimension: HashedEmbedder.standard.dimension, termWeight: 0, pairWeight: 0)
        let replayed = Engine(configuration: configuration)
        for command in t.journal.commands { try replayed.replay(command) }
        let observationID = logged.observations[0].id
        let stored = try replayed.listObservationRevisions(storeID: store, profileID: id, observationID: observationID)
        #expect(stored.observation.embedding == nil, "a standard hashed vector lives in the recall index only")
        let profile = try #require(replayed.view().shards.compactMap { $0.profile(store: store, id: id) }.first)
        let row = try #require(profile.indexed.recall.observations.vector(of: observationID))
        // Rows are stored to half precision: within half an ulp of binary16 (2⁻¹¹ relative).
        #expect(
            zip(row, embedding).allSatisfy { abs($0 - $1) <= abs($1) / 2048 + 1e-7 },
            "the logged vector, not the replaying engine's")
        // Without the vector (as the log file stores it), replay builds the same row.
        let rebuilt = Engine(configuration: configuration)
        for command in t.journal.commands {
            guard case .observe(var c) = command else {
                try rebuilt.replay(command)
                continue
            }
            for i in c.observations.indices { c.observations[i].embedding = nil }
            try rebuilt.replay(.observe(c))
        }
        let rebuiltProfile = try #require(rebuilt.view().shards.compactMap { $0.profile(store: store, id: id) }.first)
        #expect(rebuiltProfile.indexed.recall.observations.vector(of: observationID) == row)
    }

    @Test func clientEmbeddingsAreKeptAndChecked() throws {
        var configuration = EngineConfiguration(idGenerator: SequentialIDGenerator())
        configuration.recall = RecallConfiguration(
            embedder: HashedEmbedder(dimension: 4), lexicalWeight: 0, semanticWeight: 1, recencyWeight: 0)
        let engine = Engine(configuration: configuration)
        let store = try engine.makeStore()
        let id = try engine.makeProfile(store: store, email: "a@example.com")
        let result = try engine.observe(
            storeID: store, profileID: id,
            observations: [
                observation("alpha", embedding: [1, 0, 0, 0]), observation("beta", embedding: [0, 3, 0, 0]),
                observation("gamma", embedding: [0, 0, 1, 1]),
            ])
        let ids = result.observations.map(\.observationID)
        let kept = try engine.listObservationRevisions(storeID: store, profileID: id, observationID: ids[1])
        #expect(kept.observation.embedding == [0, 3, 0, 0], "stored as sent")

        let byVector = try engine.recall(
            storeID: store, profileID: id, RecallOptions(explain: true, queryEmbedding: [0, 1, 0, 0]))
        #expect(byVector.isRanked)
        #expect(byVector.observations.first?.observation.id == ids[1])
        #expect(abs((byVector.observations.first?.score ?? 0) - 1) < 1e-6, "cosine of parallel vectors")
        #expect(byVector.observations.first?.explanation?.semanticRank == 1)
        #expect(byVector.observations.last?.score == 0, "orthogonal or opposite vectors score 0")

        expectError(.invalidArgument, field: "observations[1].embedding") {
            try engine.observe(
                storeID: store, profileID: id,
                observations: [
                    observation("ok", embedding: [1, 0, 0, 0]), observation("too long", embedding: [1, 2, 3, 4, 5]),
                ])
        }
        expectError(.invalidArgument, field: "query_embedding") {
            try engine.recall(storeID: store, profileID: id, RecallOptions(queryEmbedding: [1, 0, 0]))
        }
        expectError(.invalidArgument, field: "query_embedding[2]") {
            try engine.recall(storeID: store, profileID: id, RecallOptions(queryEmbedding: [1, 0, .infinity, 0]))
        }
    }

    @Test func restoreRebuildsAnEqualIndexAndEqualAnswers() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        let facts = (0..<90).map { observation("fact \($0) about item\($0 % 9) and thing\($0 % 4)", at: Int64($0)) }
        let added = try t.engine.observe(storeID: store, profileID: id, observations: facts).observations.map(
            \.observationID)
        for gone in added.prefix(30) where gone.hasSuffix("3") || gone.hasSuffix("7") {
            _ = try t.engine.deleteObservation(storeID: store, profileID: id, observationID: gone)
        }
        _ = try t.engine.observe(
            storeID: store, profileID: id,
            summaries: [SummaryInput(content: "about item4", conversationID: "c", occurredAt: 5, source: "agent")])
        let restored = Engine(restoring: t.engine.view().snapshot(), configuration: t.engine.configuration)
        let live = try #require(t.engine.view().shards.compactMap { $0.profile(store: store, id: id) }.first)
        let back = try #require(restored.view().shards.compactMap { $0.profile(store: store, id: id) }.first)
        #expect(live.isIndexed && !back.isIndexed, "a restore leaves the indexes for later")
        #expect(live.indexes == back.indexed, "same documents, statistics and vectors, whatever the slots")
        let options = RecallOptions(query: "item4 thing2", observationsLimit: 15, explain: true)
        #expect(
            try t.engine.recall(storeID: store, profileID: id, options).observations
                == restored.recall(storeID: store, profileID: id, options).observations)
        let after = try #require(restored.view().shards.compactMap { $0.profile(store: store, id: id) }.first)
        #expect(after.indexes == live.indexes, "the first recall built them in the shard")
        #expect(restored.unindexedProfileCount() == 0)
    }

    @Test func indexEqualityNoticesADifference() throws {
        var a = RecallIndex()
        var b = RecallIndex()
        let fact = Observation(
            id: "o1", content: "likes tea", source: "agent", occurredAt: 1, conversationIDs: [], subjectKey: nil,
            embedding: nil, idempotencyKey: nil, createdAt: 1, updatedAt: 1, mentionCount: 1, status: .active,
            supersededBy: nil)
        a.put(fact, old: nil)
        #expect(a != b)
        b.put(fact, old: nil)
        #expect(a == b)
        var superseded = fact
        superseded.status = .superseded
        b.put(superseded, old: fact)
        #expect(a != b)
        #expect(b.observations.activeCount == 0 && b.observations.count == 1)
    }
}

/// Large profiles scan a sign sketch first; the best items must still come out exactly.
@Suite struct RecallSketchTests {
    /// SplitMix64, for reproducible vectors.
    struct Random {
        var state: UInt64
        mutating func next() -> Float {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Float(z >> 40) / Float(1 << 24) * 2 - 1
        }
    }

    @Test func pastTheThresholdTheTopItemsAreExact() throws {
        let dimension = 32
        var configuration = EngineConfiguration(idGenerator: SequentialIDGenerator())
        configuration.recall = RecallConfiguration(
            embedder: HashedEmbedder(dimension: dimension), lexicalWeight: 0, semanticWeight: 1, recencyWeight: 0)
        let engine = Engine(configuration: configuration)
        let store = try engine.makeStore()
        let id = try engine.makeProfile(store: store, email: "a@example.com")
        var random = Random(state: 7)
        var vectors: [String: [Float]] = [:]
        let total = RecallCorpus.sketchThreshold + 300
        var added = 0
        while added < total {
            let batch = (added..<min(added + 100, total)).map { i in
                observation("q\(i) r\(i * 7)", at: Int64(i), embedding: (0..<dimension).map { _ in random.next() })
            }
            let outcomes = try engine.observe(storeID: store, profileID: id, observations: batch).observations
            for (item, outcome) in zip(batch, outcomes) { vectors[outcome.observationID] = item.embedding }
            added += batch.count
        }
        let query = (0..<dimension).map { _ in random.next() }
        func cosine(_ a: [Float], _ b: [Float]) -> Float {
            let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
            return dot / (a.reduce(0) { $0 + $1 * $1 }.squareRoot() * b.reduce(0) { $0 + $1 * $1 }.squareRoot())
        }
        let exact = vectors.map { (id: $0.key, score: cosine(query, $0.value)) }.sorted { $0.score > $1.score }
        let result = try engine.recall(
            storeID: store, profileID: id, RecallOptions(observationsLimit: 10, queryEmbedding: query))
        #expect(result.observations.map(\.observation.id) == exact.prefix(10).map(\.id))
        for (got, want) in zip(result.observations, exact) {
            #expect(abs((got.score ?? 0) - Double(max(0, want.score))) < 1e-4, "exact scores for the winners")
        }
        // A stored vector as the query is its own best match, exactly.
        let target = exact[exact.count / 2].id
        let own = try engine.recall(
            storeID: store, profileID: id, RecallOptions(observationsLimit: 1, queryEmbedding: vectors[target]))
        #expect(own.observations.first?.observation.id == target)
        #expect(abs((own.observations.first?.score ?? 0) - 1) < 1e-5)
    }
}
