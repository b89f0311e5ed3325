import EngramCore
import Foundation
import Testing

@testable import EngramHTTP

@Suite struct HTTPKnowledgeTests {
    static let policies = """
        # Policies
        ## Refunds
        Refunds reach your card within five business days.
        ## Shipping
        Parcels ship in three days from the warehouse in Leeds.
        """

    @Test func knowledgeBasesFromCreationToSearchAndErasure() async throws {
        try await withHTTP { c in
            let store = try await makeStore(c)
            let created = try await c.post(
                "/v1/Stores/\(store)/KnowledgeBases", #"{"displayName": "Help", "description": "Support docs"}"#)
            #expect(created.status == 201)
            let base = created.string("id")
            #expect(created.string("status") == "READY" && created["knowledgeCount"] as? Int == 0)
            let kb = "/v1/Stores/\(store)/KnowledgeBases/\(base)"

            let body = try JSONSerialization.data(withJSONObject: [
                "name": "Policies", "sourceType": "markdown", "source": Self.policies,
                "metadata": ["region": "UK", "tier": "gold"],
            ])
            let added = try await c.post("\(kb)/Knowledge", String(decoding: body, as: UTF8.self))
            #expect(added.status == 201)
            let doc = added.string("id")
            #expect(added.string("status") == "READY" && added.string("sourceType") == "MARKDOWN")
            #expect(added["chunkCount"] as? Int == 2 && added["embeddedCount"] as? Int == 2)
            #expect(added["metadata"] as? [String: String] == ["region": "UK", "tier": "gold"])
            #expect(added["sourceBytes"] as? Int == Self.policies.utf8.count)

            let found = try await c.post("\(kb)/Search", #"{"query": "when is my refund back", "top": 1}"#)
            #expect(found.status == 200)
            #expect(found.list("chunks").count == 1)
            #expect(found.list("chunks").first?["headingPath"] as? [String] == ["Policies", "Refunds"])
            #expect(found.list("chunks").first?["knowledgeId"] as? String == doc)
            #expect((found["meta"] as? [String: Any])?["queryTimeUs"] is Int)
            // Across the store's bases, with a metadata filter that keeps and one that drops it.
            let everywhere = try await c.post(
                "/v1/Stores/\(store)/KnowledgeBases/Search",
                #"{"query": "where is the warehouse", "metadata": {"region": "UK"}, "explain": true}"#)
            #expect(everywhere.list("chunks").first?["headingPath"] as? [String] == ["Policies", "Shipping"])
            #expect(everywhere.list("chunks").first?["explanation"] != nil)
            let filtered = try await c.post(
                "/v1/Stores/\(store)/KnowledgeBases/Search",
                #"{"query": "where is the warehouse", "metadata": {"region": "US"}}"#)
            #expect(filtered.status == 200 && filtered.list("chunks").isEmpty)

            let chunks = try await c.get("\(kb)/Knowledge/\(doc)/Chunks?pageSize=1")
            #expect(chunks.list("chunks").map { $0["chunkIndex"] as? Int } == [0])
            let next = try #require((chunks["meta"] as? [String: Any])?["nextToken"] as? String)
            let second = try await c.get("\(kb)/Knowledge/\(doc)/Chunks?pageSize=1&pageToken=\(next)")
            #expect(second.list("chunks").map { $0["chunkIndex"] as? Int } == [1])

            let listed = try await c.get("\(kb)/Knowledge")
            #expect(listed.list("knowledge").map { $0["id"] as? String } == [doc])
            #expect((listed["meta"] as? [String: Any])?["key"] as? String == "knowledge")

            let patched = try await c.send(
                .patch, "\(kb)/Knowledge/\(doc)", #"{"source": "Opening hours are nine to five.", "metadata": {}}"#)
            #expect(patched.status == 200)
            #expect(patched["chunkCount"] as? Int == 1 && patched.string("sourceType") == "MARKDOWN")
            #expect(patched["metadata"] as? [String: String] == [:])
            let hours = try await c.post("\(kb)/Search", #"{"query": "opening hours"}"#)
            #expect(hours.list("chunks").first?["content"] as? String == "Opening hours are nine to five.")

            let renamed = try await c.send(.patch, kb, #"{"displayName": "Support"}"#)
            #expect(renamed.string("displayName") == "Support" && renamed.string("description") == "Support docs")
            #expect(try await c.get(kb)["knowledgeCount"] as? Int == 1)
            let bases = try await c.get("/v1/Stores/\(store)/KnowledgeBases")
            #expect(bases.list("knowledgeBases").map { $0["id"] as? String } == [base])

            let deletedDoc = try await c.send(.delete, "\(kb)/Knowledge/\(doc)")
            #expect(deletedDoc.status == 200)
            #expect((deletedDoc["deleted"] as? [String: Any])?["chunks"] as? Int == 1)
            #expect(try await c.get("\(kb)/Knowledge/\(doc)").status == 404)
            let deletedBase = try await c.send(.delete, kb)
            #expect(deletedBase.status == 200 && deletedBase.string("id") == base)
            #expect(try await c.get(kb).status == 404)
        }
    }

    @Test func badKnowledgeInputNamesTheField() async throws {
        try await withHTTP { c in
            let store = try await makeStore(c)
            let base = try await c.post("/v1/Stores/\(store)/KnowledgeBases", #"{"displayName": "Help"}"#).string("id")
            let kb = "/v1/Stores/\(store)/KnowledgeBases/\(base)"
            let cases: [(String, String, String)] = [
                ("/v1/Stores/\(store)/KnowledgeBases", #"{"description": "no name"}"#, "displayName"),
                ("\(kb)/Knowledge", #"{"name": "Doc", "source": "x", "sourceType": "PDF"}"#, "sourceType"),
                ("\(kb)/Knowledge", #"{"name": "Doc", "source": "x", "metadata": {"n": 1}}"#, "metadata"),
                ("\(kb)/Knowledge", #"{"source": "text"}"#, "name"),
                ("\(kb)/Search", #"{"query": ""}"#, "query"),
                ("\(kb)/Search", #"{"query": "refunds", "top": 99}"#, "top"),
                ("\(kb)/Search", #"{"query": "refunds", "knowledgeBaseIds": ["kb_other"]}"#, "knowledgeBaseIds"),
            ]
            for (path, body, field) in cases {
                let answer = try await c.post(path, body)
                #expect(answer.status == 400, "\(path) \(body): \(answer.text)")
                #expect(answer.text.contains(field), "\(path) \(body): \(answer.text)")
            }
            let sourceTypeAlone = try await c.send(.patch, "\(kb)/Knowledge/kn_none", #"{"sourceType": "HTML"}"#)
            #expect(
                sourceTypeAlone.status == 400 && sourceTypeAlone.text.contains("sourceType"), "\(sourceTypeAlone.text)")
            #expect(
                try await c.post("/v1/Stores/\(store)/KnowledgeBases/kb_none/Search", #"{"query": "x"}"#).status == 404)
        }
    }
}
