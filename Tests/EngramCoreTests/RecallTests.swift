import EngramCore
import Testing

/// A day in microseconds.
private let day: Int64 = 86_400_000_000

@Suite struct RecallTests {
    /// A profile with five facts from two sources, on days 1–5.
    func setUp() throws -> (TestEngine, String, String, [String]) {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        let facts = [
            observation("Prefers email over phone for follow-ups", at: 1 * day, source: "voice-agent"),
            observation("Was charged twice for the March invoice", at: 2 * day, source: "chat-agent"),
            observation("Has a golden retriever called Biscuit", at: 3 * day, source: "voice-agent"),
            observation("Asked for the invoice to be sent by email", at: 4 * day, source: "chat-agent"),
            observation("Plays tennis on Sunday mornings", at: 5 * day, source: "voice-agent"),
        ]
        let ids = try t.engine.observe(storeID: store, profileID: id, observations: facts).observations.map(
            \.observationID)
        return (t, store, id, ids)
    }

    func recall(_ t: TestEngine, _ store: String, _ id: String, _ options: RecallOptions) throws -> RecallResult {
        try t.engine.recall(storeID: store, profileID: id, options)
    }

    @Test func ranksTheMatchingFactFirstWithScoresInTheUnitInterval() throws {
        let (t, store, id, ids) = try setUp()
        let result = try recall(t, store, id, RecallOptions(query: "What is the dog's name? The retriever."))
        #expect(result.isRanked)
        #expect(result.profileID == id)
        #expect(result.observations.first?.observation.id == ids[2])
        let scores = result.observations.compactMap(\.score)
        #expect(scores.count == result.observations.count)
        #expect(scores.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(scores == scores.sorted(by: >), "best first")
        #expect(result.effectiveQuery == "What is the dog's name? The retriever.")
        #expect(result.queryTimeMicros >= 0)

        let invoice = try recall(t, store, id, RecallOptions(query: "invoices"))
        #expect(
            Set(invoice.observations.prefix(2).map(\.observation.id)) == [ids[1], ids[3]],
            "stemming: invoices → invoice")
    }

    @Test func limitsBoundEachList() throws {
        let (t, store, id, _) = try setUp()
        _ = try t.engine.observe(
            storeID: store, profileID: id,
            summaries: [
                SummaryInput(
                    content: "Billing dispute about a double charge", conversationID: "c1", occurredAt: day,
                    source: "agent"),
                SummaryInput(
                    content: "Talked about the dog and tennis", conversationID: "c2", occurredAt: 2 * day,
                    source: "agent"),
            ],
            communications: (1...4).map {
                CommunicationInput(
                    authorType: .customer, channel: .chat, text: "message \($0)", conversationID: "c1",
                    createdAt: Int64($0))
            })
        let defaults = try recall(t, store, id, RecallOptions(query: "invoice email"))
        #expect(defaults.observations.count == 5)
        #expect(defaults.summaries.count == 2)
        #expect(defaults.communications.isEmpty, "communications_limit defaults to 0")

        let limited = try recall(
            t, store, id,
            RecallOptions(query: "invoice email", observationsLimit: 2, summariesLimit: 1, communicationsLimit: 3))
        #expect(limited.observations.count == 2)
        #expect(limited.summaries.count == 1)
        #expect(limited.communications.map(\.text) == ["message 4", "message 3", "message 2"], "newest first")

        let none = try recall(t, store, id, RecallOptions(query: "invoice", observationsLimit: 0, summariesLimit: 0))
        #expect(none.observations.isEmpty && none.summaries.isEmpty)
    }

    @Test func thresholdLeavesOutLowScores() throws {
        let (t, store, id, ids) = try setUp()
        let all = try recall(t, store, id, RecallOptions(query: "golden retriever"))
        #expect(all.observations.count == 5)
        let cut = all.observations[0].score! - 0.0001
        let kept = try recall(t, store, id, RecallOptions(query: "golden retriever", relevanceThreshold: cut))
        #expect(kept.observations.map(\.observation.id) == [ids[2]])
        let nothing = try recall(t, store, id, RecallOptions(query: "golden retriever", relevanceThreshold: 1))
        #expect(nothing.observations.allSatisfy { $0.score! >= 1 })
    }

    @Test func sourceFilterKeepsOnlyThoseSources() throws {
        let (t, store, id, ids) = try setUp()
        let chat = try recall(t, store, id, RecallOptions(query: "email", sources: ["chat-agent"]))
        #expect(Set(chat.observations.map(\.observation.id)) == [ids[1], ids[3]])
        let both = try recall(t, store, id, RecallOptions(query: "email", sources: ["chat-agent", "voice-agent"]))
        #expect(both.observations.count == 5)
        let unknown = try recall(t, store, id, RecallOptions(query: "email", sources: ["nobody"]))
        #expect(unknown.observations.isEmpty)
    }

    @Test func timeRangeIsBeginInclusiveEndExclusive() throws {
        let (t, store, id, ids) = try setUp()
        let window = try recall(
            t, store, id, RecallOptions(query: "email invoice", occurred: TimeRange(begin: 2 * day, end: 4 * day)))
        #expect(Set(window.observations.map(\.observation.id)) == [ids[1], ids[2]])
        let open = try recall(t, store, id, RecallOptions(occurred: TimeRange(begin: 4 * day)))
        #expect(open.observations.map(\.observation.id) == [ids[4], ids[3]])
    }

    @Test func withoutQueryItemsComeNewestFirstUnscored() throws {
        let (t, store, id, ids) = try setUp()
        _ = try t.engine.observe(
            storeID: store, profileID: id,
            summaries: [
                SummaryInput(content: "older", conversationID: "c1", occurredAt: day, source: "agent"),
                SummaryInput(content: "newer", conversationID: "c2", occurredAt: 2 * day, source: "agent"),
            ])
        for options in [RecallOptions(), RecallOptions(query: "   ")] {
            let result = try recall(t, store, id, options)
            #expect(!result.isRanked)
            #expect(result.effectiveQuery == "")
            #expect(result.observations.map(\.observation.id) == ids.reversed())
            #expect(result.observations.allSatisfy { $0.score == nil && $0.explanation == nil })
            #expect(result.summaries.map(\.summary.content) == ["newer", "older"])
        }
        let filtered = try recall(t, store, id, RecallOptions(observationsLimit: 2, sources: ["voice-agent"]))
        #expect(filtered.observations.map(\.observation.id) == [ids[4], ids[2]])
    }

    @Test func conversationBuildsTheQueryFromItsLatestCommunications() throws {
        let (t, store, id, ids) = try setUp()
        let texts = ["hello there", "my dog Biscuit is unwell", "can you remind me of the retriever's vet"]
        _ = try t.engine.observe(
            storeID: store, profileID: id,
            communications: texts.enumerated().map {
                CommunicationInput(
                    authorType: .customer, channel: .chat, text: $0.element, conversationID: "call-7",
                    createdAt: Int64($0.offset + 1))
            } + [
                CommunicationInput(
                    authorType: .customer, channel: .chat, text: "tennis invoice", conversationID: "other", createdAt: 9
                )
            ])
        let result = try recall(t, store, id, RecallOptions(conversationID: "call-7", communicationsLimit: 10))
        #expect(result.isRanked)
        #expect(result.effectiveQuery == texts.joined(separator: "\n"))
        #expect(result.observations.first?.observation.id == ids[2])
        #expect(result.communications.map(\.text) == texts.reversed(), "that conversation's, newest first")

        let given = try recall(t, store, id, RecallOptions(query: "tennis", conversationID: "call-7"))
        #expect(given.effectiveQuery == "tennis", "a query wins over the conversation")
        #expect(given.observations.first?.observation.id == ids[4])
    }

    @Test func supersededFactsOnlyWhenAskedFor() throws {
        let (t, store, id, _) = try setUp()
        let old = try t.engine.observe(
            storeID: store, profileID: id,
            observations: [observation("Lives in Toronto", at: 6 * day, subject: "home.city")]
        ).observations[0].observationID
        let new = try t.engine.observe(
            storeID: store, profileID: id,
            observations: [observation("Lives in Vancouver", at: 7 * day, subject: "home.city")]
        ).observations[0].observationID
        let current = try recall(t, store, id, RecallOptions(query: "Where does the customer live? Toronto?"))
        #expect(!current.observations.contains { $0.observation.id == old })
        #expect(current.observations.first?.observation.id == new)
        let history = try recall(t, store, id, RecallOptions(query: "Toronto", includeSuperseded: true))
        #expect(history.observations.first?.observation.id == old)
        #expect(history.observations.first?.observation.status == .superseded)
        let listing = try recall(t, store, id, RecallOptions(includeSuperseded: true))
        #expect(listing.observations.map(\.observation.id).prefix(2) == [new, old])
    }

    @Test func explainGivesScorePartsRanksAndMatchedTerms() throws {
        let (t, store, id, ids) = try setUp()
        let plain = try recall(t, store, id, RecallOptions(query: "invoice emails"))
        #expect(plain.observations.allSatisfy { $0.explanation == nil })

        let result = try recall(t, store, id, RecallOptions(query: "invoice emails", explain: true))
        let top = try #require(result.observations.first)
        #expect(top.observation.id == ids[3], "the only fact with both terms")
        let why = try #require(top.explanation)
        #expect(why.matchedTerms == ["invoic", "email"])
        #expect(why.lexical == 1 && why.lexicalRank == 1)
        #expect(why.semantic > 0 && why.semantic <= 1 && why.semanticRank >= 1)
        #expect(why.recency > 0 && why.recency <= 1)
        let tennis = try #require(result.observations.first { $0.observation.id == ids[4] }?.explanation)
        #expect(tennis.matchedTerms.isEmpty && tennis.lexical == 0 && tennis.lexicalRank == 0)
        #expect(tennis.recency == 1, "the newest candidate")
        let weights = RecallConfiguration().weights
        let expected = weights.lexical * why.lexical + weights.semantic * why.semantic + weights.recency * why.recency
        #expect(abs(top.score! - expected) < 1e-6, "the score is the weighted mean of its parts")
    }

    @Test func badRequestsNameTheField() throws {
        let (t, store, id, _) = try setUp()
        let cases: [(String, RecallOptions)] = [
            ("observations_limit", RecallOptions(observationsLimit: 101)),
            ("observations_limit", RecallOptions(observationsLimit: -1)),
            ("summaries_limit", RecallOptions(summariesLimit: 101)),
            ("communications_limit", RecallOptions(communicationsLimit: -5)),
            ("query", RecallOptions(query: String(repeating: "a", count: 1_025))),
            ("end_us", RecallOptions(occurred: TimeRange(begin: 10, end: 10))),
            ("end_us", RecallOptions(occurred: TimeRange(begin: 10, end: 5))),
            ("begin_us", RecallOptions(occurred: TimeRange(begin: -1))),
            ("relevance_threshold", RecallOptions(relevanceThreshold: 1.5)),
            ("relevance_threshold", RecallOptions(relevanceThreshold: -0.1)),
            ("relevance_threshold", RecallOptions(relevanceThreshold: .nan)),
            ("sources[1]", RecallOptions(sources: ["ok", "bad/source"])),
            ("conversation_id", RecallOptions(conversationID: "has space")),
            ("query_embedding", RecallOptions(queryEmbedding: [1, 2, 3])),
        ]
        for (field, options) in cases {
            expectError(.invalidArgument, field: field) { try recall(t, store, id, options) }
        }
        _ = try recall(t, store, id, RecallOptions(query: String(repeating: "é", count: 1_024)))
        expectError(.notFound, field: "profile_id") { try recall(t, store, "pr_missing", RecallOptions()) }
        expectError(.invalidArgument, field: "profile_id") { try recall(t, store, "", RecallOptions()) }
        expectError(.notFound, field: "store_id") { try recall(t, "st_missing", id, RecallOptions()) }
    }

    @Test func recallByIdentifier() throws {
        let (t, store, id, ids) = try setUp()
        let result = try t.engine.recall(
            storeID: store, identifier: email(" A@Example.com "), RecallOptions(query: "tennis"))
        #expect(result.profileID == id)
        #expect(result.observations.first?.observation.id == ids[4])
        expectError(.notFound, field: "identifier") {
            try t.engine.recall(storeID: store, identifier: email("nobody@example.com"))
        }
        expectError(.invalidArgument, field: "identifier.type") {
            try t.engine.recall(storeID: store, identifier: IdentifierInput(type: "shoe_size", value: "9"))
        }
        expectError(.invalidArgument, field: "identifier.value") {
            try t.engine.recall(storeID: store, identifier: IdentifierInput(type: "email", value: ""))
        }
    }

    @Test func returnsTraitsAndSummariesRanked() throws {
        let (t, store, id, _) = try setUp()
        _ = try t.engine.updateTraits(
            storeID: store, profileID: id, [TraitUpdate(group: "Account", name: "tier", value: .string("gold"))])
        _ = try t.engine.observe(
            storeID: store, profileID: id,
            summaries: [
                SummaryInput(
                    content: "Billing dispute about a double charge on the invoice", conversationID: "c1",
                    occurredAt: day, source: "agent"),
                SummaryInput(
                    content: "Chatted about the dog and tennis", conversationID: "c2", occurredAt: 2 * day,
                    source: "agent"),
            ])
        let result = try recall(t, store, id, RecallOptions(query: "invoice dispute", explain: true))
        #expect(result.traits == (try t.engine.getProfile(storeID: store, profileID: id)).traits)
        #expect(result.summaries.map(\.summary.conversationID) == ["c1", "c2"])
        #expect(result.summaries[0].explanation?.matchedTerms == ["invoic", "disput"])
        #expect(result.summaries.allSatisfy { ($0.score ?? -1) >= 0 && ($0.score ?? 2) <= 1 })
    }
}
