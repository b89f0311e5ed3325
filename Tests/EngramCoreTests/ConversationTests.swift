import EngramTestSupport
import Testing

@testable import EngramCore

@Suite struct ConversationTests {
    func customer(
        _ text: String, _ channel: Channel = .sms, from address: String = "+1 415 555 0100", id: String? = nil,
        at: Int64? = nil
    )
        -> CommunicationInput
    {
        CommunicationInput(
            authorType: .customer, channel: channel, text: text, conversationID: "", createdAt: at, clientID: id,
            authorAddress: address)
    }

    /// Records an extraction of every customer message as one fact, with a summary.
    @discardableResult
    func extract(_ engine: Engine, _ key: ConversationKey, name: String = "test/1") throws -> ExtractionResult? {
        guard let job = engine.beginExtraction(key, extractorName: { _ in name }) else { return nil }
        let facts = job.messages.filter { $0.authorType == .customer && job.newMessageIDs.contains($0.id) }.map {
            ObservationInput(
                content: "said \($0.text)", source: "test", occurredAt: $0.createdAt, communicationIDs: [$0.id])
        }
        return try engine.finishExtraction(
            job, extractorName: name,
            output: ExtractionOutput(observations: facts, summary: "summary of \(key.conversationID)"))
    }

    @Test func appendResolvesTheCustomerByTheChannelsAddressAndIsIdempotent() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let first = try t.engine.appendCommunications(
            storeID: store, conversationID: "c1",
            communications: [customer("hi", .voice, id: "m1"), customer("order 5", .voice, id: "m2")])
        #expect(first.resolution == .created)
        #expect(first.added == 2 && first.communicationIDs == ["m1", "m2"])
        #expect(first.conversation.state == .open && first.conversation.messageCount == 2)
        #expect(first.conversation.channels == [.voice])
        let profile = first.conversation.profileID
        let lookup = try t.engine.lookupProfiles(storeID: store, type: "phone", value: "+14155550100")
        #expect(lookup.profileIDs == [profile])

        // A retry stores nothing and journals nothing.
        let journaled = t.journal.commands.count
        let retry = try t.engine.appendCommunications(
            storeID: store, conversationID: "c1", communications: [customer("hi", .voice, id: "m1")])
        #expect(retry.added == 0 && retry.resolution == nil && retry.conversation.profileID == profile)
        #expect(t.journal.commands.count == journaled)
        #expect(retry.conversation.messageCount == 2)

        // The same number on WhatsApp is the same customer (the store links them by default).
        let whatsapp = try t.engine.appendCommunications(
            storeID: store, conversationID: "w1",
            communications: [customer("hello", .whatsapp, from: "whatsapp:+14155550100")])
        #expect(whatsapp.conversation.profileID == profile && whatsapp.resolution == .matched)
    }

    @Test func withoutTheLinkWhatsAppIsAnotherProfile() throws {
        let t = makeEngine()
        let store = try t.engine.createStore(
            displayName: "nolink", conversationSettings: ConversationSettings(linkWhatsAppToPhone: false)
        ).store.id
        let call = try t.engine.appendCommunications(
            storeID: store, conversationID: "c1", communications: [customer("hi", .voice)])
        let chat = try t.engine.appendCommunications(
            storeID: store, conversationID: "w1", communications: [customer("hi", .whatsapp, from: "+14155550100")])
        #expect(call.conversation.profileID != chat.conversation.profileID)
    }

    @Test func badAppendsNameTheirField() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        expectError(.invalidArgument, field: "profile_id") {
            try t.engine.appendCommunications(
                storeID: store, conversationID: "c1",
                communications: [
                    CommunicationInput(authorType: .aiAgent, channel: .chat, text: "hello", conversationID: "")
                ])
        }
        expectError(.invalidArgument, field: "communications") {
            try t.engine.appendCommunications(storeID: store, conversationID: "c1", communications: [])
        }
        expectError(.invalidArgument, field: "conversation_id") {
            try t.engine.appendCommunications(
                storeID: store, conversationID: "has space", communications: [customer("x")])
        }
        expectError(.invalidArgument, field: "communications[0].conversation_id") {
            var m = customer("x")
            m.conversationID = "other"
            return try t.engine.appendCommunications(storeID: store, conversationID: "c1", communications: [m])
        }
        expectError(.invalidArgument, field: "communications[1].text") {
            try t.engine.appendCommunications(
                storeID: store, conversationID: "c1", communications: [customer("x"), customer(" ")])
        }
        expectError(.invalidArgument, field: "communications[0].author.address") {
            try t.engine.appendCommunications(
                storeID: store, conversationID: "c1", communications: [customer("x", from: "null")])
        }
        let limits = t.engine.configuration.limits
        expectError(.invalidArgument, field: "communications[\(limits.maxMessagesPerAppend)]") {
            try t.engine.appendCommunications(
                storeID: store, conversationID: "c1",
                communications: Array(repeating: customer("x"), count: limits.maxMessagesPerAppend + 1))
        }
        // A conversation belongs to one profile.
        let owner = try t.engine.appendCommunications(
            storeID: store, conversationID: "c1", communications: [customer("x")])
        let stranger = try t.engine.makeProfile(store: store, email: "s@example.com")
        let error = expectError(.failedPrecondition, field: "conversation_id") {
            try t.engine.appendCommunications(
                storeID: store, conversationID: "c1", profileID: stranger, communications: [customer("y")])
        }
        #expect(error?.message.contains(owner.conversation.profileID) == true)
        expectError(.notFound, field: "conversation_id") {
            try t.engine.closeConversation(storeID: store, conversationID: "nope")
        }
        expectError(.notFound, field: "conversation_id") {
            try t.engine.getConversation(storeID: store, conversationID: "nope")
        }
    }

    @Test func closeExtractReopenAndExtractOnlyWhatIsNew() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let opened = try t.engine.appendCommunications(
            storeID: store, conversationID: "c1",
            communications: [
                customer("I prefer SMS", id: "m1", at: 10), customer("my order is late", id: "m2", at: 20),
            ])
        let profile = opened.conversation.profileID
        let closed = try t.engine.closeConversation(storeID: store, conversationID: "c1")
        #expect(closed.conversation.state == .closed && closed.conversation.closedAt > 0)
        let key = ConversationKey(storeID: store, profileID: profile, conversationID: "c1")
        #expect(t.engine.pendingExtractions() == [key])
        #expect(t.engine.extractionStats().pending == 1)

        // While an extractor holds it, it reads EXTRACTING and nobody else can take it.
        let job = try #require(t.engine.beginExtraction(key, extractorName: { _ in "test/1" }))
        #expect(try t.engine.getConversation(storeID: store, conversationID: "c1").state == .extracting)
        #expect(t.engine.beginExtraction(key, extractorName: { _ in "test/1" }) == nil)
        #expect(job.newMessageIDs == ["m1", "m2"] && job.messages.map(\.id) == ["m1", "m2"])
        t.engine.abandonExtraction(job)
        #expect(try t.engine.getConversation(storeID: store, conversationID: "c1").state == .closed)

        let result = try #require(try extract(t.engine, key))
        #expect(result.conversation.state == .extracted && result.outcomes.count == 2)
        #expect(result.conversation.extractedMessageCount == 2 && result.conversation.extractor == "test/1")
        let facts = try t.engine.listObservations(storeID: store, profileID: profile).observations
        #expect(Set(facts.map(\.communicationIDs)) == [["m1"], ["m2"]])
        #expect(facts.allSatisfy { $0.conversationIDs == ["c1"] })
        #expect(Set(result.conversation.observationIDs) == Set(facts.map(\.id)))
        let summary = try #require(try t.engine.listSummaries(storeID: store, profileID: profile).summaries.first)
        #expect(result.conversation.summaryID == summary.summary.id && summary.summary.content == "summary of c1")
        #expect(t.engine.pendingExtractions().isEmpty && t.engine.extractionStats().completed == 1)

        // Closing again changes nothing; a new message reopens it, and the next extraction
        // sees only that message.
        let journaled = t.journal.commands.count
        #expect(try t.engine.closeConversation(storeID: store, conversationID: "c1").conversation.state == .extracted)
        #expect(t.journal.commands.count == journaled)
        let reopened = try t.engine.appendCommunications(
            storeID: store, conversationID: "c1", communications: [customer("actually email me", id: "m3", at: 30)])
        #expect(reopened.conversation.state == .open)
        _ = try t.engine.closeConversation(storeID: store, conversationID: "c1")
        let again = try #require(try extract(t.engine, key))
        #expect(again.outcomes.count == 1 && again.conversation.extractedMessageCount == 3)
        #expect(try t.engine.listObservations(storeID: store, profileID: profile).observations.count == 3)
        // The same summary text is not written again as a new revision.
        #expect(
            try t.engine.listSummaries(storeID: store, profileID: profile).summaries.first?.revisions.isEmpty == true)
    }

    @Test func aFailedExtractionWritesNothingAndClosingRetriesIt() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let opened = try t.engine.appendCommunications(
            storeID: store, conversationID: "c1", communications: [customer("hello there friend")], close: true)
        let key = ConversationKey(storeID: store, profileID: opened.conversation.profileID, conversationID: "c1")
        let job = try #require(t.engine.beginExtraction(key, extractorName: { _ in "llm/x" }))
        // Output that breaks a rule fails the whole extraction, naming the rule.
        let bad = ExtractionOutput(
            observations: [
                ObservationInput(content: "fine", source: "llm", occurredAt: 5),
                ObservationInput(content: "", source: "llm", occurredAt: 5),
            ], summary: nil)
        let failed = try t.engine.finishExtraction(job, extractorName: "llm/x", output: bad)
        #expect(failed.conversation.state == .failed)
        #expect(failed.conversation.error?.contains("observations[1].content") == true)
        #expect(try t.engine.listObservations(storeID: store, profileID: key.profileID).observations.isEmpty)
        #expect(t.engine.pendingExtractions().isEmpty && t.engine.extractionStats().failed == 1)
        // Closing a FAILED conversation queues it again.
        #expect(try t.engine.closeConversation(storeID: store, conversationID: "c1").conversation.state == .closed)
        #expect(t.engine.pendingExtractions() == [key])
        let done = try #require(try extract(t.engine, key))
        #expect(done.conversation.state == .extracted && done.conversation.error == nil)
    }

    @Test func idleConversationsCloseByThemselves() throws {
        let t = makeEngine()
        let store = try t.engine.createStore(
            displayName: "idle", conversationSettings: ConversationSettings(idleTimeout: 60_000_000)
        ).store.id
        let never = try t.engine.createStore(
            displayName: "never", conversationSettings: ConversationSettings(idleTimeout: 0)
        ).store.id
        _ = try t.engine.appendCommunications(storeID: store, conversationID: "a", communications: [customer("x")])
        _ = try t.engine.appendCommunications(storeID: never, conversationID: "a", communications: [customer("x")])
        #expect(t.engine.closeIdleConversations().isEmpty)
        t.clock.advance(by: 59_000_000)
        _ = try t.engine.appendCommunications(storeID: store, conversationID: "b", communications: [customer("y")])
        t.clock.advance(by: 2_000_000)
        let closed = t.engine.closeIdleConversations()
        #expect(closed.map(\.conversationID) == ["a"] && closed.first?.storeID == store)
        #expect(try t.engine.getConversation(storeID: store, conversationID: "b").state == .open)
        #expect(try t.engine.getConversation(storeID: never, conversationID: "a").state == .open)
        expectError(.invalidArgument, field: "conversation_settings.idle_timeout_seconds") {
            try t.engine.updateStore(store, conversationSettings: ConversationSettings(idleTimeout: -1))
        }
    }

    @Test func listingsPageNewestFirst() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        // Ties in time are ordered by id, across pages.
        let messages = (0..<25).map { i in
            customer("message \(i)", id: String(format: "m%02d", i), at: Int64(100 + i / 3))
        }
        let opened = try t.engine.appendCommunications(storeID: store, conversationID: "c1", communications: messages)
        let profile = opened.conversation.profileID
        _ = try t.engine.appendCommunications(
            storeID: store, conversationID: "c2", communications: [customer("other", id: "x1", at: 50)])
        var seen: [String] = []
        var token: String?
        repeat {
            let page = try t.engine.listCommunications(
                storeID: store, conversationID: "c1", pageSize: 4, pageToken: token)
            seen += page.communications.map(\.id)
            token = page.nextPageToken
        } while token != nil
        let expected = messages.sorted { ($0.createdAt!, $0.clientID!) > ($1.createdAt!, $1.clientID!) }.map(
            \.clientID!)
        #expect(seen == expected)
        #expect(try t.engine.listCommunications(storeID: store, profileID: profile).communications.count == 26)
        let ranged = try t.engine.listCommunications(
            storeID: store, profileID: profile, created: TimeRange(begin: 100, end: 102))
        #expect(ranged.communications.count == 6)
        expectError(.invalidArgument, field: "profile_id") { try t.engine.listCommunications(storeID: store) }
        expectError(.invalidArgument, field: "page_token") {
            try t.engine.listCommunications(storeID: store, profileID: profile, pageToken: "bogus")
        }

        _ = try t.engine.closeConversation(storeID: store, conversationID: "c2")
        let all = try t.engine.listConversations(storeID: store)
        #expect(all.conversations.map(\.id) == ["c1", "c2"] && all.profileID == "")
        let closed = try t.engine.listConversations(
            storeID: store, profileID: profile, filter: ConversationFilter(state: .closed))
        #expect(closed.conversations.map(\.id) == ["c2"] && closed.profileID == profile)
        let first = try t.engine.listConversations(storeID: store, pageSize: 1)
        let second = try t.engine.listConversations(storeID: store, pageSize: 1, pageToken: first.nextPageToken)
        #expect(first.conversations.map(\.id) == ["c1"] && second.conversations.map(\.id) == ["c2"])
        #expect(second.nextPageToken == nil)
    }

    @Test func mergesMoveConversationsAndDeletionsForgetThem() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let byPhone = try t.engine.appendCommunications(
            storeID: store, conversationID: "call", communications: [customer("hi", .voice, id: "m1")])
        let byMail = try t.engine.appendCommunications(
            storeID: store, conversationID: "mail",
            communications: [customer("hi", .email, from: "ana@example.com", id: "m2")])
        #expect(byPhone.conversation.profileID != byMail.conversation.profileID)
        let merged = try t.engine.resolveIdentity(
            storeID: store, identifiers: [phone("+1 415 555 0100"), email("ana@example.com")])
        #expect(merged.outcome == .merged)
        for id in ["call", "mail"] {
            #expect(try t.engine.getConversation(storeID: store, conversationID: id).profileID == merged.profileID)
        }
        // Appending through the conversation finds the survivor.
        let more = try t.engine.appendCommunications(
            storeID: store, conversationID: "mail", communications: [customer("again", .email, from: "ana@example.com")]
        )
        #expect(more.conversation.profileID == merged.profileID && more.conversation.messageCount == 2)
        _ = try t.engine.deleteProfile(storeID: store, profileID: merged.profileID)
        expectError(.notFound, field: "conversation_id") {
            try t.engine.getConversation(storeID: store, conversationID: "call")
        }
        #expect(try t.engine.listConversations(storeID: store).conversations.isEmpty)
    }

    @Test func recallRanksMessagesWhenAsked() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let opened = try t.engine.appendCommunications(
            storeID: store, conversationID: "c1",
            communications: [
                customer("my dog Rex needs a vet appointment", id: "m1", at: 10),
                customer("the invoice for March is wrong", id: "m2", at: 20),
                customer("thanks, bye", id: "m3", at: 30),
            ])
        let profile = opened.conversation.profileID
        let ranked = try t.engine.recall(
            storeID: store, profileID: profile,
            RecallOptions(query: "vet for the dog", communicationsLimit: 2, explain: true, rankCommunications: true))
        #expect(ranked.rankedCommunications.first?.communication.id == "m1")
        #expect(ranked.rankedCommunications.count <= 2 && ranked.communications.isEmpty)
        #expect(ranked.rankedCommunications.first?.explanation?.matchedTerms.contains("vet") == true)
        let newest = try t.engine.recall(
            storeID: store, profileID: profile, RecallOptions(communicationsLimit: 2, rankCommunications: true))
        #expect(newest.communications.map(\.id) == ["m3", "m2"] && newest.rankedCommunications.isEmpty)
        // A message is searched with its author's name when the address reads as one.
        _ = try t.engine.appendCommunications(
            storeID: store, conversationID: "group", profileID: profile,
            communications: [
                customer("went hiking in the hills", from: "Melanie", id: "g1", at: 40),
                customer("went hiking in the hills", from: "Caroline", id: "g2", at: 41),
            ])
        let named = try t.engine.recall(
            storeID: store, profileID: profile,
            RecallOptions(query: "Where did Caroline go hiking?", communicationsLimit: 1, rankCommunications: true))
        #expect(named.rankedCommunications.map(\.communication.id) == ["g2"])
        // Observe's messages open conversations too, and are kept in full.
        _ = try t.engine.observe(
            storeID: store, profileID: profile,
            communications: [
                CommunicationInput(authorType: .customer, channel: .chat, text: "via observe", conversationID: "c9")
            ])
        #expect(try t.engine.getConversation(storeID: store, conversationID: "c9").messageCount == 1)
    }

    @Test func extractedFactsAreDuplicatesByMeaningTooAndReplayTheSame() throws {
        // Letter counts: "the man bites the dog" and "the dog bites the man" are one vector,
        // while their word pairs differ (word overlap alone keeps them apart).
        let clock = ManualClock()
        let journal = RecordingJournal()
        var configuration = EngineConfiguration(idGenerator: SequentialIDGenerator(), clock: { clock.tick() })
        configuration.recall.embedder = LetterEmbedder()
        let engine = Engine(configuration: configuration, journal: journal)
        let store = try engine.makeStore()
        let profile = try engine.makeProfile(store: store, email: "a@example.com")
        let first = try engine.observe(
            storeID: store, profileID: profile, observations: [observation("the man bites the dog")])
        // Observe keeps its word-overlap rule.
        let plain = try engine.observe(
            storeID: store, profileID: profile, observations: [observation("the dog bites the man")])
        #expect(plain.observations[0].kind == .added)
        _ = try engine.deleteObservation(
            storeID: store, profileID: profile, observationID: plain.observations[0].observationID)

        _ = try engine.appendCommunications(
            storeID: store, conversationID: "c1", profileID: profile,
            communications: [customer("the dog bites the man", id: "m1")], close: true)
        let key = ConversationKey(storeID: store, profileID: profile, conversationID: "c1")
        let job = try #require(engine.beginExtraction(key, extractorName: { _ in "test/1" }))
        let result = try engine.finishExtraction(
            job, extractorName: "test/1",
            output: ExtractionOutput(
                observations: [
                    ObservationInput(
                        content: "the dog bites the man", source: "test", occurredAt: 5, communicationIDs: ["m1"])
                ], summary: nil))
        #expect(result.outcomes.map(\.kind) == [.duplicate])
        #expect(result.outcomes.first?.observationID == first.observations[0].observationID)
        let stored = try engine.listObservations(storeID: store, profileID: profile).observations
        #expect(stored.count == 1 && stored[0].mentionCount == 2 && stored[0].communicationIDs == ["m1"])

        // Replayed, the log decides the same.
        let replayed = Engine(configuration: configuration)
        for (offset, command) in journal.commands.enumerated() {
            try replayed.replay(command, logPosition: UInt64(offset + 1))
        }
        #expect(replayed.view().snapshot() == engine.view().snapshot())
    }

    @Test func retentionErasesOldMessagesAndObservations() throws {
        let t = makeEngine()
        let day: Int64 = 86_400_000_000
        let store = try t.engine.createStore(
            displayName: "retained", conversationSettings: ConversationSettings(messageRetention: 30 * day)
        ).store.id
        let now = t.clock.current
        let opened = try t.engine.appendCommunications(
            storeID: store, conversationID: "c1",
            communications: [
                customer("an old message", id: "old", at: now - 40 * day),
                customer("a recent one", id: "new", at: now - day),
            ], close: true)
        let profile = opened.conversation.profileID
        _ = try extract(t.engine, ConversationKey(storeID: store, profileID: profile, conversationID: "c1"))
        _ = try t.engine.observe(
            storeID: store, profileID: profile, observations: [observation("an old fact", at: now - 400 * day)])
        let erased = t.engine.expireRetained()
        #expect(erased.map(\.messagesErased) == [1] && erased.map(\.observationsErased) == [0])
        let left = try t.engine.listCommunications(storeID: store, profileID: profile).communications
        #expect(left.map(\.id) == ["new"])
        let conversation = try t.engine.getConversation(storeID: store, conversationID: "c1")
        #expect(conversation.messageIDs == ["new"] && conversation.extractedMessageCount == 1)
        // Nothing more to erase: nothing logged.
        let journaled = t.journal.commands.count
        #expect(t.engine.expireRetained().isEmpty && t.journal.commands.count == journaled)
        // A retried old message can come back only until the next sweep.
        _ = try t.engine.updateStore(
            store,
            conversationSettings: ConversationSettings(messageRetention: 30 * day, observationRetention: 365 * day))
        #expect(t.engine.expireRetained().map(\.observationsErased) == [1])
        #expect(
            try t.engine.listObservations(storeID: store, profileID: profile).observations.allSatisfy {
                $0.content != "an old fact"
            })
        expectError(.invalidArgument, field: "conversation_settings.message_retention_days") {
            try t.engine.updateStore(store, conversationSettings: ConversationSettings(messageRetention: -1))
        }
    }

    @Test func idempotencyKeysAreForgottenAfterTheWindowAndReplayTheSame() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let profile = try t.engine.makeProfile(store: store, email: "a@example.com")
        let first = try t.engine.observe(
            storeID: store, profileID: profile, observations: [observation("likes tea", key: "k1")])
        let retry = try t.engine.observe(
            storeID: store, profileID: profile, observations: [observation("likes tea", key: "k1")])
        #expect(retry.observations[0].isRetry)
        // Within the window nothing is forgotten.
        t.clock.advance(by: t.engine.configuration.idempotencyWindow - 10)
        #expect(t.engine.expireRetained().isEmpty)
        t.clock.advance(by: 20)
        let forgotten = t.engine.expireRetained()
        #expect(forgotten.map(\.idempotencyKeysForgotten) == [1])
        // The same call again is a new call: reconciliation, not the stored answer.
        let later = try t.engine.observe(
            storeID: store, profileID: profile, observations: [observation("likes tea", key: "k1")])
        #expect(!later.observations[0].isRetry && later.observations[0].kind == .duplicate)
        #expect(later.observations[0].observationID == first.observations[0].observationID)

        let replayed = makeEngine()
        for (offset, command) in t.journal.commands.enumerated() {
            try replayed.engine.replay(command, logPosition: UInt64(offset + 1))
        }
        expectSameState(t.engine, replayed.engine)
    }
}
