import EngramCore
import Foundation
import Testing

@testable import EngramStorage

/// docs/storage.md promises that the sqlite3 shell answers "what do we know about this
/// customer?" with one query; this runs that query on a real snapshot.
@Suite("Snapshot schema for operators")
struct SnapshotQueryTests {
    static let whatDoWeKnow = """
        WITH customer AS (
          SELECT store_id, profile_id FROM identifiers
          WHERE type = 'email' AND value = 'alyssa@example.com'
        )
        SELECT 'identifier' AS kind, i.type || ': ' || i.value AS what
          FROM identifiers i JOIN customer USING (store_id, profile_id)
        UNION ALL
        SELECT 'trait', t.trait_group || '.' || t.name || ' = ' || t.value
          FROM traits t JOIN customer USING (store_id, profile_id)
        UNION ALL
        SELECT 'fact', o.content
          FROM observations o JOIN customer USING (store_id, profile_id) WHERE o.status = 'active'
        UNION ALL
        SELECT 'summary', s.content
          FROM summaries s JOIN customer USING (store_id, profile_id);
        """

    @Test func theDocumentedQueryAnswersWhatWeKnowAboutACustomer() async throws {
        try await withTemporaryDirectory { dir in
            let engine = Engine()
            let store = try engine.createStore(displayName: "support").store.id
            let profile = try engine.resolveIdentity(
                storeID: store,
                identifiers: [
                    IdentifierInput(type: "email", value: "Alyssa@Example.com"),
                    IdentifierInput(type: "phone", value: "+14155550100"),
                ],
                traits: [TraitUpdate(group: "Account", name: "tier", value: .string("gold"))]
            ).profileID
            _ = try engine.observe(
                storeID: store, profileID: profile,
                observations: [
                    ObservationInput(
                        content: "prefers email over phone", source: "voice-agent", occurredAt: 1, subjectKey: "contact"
                    ),
                    ObservationInput(content: "is allergic to peanuts", source: "chat-agent", occurredAt: 2),
                    ObservationInput(
                        content: "prefers SMS over email", source: "chat-agent", occurredAt: 3, subjectKey: "contact"),
                ],
                summaries: [
                    SummaryInput(
                        content: "Asked to move her delivery to Saturday.", conversationID: "conv-1", occurredAt: 4,
                        source: "voice-agent")
                ])
            let path = dir + "/snapshot.sqlite"
            _ = try SnapshotFile.write(engine.view(), to: path, createdAtUs: 1, faults: nil)

            let db = try SQLiteDatabase(path: path, readOnly: true)
            let statement = try db.prepare(Self.whatDoWeKnow)
            var rows: [String] = []
            while try statement.step() { rows.append(statement.string(0) + " | " + statement.string(1)) }
            #expect(
                Set(rows)
                    == [
                        "identifier | email: alyssa@example.com", "identifier | phone: +14155550100",
                        "trait | Account.tier = gold",
                        "fact | is allergic to peanuts", "fact | prefers SMS over email",
                        "summary | Asked to move her delivery to Saturday.",
                    ])
        }
    }

    /// The built-in hashed embedder's vectors are a pure function of the text: snapshots leave
    /// them out (they were 1.5 KB of each observation's 2) and restore recomputes them; a
    /// client's vector, or a model's, is written.
    @Test func hashedVectorsAreLeftOutAndRecomputedOnRestore() async throws {
        try await withTemporaryDirectory { dir in
            let engine = Engine()
            let store = try engine.createStore(displayName: "support").store.id
            let profile = try engine.resolveIdentity(
                storeID: store, identifiers: [IdentifierInput(type: "email", value: "a@example.com")]
            )
            .profileID
            let client = [Float](repeating: 0.5, count: 384)
            _ = try engine.observe(
                storeID: store, profileID: profile,
                observations: [
                    ObservationInput(content: "prefers email over phone", source: "agent", occurredAt: 1),
                    ObservationInput(content: "sent with a vector", source: "agent", occurredAt: 2, embedding: client),
                ])
            let path = dir + "/snapshot.sqlite"
            _ = try SnapshotFile.write(engine.view(), to: path, createdAtUs: 1, faults: nil)
            let db = try SQLiteDatabase(path: path, readOnly: true)
            let statement = try db.prepare(
                "SELECT content, embedding IS NULL, embedder FROM observations ORDER BY content")
            var rows: [String] = []
            while try statement.step() {
                rows.append("\(statement.string(0)) \(statement.int64(1)) \(statement.optionalString(2) ?? "client")")
            }
            #expect(rows == ["prefers email over phone 1 hashed-v1@1/384", "sent with a vector 0 client"])
            let restored = Engine(restoring: try SnapshotFile.read(path))
            let listed = try restored.listObservations(storeID: store, profileID: profile).observations
            #expect(
                listed.first { $0.content == "prefers email over phone" }?.embedding == nil,
                "kept in the recall index only")
            #expect(listed.first { $0.content == "sent with a vector" }?.embedding == client)
            #expect(restored.view().snapshot() == engine.view().snapshot())
            // The rebuilt vectors rank exactly as the ones the live engine made.
            let query = RecallOptions(query: "prefers e-mail", explain: true)
            let before = try engine.recall(storeID: store, profileID: profile, query).observations
            let after = try restored.recall(storeID: store, profileID: profile, query).observations
            #expect(after.map(\.explanation) == before.map(\.explanation))
            #expect(
                (after.first { $0.observation.content == "prefers email over phone" }?.explanation?.semantic ?? 0) > 0.3
            )
        }
    }
}
