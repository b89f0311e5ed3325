import EngramCore
import Testing

@Suite struct ObservationTests {
    func setUp() throws -> (TestEngine, String, String) {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        return (t, store, id)
    }

    @Test func addedDuplicateSuperseded() throws {
        let (t, store, id) = try setUp()
        let added = try t.engine.observe(
            storeID: store, profileID: id,
            observations: [
                observation("Prefers email over phone for follow-ups.", at: 100, subject: "preference.contact_channel")
            ])
        #expect(added.observations.map(\.kind) == [.added])
        let first = added.observations[0].observationID

        let duplicate = try t.engine.observe(
            storeID: store, profileID: id,
            observations: [observation("prefers EMAIL over phone, for follow-ups", at: 120, conversations: ["conv-2"])])
        #expect(duplicate.observations[0].kind == .duplicate)
        #expect(duplicate.observations[0].observationID == first)
        let history = try t.engine.listObservationRevisions(storeID: store, profileID: id, observationID: first)
        #expect(history.observation.mentionCount == 2)
        #expect(history.observation.conversationIDs == ["conv-1", "conv-2"])
        #expect(history.revisions.count == 1)
        #expect(history.revisions[0].reason == .duplicate)
        #expect(history.revisions[0].conversationIDs == ["conv-2"])
        #expect(history.revisions[0].prior.mentionCount == 1)

        let superseding = try t.engine.observe(
            storeID: store, profileID: id,
            observations: [
                observation(
                    "Now prefers SMS.", at: 200, conversations: ["conv-3"], subject: "preference.contact_channel")
            ])
        #expect(superseding.observations[0].kind == .superseded)
        #expect(superseding.observations[0].replacedID == first)
        let replaced = try t.engine.listObservationRevisions(storeID: store, profileID: id, observationID: first)
        #expect(replaced.observation.status == .superseded)
        #expect(replaced.observation.supersededBy == superseding.observations[0].observationID)
        #expect(replaced.revisions.map(\.reason) == [.superseded, .duplicate], "newest first")
        #expect(replaced.revisions[0].conversationIDs == ["conv-3"])
        #expect(replaced.revisions[0].prior.status == .active)

        // A late arrival, older than the active fact, is superseded at once.
        let late = try t.engine.observe(
            storeID: store, profileID: id,
            observations: [observation("Prefers voice calls.", at: 150, subject: "preference.contact_channel")])
        #expect(late.observations[0].kind == .added)
        #expect(late.observations[0].status == .superseded)
        let active = try t.engine.listObservations(
            storeID: store, profileID: id, filter: ObservationFilter(status: .active)
        ).observations
        #expect(active.map(\.id) == [superseding.observations[0].observationID])
        #expect(t.engine.counts().observations == 3)
    }

    @Test func nearDuplicatesUseTheThreshold() throws {
        let base =
            "the customer said she would like all invoices sent to the billing address in Toronto from next month onwards please"
        let nearly =
            "the customer said she would like all invoices sent to the billing address in Toronto from next month onwards"
        let strict = makeEngine()
        let store = try strict.engine.makeStore()
        let id = try strict.engine.makeProfile(store: store, email: "a@example.com")
        let outcomes = try strict.engine.observe(
            storeID: store, profileID: id,
            observations: [
                observation(base), observation(nearly), observation("dog bites man"), observation("man bites dog"),
            ]
        ).observations.map(\.kind)
        #expect(outcomes == [.added, .duplicate, .added, .added], "bigrams keep reordered statements apart")
        #expect(TextFingerprint(base).similarity(to: TextFingerprint(nearly)) >= 0.9)
        #expect(TextFingerprint("Likes sushi").similarity(to: TextFingerprint("likes pizza")) < 0.9)
        let wordless = try strict.engine.observe(
            storeID: store, profileID: id, observations: [observation("👍"), observation("🎉"), observation(" 👍 ")]
        ).observations.map(\.kind)
        #expect(wordless == [.added, .added, .duplicate], "a text without words only equals itself")

        let loose = makeEngine(threshold: 1.0)
        let store2 = try loose.engine.makeStore()
        let id2 = try loose.engine.makeProfile(store: store2, email: "a@example.com")
        let kinds = try loose.engine.observe(
            storeID: store2, profileID: id2,
            observations: [observation(base), observation(nearly), observation(base.uppercased() + "!")]
        ).observations.map(\.kind)
        #expect(kinds == [.added, .added, .duplicate], "with threshold 1 only equal normalised text is a duplicate")
    }

    @Test func idempotencyKeysReturnTheOriginalOutcome() throws {
        let (t, store, id) = try setUp()
        let first = try t.engine.observe(
            storeID: store, profileID: id, observations: [observation("has two dogs", key: "msg-1")])
        let before = t.engine.view().snapshot()
        let retry = try t.engine.observe(
            storeID: store, profileID: id, observations: [observation("has two dogs", key: "msg-1")])
        #expect(retry.observations[0].observationID == first.observations[0].observationID)
        #expect(retry.observations[0].kind == .added)
        #expect(retry.observations[0].isRetry)
        var after = t.engine.view().snapshot()
        after.logPosition = before.logPosition
        #expect(
            after.stores[0].profiles[0].observations == before.stores[0].profiles[0].observations,
            "a retry changes nothing")
        // Same key inside one call: the second is a retry of the first.
        let twice = try t.engine.observe(
            storeID: store, profileID: id,
            observations: [observation("likes jazz", key: "msg-2"), observation("likes jazz", key: "msg-2")])
        #expect(
            twice.observations[1]
                == ObservationOutcome(kind: .added, observationID: twice.observations[0].observationID, isRetry: true))
        #expect(try t.engine.getProfile(storeID: store, profileID: id).observationCount == 2)
    }

    @Test func badObservationsNameTheField() throws {
        let (t, store, id) = try setUp()
        func check(_ input: ObservationInput, _ field: String, sourceLocation: SourceLocation = #_sourceLocation) {
            expectError(.invalidArgument, field: "observations[1].\(field)", sourceLocation: sourceLocation) {
                try t.engine.observe(storeID: store, profileID: id, observations: [observation("fine"), input])
            }
        }
        check(observation(""), "content")
        check(observation("   "), "content")
        check(observation(String(repeating: "x", count: 4_097)), "content")
        check(observation("x", source: ""), "source")
        check(observation("x", source: "bad/source"), "source")
        check(observation("x", source: String(repeating: "s", count: 101)), "source")
        check(ObservationInput(content: "x", source: "agent", occurredAt: nil), "occurred_at_us")
        check(observation("x", at: -5), "occurred_at_us")
        check(observation("x", conversations: (0..<11).map { "c\($0)" }), "conversation_ids")
        check(observation("x", conversations: ["ok", ""]), "conversation_ids[1]")
        check(observation("x", conversations: ["has space"]), "conversation_ids[0]")
        check(observation("x", subject: "bad key"), "subject")
        check(observation("x", embedding: []), "embedding")
        check(observation("x", embedding: [0.1, .nan]), "embedding[1]")
        check(observation("x", key: ""), "idempotency_key")
        #expect(
            try t.engine.observe(
                storeID: store, profileID: id, observations: [observation(String(repeating: "x", count: 4_096))]
            ).observations.count == 1)
        #expect(
            try t.engine.getProfile(storeID: store, profileID: id).observationCount == 1, "failed calls added nothing")
    }

    @Test func itemLimitsPerCall() throws {
        let (t, store, id) = try setUp()
        expectError(.invalidArgument, field: "observations") { try t.engine.observe(storeID: store, profileID: id) }
        expectError(.invalidArgument, field: "observations[100]") {
            try t.engine.observe(
                storeID: store, profileID: id, observations: (0...100).map { observation("fact \($0)") })
        }
        expectError(.invalidArgument, field: "communications[10]") {
            try t.engine.observe(
                storeID: store, profileID: id, observations: (0..<90).map { observation("fact \($0)") },
                communications: (0..<11).map { _ in
                    CommunicationInput(authorType: .customer, channel: .chat, text: "hi", conversationID: "c")
                })
        }
        let full = try t.engine.observe(
            storeID: store, profileID: id, observations: (0..<100).map { observation("fact number \($0)") })
        #expect(full.observations.allSatisfy { $0.kind == .added })
        expectError(.notFound, field: "profile_id") {
            try t.engine.observe(storeID: store, profileID: "pr_missing", observations: [observation("x")])
        }
    }

    @Test func deleteObservation() throws {
        let (t, store, id) = try setUp()
        let made = try t.engine.observe(
            storeID: store, profileID: id,
            observations: [observation("a fact", subject: "s", key: "k"), observation("another")])
        let target = made.observations[0].observationID
        _ = try t.engine.observe(storeID: store, profileID: id, observations: [observation("A fact.")])
        let receipt = try t.engine.deleteObservation(storeID: store, profileID: id, observationID: target)
        #expect(receipt.revisionsErased == 1)
        #expect(receipt.logPosition == UInt64(t.journal.commands.count))
        expectError(.notFound, field: "observation_id") {
            try t.engine.listObservationRevisions(storeID: store, profileID: id, observationID: target)
        }
        expectError(.notFound, field: "observation_id") {
            try t.engine.deleteObservation(storeID: store, profileID: id, observationID: target)
        }
        // The subject is free again, and the idempotency key still answers with the old outcome.
        let next = try t.engine.observe(
            storeID: store, profileID: id, observations: [observation("new fact", subject: "s")])
        #expect(next.observations[0].kind == .added)
        #expect(
            try t.engine.observe(storeID: store, profileID: id, observations: [observation("a fact", key: "k")])
                .observations[0].isRetry)
        #expect(t.engine.counts().observations == 2)
    }
}

@Suite struct RevisionBoundTests {
    @Test func revisionsAreBoundedOldestFirstOut() throws {
        var limits = EngineLimits()
        limits.maxRevisions = 5
        let t = makeEngine(limits: limits)
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        let first = try t.engine.observe(
            storeID: store, profileID: id, observations: [observation("Likes jazz.", conversations: ["c0"])]
        ).observations[0].observationID
        // Eight repeats, each from its own conversation: eight duplicate revisions, five kept.
        for i in 1...8 {
            _ = try t.engine.observe(
                storeID: store, profileID: id, observations: [observation("likes JAZZ", conversations: ["c\(i)"])])
        }
        let history = try t.engine.listObservationRevisions(storeID: store, profileID: id, observationID: first)
        #expect(history.observation.mentionCount == 9)
        #expect(history.revisions.count == 5)
        // Newest first: conversations c8 back to c4; c1-c3 were dropped.
        #expect(history.revisions.map(\.conversationIDs) == (4...8).reversed().map { ["c\($0)"] })

        // Summaries too: one conversation's summary replaced eight times keeps five revisions.
        for i in 0...8 {
            _ = try t.engine.observe(
                storeID: store, profileID: id, observations: [],
                summaries: [SummaryInput(content: "version \(i)", conversationID: "conv", occurredAt: 1, source: "a")])
        }
        let summary = try #require(try t.engine.listSummaries(storeID: store, profileID: id).summaries.first)
        #expect(summary.summary.content == "version 8")
        #expect(summary.revisions.map(\.prior.content) == (3...7).reversed().map { "version \($0)" })
    }
}
