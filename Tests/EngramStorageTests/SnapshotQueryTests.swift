import EngramCore
@testable import EngramStorage
import Foundation
import Testing

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
                identifiers: [IdentifierInput(type: "email", value: "Alyssa@Example.com"), IdentifierInput(type: "phone", value: "+14155550100")],
                traits: [TraitUpdate(group: "Account", name: "tier", value: .string("gold"))]
            ).profileID
            _ = try engine.observe(
                storeID: store, profileID: profile,
                observations: [
                    ObservationInput(content: "prefers email over phone", source: "voice-agent", occurredAt: 1, subjectKey: "contact"),
                    ObservationInput(content: "is allergic to peanuts", source: "chat-agent", occurredAt: 2),
                    ObservationInput(content: "prefers SMS over email", source: "chat-agent", occurredAt: 3, subjectKey: "contact"),
                ],
                summaries: [SummaryInput(content: "Asked to move her delivery to Saturday.", conversationID: "conv-1", occurredAt: 4, source: "voice-agent")])
            let path = dir + "/snapshot.sqlite"
            _ = try SnapshotFile.write(engine.view(), to: path, createdAtUs: 1, faults: nil)

            let db = try SQLiteDatabase(path: path, readOnly: true)
            let statement = try db.prepare(Self.whatDoWeKnow)
            var rows: [String] = []
            while try statement.step() { rows.append(statement.string(0) + " | " + statement.string(1)) }
            #expect(
                Set(rows)
                    == [
                        "identifier | email: alyssa@example.com", "identifier | phone: +14155550100", "trait | Account.tier = gold",
                        "fact | is allergic to peanuts", "fact | prefers SMS over email", "summary | Asked to move her delivery to Saturday.",
                    ])
        }
    }
}
