import EngramRecall
import Foundation
import Synchronization
import Testing

@testable import EngramCore

@Suite struct KnowledgeTests {
    static let policies = """
        # Store policies

        ## Returns
        You can return any item within 30 days of delivery. Bring the receipt.

        ## Shipping
        Standard shipping takes 3 to 5 working days. Express arrives the next day.

        ## Warranty
        Electronics carry a two year warranty against defects.
        """

    func setUp(_ t: TestEngine) throws -> (store: String, base: String, doc: String) {
        let store = try t.engine.makeStore()
        let base = try t.engine.createKnowledgeBase(storeID: store, displayName: "Help centre").knowledgeBase.id
        let doc = try t.engine.addKnowledge(
            storeID: store, knowledgeBaseID: base,
            KnowledgeInput(
                name: "Policies", metadata: [MetadataPair(key: "lang", value: "en")], sourceType: .markdown,
                source: Self.policies)
        ).knowledge.id
        return (store, base, doc)
    }

    @Test func addThenSearchFindsTheSectionThatAnswers() throws {
        let t = makeEngine()
        let (store, base, doc) = try setUp(t)
        let item = try t.engine.getKnowledge(storeID: store, knowledgeBaseID: base, knowledgeID: doc)
        #expect(item.status == .ready)
        #expect(item.chunkCount == 3 && item.embeddedCount == 3)
        #expect(item.sourceBytes == Self.policies.utf8.count)
        #expect(try t.engine.getKnowledgeBase(storeID: store, knowledgeBaseID: base).chunkCount == 3)

        let found = try t.engine.searchKnowledge(
            storeID: store, KnowledgeQuery(query: "how many working days does shipping take", top: 3, explain: true))
        #expect(found.chunks.first?.chunk.headingPath == ["Store policies", "Shipping"])
        #expect(found.chunks.first?.chunk.documentTitle == "Policies")
        #expect(found.chunks.first?.knowledgeBaseID == base)
        #expect(found.chunks.allSatisfy { $0.score >= 0 && $0.score <= 1 && $0.explanation != nil })
        #expect(zip(found.chunks, found.chunks.dropFirst()).allSatisfy { $0.score >= $1.score })
        // The heading is searched with its text.
        let warranty = try t.engine.searchKnowledge(storeID: store, KnowledgeQuery(query: "warranty", top: 1))
        #expect(warranty.chunks.first?.chunk.index == 2)
    }

    /// Stands in for a transformer: "money back" means what "refund" means, and a text about
    /// gift cards is about gift cards whatever else it says.
    struct TopicEmbedder: Embedder {
        let isContextual: Bool
        var name: String { isContextual ? "topics-contextual" : "topics" }
        let dimension = 2
        func embed(_ texts: [String]) -> [[Float]] {
            texts.map { text in
                let t = text.lowercased()
                let money = Float(
                    t.components(separatedBy: "refund").count - 1 + t.components(separatedBy: "money back").count - 1)
                let gift = Float(t.components(separatedBy: "gift").count - 1)
                return [money, gift]
            }
        }
    }

    /// BM25 prefers the section that repeats the query's word; the embedder, the one that means
    /// it. With a word-sum embedder they count alike and the repeated word wins; with a
    /// contextual one its cosine counts more and the section that answers wins.
    @Test func aContextualEmbedderOutweighsBM25() throws {
        let source = """
            # Help
            ## Money back
            Bring the item to any store within 30 days and we give your money back.
            ## Refunds on gift cards
            Gift cards get no refund: a refund of a gift card is not possible.
            """
        func top(contextual: Bool) throws -> String {
            var configuration = EngineConfiguration(idGenerator: SequentialIDGenerator())
            configuration.recall.embedder = TopicEmbedder(isContextual: contextual)
            let engine = Engine(configuration: configuration)
            let store = try engine.makeStore()
            let base = try engine.createKnowledgeBase(storeID: store, displayName: "b").knowledgeBase.id
            _ = try engine.addKnowledge(
                storeID: store, knowledgeBaseID: base,
                KnowledgeInput(name: "Help", sourceType: .markdown, source: source))
            return try engine.searchKnowledge(storeID: store, KnowledgeQuery(query: "refund please", top: 1))
                .chunks.first?.chunk.headingPath.last ?? ""
        }
        #expect(try top(contextual: false) == "Refunds on gift cards")
        #expect(try top(contextual: true) == "Money back")
    }

    @Test func theHeadingsFieldLiftsTheSectionWhoseHeadingAsksTheQuestion() throws {
        // The question is asked in one section's heading; another section's body says the
        // same words more often. Ranked on whole chunks alone, the body wins; with the
        // headings field, the section that answers it does.
        let source = """
            # FAQ
            ## Can I pay by cheque?
            Yes, made out to the company.
            ## Payments
            Pay by card. Pay online. A cheque can be lost; paying by cheque is slow, a cheque takes days.
            """
        func top(_ settings: KnowledgeSearchConfiguration) throws -> [String] {
            var configuration = EngineConfiguration(idGenerator: SequentialIDGenerator())
            configuration.knowledge = settings
            let engine = Engine(configuration: configuration)
            let store = try engine.makeStore()
            let base = try engine.createKnowledgeBase(storeID: store, displayName: "b").knowledgeBase.id
            _ = try engine.addKnowledge(
                storeID: store, knowledgeBaseID: base,
                KnowledgeInput(name: "FAQ", sourceType: .markdown, source: source))
            return try engine.searchKnowledge(storeID: store, KnowledgeQuery(query: "can I pay by cheque", top: 1))
                .chunks.map { $0.chunk.headingPath.last ?? "" }
        }
        #expect(
            try top(
                KnowledgeSearchConfiguration(weights: .bm25)) == [
                    "Payments"
                ])
        #expect(try top(KnowledgeSearchConfiguration()) == ["Can I pay by cheque?"])
    }

    @Test func aLargeBaseScoresAShortlistAndStillFindsTheAnswer() throws {
        // Past 4,096 chunks only a shortlist is scored exactly: the rare word's section and
        // the heading that asks the question must still come first.
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let base = try t.engine.createKnowledgeBase(storeID: store, displayName: "big").knowledgeBase.id
        let words = ["order", "delivery", "account", "payment", "support", "store", "return", "card", "phone", "email"]
        for d in 0..<45 {
            var source = "# Manual \(d)\n\n"
            for s in 0..<100 {
                let body = (0..<30).map { words[($0 * 7 + s + d) % words.count] }.joined(separator: " ")
                source += "## Section \(d)-\(s)\n\n\(body).\n\n"
            }
            if d == 17 { source += "## How do I reset a forgotten password?\n\nUse the link on the sign-in page.\n\n" }
            if d == 30 { source += "## Odd\n\nThe zebraquartz lives here.\n\n" }
            _ = try t.engine.addKnowledge(
                storeID: store, knowledgeBaseID: base,
                KnowledgeInput(name: "Manual \(d)", sourceType: .markdown, source: source))
        }
        #expect(
            try t.engine.getKnowledgeBase(storeID: store, knowledgeBaseID: base).chunkCount
                > RecallCorpus.fieldShortlistThreshold)
        let rare = try t.engine.searchKnowledge(
            storeID: store, KnowledgeQuery(query: "zebraquartz", top: 1, explain: true))
        #expect(rare.chunks.first?.chunk.headingPath.last == "Odd")
        #expect(rare.chunks.first?.explanation?.matchedTerms == ["zebraquartz"])
        let asked = try t.engine.searchKnowledge(storeID: store, KnowledgeQuery(query: "I forgot my password", top: 3))
        #expect(asked.chunks.first?.chunk.headingPath.last == "How do I reset a forgotten password?")
    }

    /// A model-like embedder: each batch waits until the test lets it go on.
    final class GatedEmbedder: Embedder {
        let name = "gated-test"
        let dimension = 26
        let batches = Mutex(0)
        let allowed = Mutex(0)
        func embed(_ texts: [String]) -> [[Float]] {
            let batch = batches.withLock { n in
                n += 1
                return n
            }
            while allowed.withLock({ $0 }) < batch { usleep(1_000) }
            return LetterEmbedder().embed(texts)
        }
    }

    @Test func progressShowsWhileADocumentIsEmbedded() async throws {
        let gated = GatedEmbedder()
        var configuration = EngineConfiguration(idGenerator: SequentialIDGenerator())
        configuration.recall.embedder = gated
        let engine = Engine(configuration: configuration)
        let store = try engine.makeStore()
        let base = try engine.createKnowledgeBase(storeID: store, displayName: "b").knowledgeBase.id
        // 130 paragraphs under 130 headings: 130 chunks, three batches of 64.
        let source = (0..<130).map { "# H\($0)\n\nParagraph \($0)." }.joined(separator: "\n\n")
        let adding = Task.detached {
            try engine.addKnowledge(
                storeID: store, knowledgeBaseID: base,
                KnowledgeInput(name: "big", sourceType: .markdown, source: source))
        }
        // Each step embeds 64 chunks, then their headings: let the first step through.
        gated.allowed.withLock { $0 = 2 }
        var seen: Knowledge?
        for _ in 0..<2_000 {
            let items = try engine.listKnowledge(storeID: store, knowledgeBaseID: base).knowledge
            if let item = items.first, item.status == .processing, item.embeddedCount > 0 {
                seen = item
                break
            }
            try await Task.sleep(for: .milliseconds(1))
        }
        #expect(seen?.embeddedCount == 64 && seen?.chunkCount == 130, "\(String(describing: seen))")
        #expect(try engine.getKnowledgeBase(storeID: store, knowledgeBaseID: base).status == .processing)
        let id = try #require(seen?.id)
        #expect(try engine.getKnowledge(storeID: store, knowledgeBaseID: base, knowledgeID: id).status == .processing)
        #expect(try engine.searchKnowledge(storeID: store, KnowledgeQuery(query: "paragraph")).chunks.isEmpty)
        gated.allowed.withLock { $0 = 1_000 }
        let done = try await adding.value.knowledge
        #expect(done.status == .ready && done.embeddedCount == 130)
        #expect(try engine.getKnowledgeBase(storeID: store, knowledgeBaseID: base).status == .ready)
        #expect(try !engine.searchKnowledge(storeID: store, KnowledgeQuery(query: "paragraph")).chunks.isEmpty)
    }

    @Test func filtersByDocumentAndMetadata() throws {
        let t = makeEngine()
        let (store, base, doc) = try setUp(t)
        let other = try t.engine.addKnowledge(
            storeID: store, knowledgeBaseID: base,
            KnowledgeInput(
                name: "Livraison", metadata: [MetadataPair(key: "lang", value: "fr")], sourceType: .text,
                source: "Shipping in France takes two days.")
        ).knowledge.id
        let french = try t.engine.searchKnowledge(
            storeID: store,
            KnowledgeQuery(query: "shipping", top: 5, metadata: [MetadataPair(key: "lang", value: "fr")]))
        #expect(french.chunks.map(\.chunk.knowledgeID) == [other])
        let english = try t.engine.searchKnowledge(
            storeID: store, KnowledgeQuery(query: "shipping", top: 5, knowledgeIDs: [doc]))
        #expect(!english.chunks.isEmpty && english.chunks.allSatisfy { $0.chunk.knowledgeID == doc })
        let none = try t.engine.searchKnowledge(
            storeID: store,
            KnowledgeQuery(query: "shipping", top: 5, metadata: [MetadataPair(key: "lang", value: "de")]))
        #expect(none.chunks.isEmpty)
    }

    @Test func updateRechunksRenameReembedsAndInfoKeepsChunks() throws {
        let t = makeEngine()
        let (store, base, doc) = try setUp(t)
        let before = try t.engine.getKnowledge(storeID: store, knowledgeBaseID: base, knowledgeID: doc)
        let info = try t.engine.updateKnowledge(
            storeID: store, knowledgeBaseID: base, knowledgeID: doc, KnowledgeUpdate(description: "All policies"))
        #expect(info.knowledge.description == "All policies" && info.knowledge.chunkCount == 3)
        #expect(info.knowledge.createdAt == before.createdAt && info.knowledge.updatedAt > before.updatedAt)

        let renamed = try t.engine.updateKnowledge(
            storeID: store, knowledgeBaseID: base, knowledgeID: doc, KnowledgeUpdate(name: "Zebra handbook"))
        #expect(renamed.knowledge.name == "Zebra handbook")
        let byTitle = try t.engine.searchKnowledge(storeID: store, KnowledgeQuery(query: "zebra", top: 3))
        #expect(byTitle.chunks.count == 3 && byTitle.chunks.allSatisfy { $0.chunk.documentTitle == "Zebra handbook" })

        _ = try t.engine.updateKnowledge(
            storeID: store, knowledgeBaseID: base, knowledgeID: doc,
            KnowledgeUpdate(sourceType: .text, source: "Gift cards never expire."))
        let chunks = try t.engine.listChunks(storeID: store, knowledgeBaseID: base, knowledgeID: doc).chunks
        #expect(chunks.map(\.content) == ["Gift cards never expire."])
        let old = try t.engine.searchKnowledge(storeID: store, KnowledgeQuery(query: "warranty", explain: true)).chunks
        #expect(old.allSatisfy { $0.chunk.content.hasPrefix("Gift") && $0.explanation?.lexical == 0 })
        #expect(try t.engine.searchKnowledge(storeID: store, KnowledgeQuery(query: "gift card")).chunks.count == 1)
    }

    @Test func deletionsEraseDocumentsBasesAndAStoresKnowledge() throws {
        let t = makeEngine()
        let (store, base, doc) = try setUp(t)
        let receipt = try t.engine.deleteKnowledge(storeID: store, knowledgeBaseID: base, knowledgeID: doc)
        #expect(receipt.chunksErased == 3)
        expectError(.notFound, field: "knowledge_id") {
            try t.engine.getKnowledge(storeID: store, knowledgeBaseID: base, knowledgeID: doc)
        }
        #expect(try t.engine.searchKnowledge(storeID: store, KnowledgeQuery(query: "warranty")).chunks.isEmpty)
        _ = try t.engine.addKnowledge(
            storeID: store, knowledgeBaseID: base, KnowledgeInput(name: "x", sourceType: .text, source: "Some text."))
        let gone = try t.engine.deleteKnowledgeBase(storeID: store, knowledgeBaseID: base)
        #expect(gone.knowledgeErased == 1 && gone.chunksErased == 1)
        expectError(.notFound, field: "knowledge_base_id") {
            try t.engine.getKnowledgeBase(storeID: store, knowledgeBaseID: base)
        }
        let second = try t.engine.createKnowledgeBase(storeID: store, displayName: "Two").knowledgeBase.id
        _ = try t.engine.deleteStore(store)
        expectError(.notFound, field: "store_id") {
            try t.engine.getKnowledgeBase(storeID: store, knowledgeBaseID: second)
        }
        #expect(t.engine.knowledge.withLock { $0.stores.isEmpty })
    }

    @Test func listingsPage() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let bases = try (0..<5).map {
            try t.engine.createKnowledgeBase(storeID: store, displayName: "b\($0)").knowledgeBase.id
        }
        let first = try t.engine.listKnowledgeBases(storeID: store, pageSize: 2)
        let second = try t.engine.listKnowledgeBases(storeID: store, pageSize: 2, pageToken: first.nextPageToken)
        let third = try t.engine.listKnowledgeBases(storeID: store, pageSize: 2, pageToken: second.nextPageToken)
        #expect((first.knowledgeBases + second.knowledgeBases + third.knowledgeBases).map(\.id) == bases.sorted())
        #expect(third.nextPageToken == nil)

        let long = (1...30).map { "Paragraph \($0) is here." }.joined(separator: "\n\n")
        var limits = EngineLimits()
        limits.chunker = KnowledgeChunker(maxTokens: 8, overlapTokens: 0)
        let small = makeEngine(limits: limits)
        let s = try small.engine.makeStore()
        let b = try small.engine.createKnowledgeBase(storeID: s, displayName: "b").knowledgeBase.id
        let d = try small.engine.addKnowledge(
            storeID: s, knowledgeBaseID: b, KnowledgeInput(name: "d", sourceType: .text, source: long)
        ).knowledge.id
        var token: String?
        var indexes: [Int] = []
        repeat {
            let page = try small.engine.listChunks(
                storeID: s, knowledgeBaseID: b, knowledgeID: d, pageSize: 7, pageToken: token)
            indexes += page.chunks.map(\.index)
            token = page.nextPageToken
        } while token != nil
        // Two four-word paragraphs fill an eight-word chunk.
        #expect(indexes == Array(0..<15))
        expectError(.invalidArgument, field: "page_token") {
            try small.engine.listChunks(storeID: s, knowledgeBaseID: b, knowledgeID: d, pageToken: "x")
        }
    }

    @Test func badRequestsNameTheField() throws {
        let t = makeEngine()
        let (store, base, doc) = try setUp(t)
        expectError(.invalidArgument, field: "display_name") {
            try t.engine.createKnowledgeBase(storeID: store, displayName: " ")
        }
        expectError(.notFound, field: "store_id") {
            try t.engine.createKnowledgeBase(storeID: "nope", displayName: "x")
        }
        expectError(.invalidArgument, field: "source") {
            try t.engine.addKnowledge(
                storeID: store, knowledgeBaseID: base, KnowledgeInput(name: "x", sourceType: .csv, source: "a,b\n\"x"))
        }
        expectError(.invalidArgument, field: "name") {
            try t.engine.addKnowledge(
                storeID: store, knowledgeBaseID: base,
                KnowledgeInput(name: String(repeating: "n", count: 257), sourceType: .text, source: "x"))
        }
        expectError(.invalidArgument, field: "metadata[1].key") {
            try t.engine.addKnowledge(
                storeID: store, knowledgeBaseID: base,
                KnowledgeInput(
                    name: "x", metadata: [MetadataPair(key: "k", value: "1"), MetadataPair(key: "k", value: "2")],
                    sourceType: .text, source: "x"))
        }
        expectError(.invalidArgument, field: "source") {
            try t.engine.addKnowledge(
                storeID: store, knowledgeBaseID: base,
                KnowledgeInput(name: "x", sourceType: .markdown, source: "# Only\n"))
        }
        expectError(.notFound, field: "knowledge_base_ids[1]") {
            try t.engine.searchKnowledge(
                storeID: store, KnowledgeQuery(query: "x", knowledgeBaseIDs: [base, "kb_none"]))
        }
        expectError(.invalidArgument, field: "top") {
            try t.engine.searchKnowledge(storeID: store, KnowledgeQuery(query: "x", top: 21))
        }
        expectError(.invalidArgument, field: "query") {
            try t.engine.searchKnowledge(storeID: store, KnowledgeQuery(query: String(repeating: "q", count: 2_049)))
        }
        expectError(.invalidArgument, field: "source_type") {
            try t.engine.updateKnowledge(
                storeID: store, knowledgeBaseID: base, knowledgeID: doc, KnowledgeUpdate(sourceType: .csv))
        }
        // Nothing was half-applied: the document is as it was.
        #expect(try t.engine.getKnowledgeBase(storeID: store, knowledgeBaseID: base).knowledgeCount == 1)
    }

    @Test func recallSearchesKnowledgeWithTheConversationAsItsQuery() throws {
        let t = makeEngine()
        let (store, base, _) = try setUp(t)
        let profile = try t.engine.makeProfile(store: store, email: "a@example.com")
        _ = try t.engine.appendCommunications(
            storeID: store, conversationID: "c1", profileID: profile,
            communications: [
                CommunicationInput(
                    authorType: .customer, channel: .chat, text: "My parcel still has not arrived", conversationID: "c1"
                )
            ])
        var options = RecallOptions(conversationID: "c1")
        options.knowledgeBaseIDs = [base]
        options.knowledgeLimit = 1
        let result = try t.engine.recall(storeID: store, profileID: profile, options)
        #expect(result.knowledge.count == 1)
        #expect(result.knowledge.first?.chunk.headingPath.last == "Shipping")
        // Without bases named, nothing is searched.
        #expect(
            try t.engine.recall(storeID: store, profileID: profile, RecallOptions(query: "shipping")).knowledge.isEmpty)
        options.knowledgeLimit = 21
        expectError(.invalidArgument, field: "knowledge_limit") {
            try t.engine.recall(storeID: store, profileID: profile, options)
        }
    }

    @Test(arguments: [false, true])
    func replayAndRestoreRebuildTheSameKnowledge(modelVectors: Bool) throws {
        let clock = ManualClock()
        let journal = RecordingJournal()
        var configuration = EngineConfiguration(idGenerator: SequentialIDGenerator(), clock: { clock.tick() })
        if modelVectors { configuration.recall.embedder = LetterEmbedder() }
        let live = Engine(configuration: configuration, journal: journal)
        let t = TestEngine(engine: live, clock: clock, journal: journal)
        let (store, base, doc) = try setUp(t)
        let other = try live.createKnowledgeBase(storeID: store, displayName: "Other").knowledgeBase.id
        let gone = try live.addKnowledge(
            storeID: store, knowledgeBaseID: other, KnowledgeInput(name: "tmp", sourceType: .text, source: "Temporary.")
        )
        _ = try live.updateKnowledge(
            storeID: store, knowledgeBaseID: base, knowledgeID: doc, KnowledgeUpdate(name: "Renamed", description: "d"))
        _ = try live.deleteKnowledge(storeID: store, knowledgeBaseID: other, knowledgeID: gone.knowledge.id)
        _ = try live.updateKnowledgeBase(
            storeID: store, knowledgeBaseID: other, displayName: "Other two", description: nil)
        _ = try live.addKnowledge(
            storeID: store, knowledgeBaseID: other,
            KnowledgeInput(name: "faq", sourceType: .csv, source: "q,a\nOpening hours?,9 to 5\nParking?,Free\n"))

        let replayed = Engine(configuration: configuration)
        for (i, command) in journal.commands.enumerated() { try replayed.replay(command, logPosition: UInt64(i + 1)) }
        let snapshot = live.view().snapshot()
        #expect(replayed.view().snapshot() == snapshot)
        #expect(snapshot.stores[0].knowledgeBases.count == 2)
        #expect(
            snapshot.stores[0].knowledgeBases.allSatisfy {
                $0.chunks.allSatisfy { ($0.embedding != nil) == modelVectors }
            })
        let restored = Engine(restoring: snapshot, configuration: configuration)
        #expect(restored.view().snapshot() == snapshot)
        for engine in [replayed, restored] {
            let query = KnowledgeQuery(query: "is parking free", top: 2, explain: true)
            #expect(
                try engine.searchKnowledge(storeID: store, query).chunks.map(\.chunk)
                    == (try live.searchKnowledge(storeID: store, query).chunks.map(\.chunk)))
        }
    }
}
