import EngramClient
import EngramCore
import EngramTestSupport
import EngramWire
import Foundation
import Testing

@testable import EngramStorage

#if canImport(Glibc)
    import Glibc
#endif

/// Knowledge bases on disk: the log and snapshots keep them, recovery rebuilds them, erasure
/// removes them, and an acknowledged AddKnowledge survives kill -9.
@Suite struct KnowledgeStorageTests {
    static let faq = """
        # Help
        ## Opening hours
        We open at nine and close at five, Monday to Saturday.
        ## Parking
        Parking is free behind the shop for two hours.
        """

    /// Some bases and documents, in every source type, with updates and deletions.
    static func fill(_ engine: Engine, secret: String = "") throws -> (store: String, base: String) {
        let store = try engine.createStore(displayName: "kb-\(UInt32.random(in: 0...UInt32.max))").store.id
        let base = try engine.createKnowledgeBase(storeID: store, displayName: "Help").knowledgeBase.id
        let other = try engine.createKnowledgeBase(storeID: store, displayName: "Other").knowledgeBase.id
        let doc = try engine.addKnowledge(
            storeID: store, knowledgeBaseID: base,
            KnowledgeInput(
                name: "FAQ", metadata: [MetadataPair(key: "lang", value: "en")], sourceType: .markdown, source: faq)
        ).knowledge.id
        _ = try engine.addKnowledge(
            storeID: store, knowledgeBaseID: base,
            KnowledgeInput(name: "Prices", sourceType: .csv, source: "item,price\nTea,2 euros\nCake,\"3,50 euros\"\n"))
        _ = try engine.addKnowledge(
            storeID: store, knowledgeBaseID: other,
            KnowledgeInput(
                name: "Page", sourceType: .html, source: "<h1>About</h1><p>Family run since 1990. \(secret)</p>"))
        _ = try engine.updateKnowledge(
            storeID: store, knowledgeBaseID: base, knowledgeID: doc, KnowledgeUpdate(description: "the FAQ"))
        let gone = try engine.addKnowledge(
            storeID: store, knowledgeBaseID: base, KnowledgeInput(name: "tmp", sourceType: .text, source: "Temporary."))
        _ = try engine.deleteKnowledge(storeID: store, knowledgeBaseID: base, knowledgeID: gone.knowledge.id)
        return (store, base)
    }

    @Test func recoveryFromSnapshotPlusLogRebuildsKnowledge() async throws {
        try await withTemporaryDirectory { dir in
            let storage = try Storage.open(options(dir, segmentBytes: 16 << 10), logger: quietLogger)
            let (store, _) = try Self.fill(storage.engine)
            _ = try await storage.snapshotNow()
            let (later, laterBase) = try Self.fill(storage.engine)
            _ = try storage.engine.updateKnowledge(
                storeID: later, knowledgeBaseID: laterBase,
                knowledgeID: try storage.engine.listKnowledge(storeID: later, knowledgeBaseID: laterBase).knowledge[0]
                    .id,
                KnowledgeUpdate(name: "Renamed", sourceType: .text, source: "Brand new text about parking."))
            let before = storage.engine.view().snapshot()
            let query = KnowledgeQuery(query: "is parking free", top: 5, explain: true)
            let answers = try [store, later].map { try storage.engine.searchKnowledge(storeID: $0, query).chunks }
            await storage.close(snapshot: false)

            let reopened = try Storage.open(options(dir), logger: quietLogger)
            #expect(reopened.engine.view().snapshot() == before)
            #expect(before.stores.flatMap(\.knowledgeBases).count == 4)
            let again = try [store, later].map { try reopened.engine.searchKnowledge(storeID: $0, query).chunks }
            #expect(again == answers)
            #expect(answers[0].first?.chunk.headingPath.last == "Parking")
            await reopened.close()
            // And from the snapshot written on close alone.
            let third = try Storage.open(options(dir), logger: quietLogger)
            #expect(third.engine.view().snapshot().stores == before.stores)
            await third.close(snapshot: false)
        }
    }

    @Test func deletedKnowledgeLeavesNoBytesOnDiskAfterTheNextSnapshot() async throws {
        try await withTemporaryDirectory { dir in
            let storage = try Storage.open(options(dir, segmentBytes: 16 << 10), logger: quietLogger)
            let secret = "kbneedle-\(UUID().uuidString)"
            let docSecret = "docneedle-\(UUID().uuidString)"
            let (store, base) = try Self.fill(storage.engine, secret: secret)
            let doc = try storage.engine.addKnowledge(
                storeID: store, knowledgeBaseID: base,
                KnowledgeInput(name: "Secret", sourceType: .text, source: "The code is \(docSecret).")
            ).knowledge.id
            let oldSecret = "oldneedle-\(UUID().uuidString)"
            let replaced = try storage.engine.addKnowledge(
                storeID: store, knowledgeBaseID: base,
                KnowledgeInput(name: "Replaced", sourceType: .text, source: "Old text \(oldSecret).")
            ).knowledge.id
            _ = try await storage.snapshotNow()
            try await storage.waitUntilDurable(storage.log.lastSequence)
            #expect(!filesContaining(secret, under: dir).isEmpty, "the test can see the secret before deletion")
            #expect(!filesContaining(docSecret, under: dir).isEmpty)
            #expect(!filesContaining(oldSecret, under: dir).isEmpty)

            let other = try storage.engine.listKnowledgeBases(storeID: store).knowledgeBases.first { $0.id != base }!.id
            _ = try storage.engine.deleteKnowledgeBase(storeID: store, knowledgeBaseID: other)
            _ = try storage.engine.deleteKnowledge(storeID: store, knowledgeBaseID: base, knowledgeID: doc)
            _ = try storage.engine.updateKnowledge(
                storeID: store, knowledgeBaseID: base, knowledgeID: replaced, KnowledgeUpdate(source: "New text."))
            try await storage.waitUntilDurable(storage.log.lastSequence)
            _ = try await storage.snapshotNow()
            _ = try Self.fill(storage.engine)
            try await storage.waitUntilDurable(storage.log.lastSequence)
            #expect(filesContaining(secret, under: dir) == [])
            #expect(filesContaining(docSecret, under: dir) == [])
            #expect(filesContaining(oldSecret, under: dir) == [])
            await storage.close()
            #expect(filesContaining(secret, under: dir) == [])
        }
    }

    @Test func anAcknowledgedAddKnowledgeSurvivesSIGKILL() async throws {
        try await withTemporaryDirectory { dir in
            let data = dir + "/data"
            let first = try EngramdProcess(dataDirectory: data)
            defer { first.removeLog() }
            try await first.waitUntilServing()
            let client = try first.client()
            let store = try #require(try await client.createStore(.with { $0.displayName = "kb-kill" }).store?.id)
            let base = try #require(
                try await client.call(
                    Methods.createKnowledgeBase,
                    .with {
                        $0.storeId = store
                        $0.displayName = "Help"
                    }
                ).knowledgeBase?.id)
            var added: [Wire.Knowledge] = []
            for i in 0..<5 {
                let response = try await client.call(
                    Methods.addKnowledge,
                    .with {
                        $0.storeId = store
                        $0.knowledgeBaseId = base
                        $0.name = "Doc \(i)"
                        $0.sourceType = .markdown
                        $0.source = Self.faq + "\n## Branch \(i)\nBranch \(i) is on street number \(i)."
                    })
                added.append(try #require(response.knowledge))
            }
            func search(_ client: EngramClient) async throws -> [Wire.ScoredKnowledgeChunk] {
                try await client.call(
                    Methods.searchKnowledge,
                    .with {
                        $0.storeId = store
                        $0.query = "where is branch 3"
                        $0.top = 3
                    }
                ).chunks
            }
            let answer = try await search(client)
            #expect(answer.first?.chunk?.headingPath.last == "Branch 3")
            client.close()
            first.kill()
            _ = await first.waitForExit()

            let second = try EngramdProcess(dataDirectory: data)
            defer { second.removeLog() }
            try await second.waitUntilServing()
            let again = try second.client()
            defer { again.close() }
            let listed = try await again.call(
                Methods.listKnowledge,
                .with {
                    $0.storeId = store
                    $0.knowledgeBaseId = base
                }
            ).knowledge
            #expect(listed.map(\.id) == added.map(\.id).sorted())
            #expect(listed.allSatisfy { $0.status == .ready && $0.chunkCount == 3 })
            #expect(try await search(again) == answer)
            second.kill(SIGTERM)
            #expect(await second.waitForExit() == 0)
        }
    }
}
