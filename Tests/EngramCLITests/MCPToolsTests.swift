import EngramClient
import EngramMCP
import EngramWire
import Foundation
import MCP
import Testing

/// The MCP tools against an in-process server: each maps onto real calls, and bad arguments
/// come back as tool errors naming the argument (stdio and the official Python SDK are
/// tested by scripts/mcp-test).
@Suite struct MCPToolsTests {
    private func text(_ result: CallTool.Result) -> String {
        result.content.compactMap {
            if case .text(let text, _, _) = $0 { return text }
            return nil
        }.joined()
    }

    private func object(_ result: CallTool.Result, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> [String: Any]
    {
        #expect(result.isError == false, "\(text(result))", sourceLocation: sourceLocation)
        let parsed = try JSONSerialization.jsonObject(with: Data(text(result).utf8))
        return try #require(parsed as? [String: Any], sourceLocation: sourceLocation)
    }

    @Test func toolsResolveRememberRecallAndDescribeACustomer() async throws {
        try await withServer { port in
            let client = try EngramClient(configuration: .init(host: "127.0.0.1", port: port))
            defer { client.close() }
            let store = try #require(try await client.createStore(.with { $0.displayName = "mcp" }).store?.id)
            let tools = EngramTools(client: client, storeID: store)
            #expect(
                Set(EngramTools.definitions.map(\.name))
                    == [
                        "resolve_customer", "recall_memory", "remember", "get_profile", "append_messages",
                        "search_knowledge",
                    ])

            let resolved = try object(
                await tools.call(
                    "resolve_customer",
                    [
                        "identifiers": .array([.object(["type": "phone", "value": "+14155550100"])]),
                        "traits": .object(["Contact": .object(["first_name": "Ada", "vip": true])]),
                    ]))
            let profile = try #require(resolved["profile"] as? [String: Any])
            let profileID = try #require(profile["id"] as? String)
            #expect(resolved["outcome"] as? String == "CREATED")

            // By identifier: the same customer, no new profile.
            let remembered = try object(
                await tools.call(
                    "remember",
                    [
                        "identifier": .object(["type": "phone", "value": "(415) 555-0100"]),
                        "content": "Prefers to be called after 6 pm about the kitchen renovation",
                        "source": "voice-agent",
                    ]))
            #expect(remembered["profile_id"] as? String == profileID)
            _ = try object(
                await tools.call("remember", ["profile_id": .string(profileID), "content": "Has a dog named Rex"]))

            let recalled = try object(
                await tools.call(
                    "recall_memory", ["profile_id": .string(profileID), "query": "renovation", "limit": 1]))
            let observations = try #require(recalled["observations"] as? [[String: Any]])
            #expect(observations.count == 1)
            let first = try #require(observations.first?["observation"] as? [String: Any])
            #expect((first["content"] as? String)?.contains("renovation") == true)
            #expect(first["source"] as? String == "voice-agent")

            let described = try object(
                await tools.call("get_profile", ["identifier": .object(["type": "phone", "value": "+14155550100"])]))
            #expect(described["id"] as? String == profileID)
            #expect(described["observation_count"] as? Int == 2)

            // A call's messages, the customer found by the number they call from.
            let appended = try object(
                await tools.call(
                    "append_messages",
                    [
                        "conversation_id": "call-9", "channel": "voice", "close": true,
                        "messages": .array([
                            .object([
                                "role": "customer", "text": "Text me instead, I prefer SMS.", "address": "+14155550100",
                            ]),
                            .object(["role": "ai_agent", "text": "Noted, I will text you."]),
                        ]),
                    ]))
            #expect(appended["profile_id"] as? String == profileID && appended["added"] as? Int == 2)
            let conversation = try #require(appended["conversation"] as? [String: Any])
            #expect(conversation["state"] as? String != "OPEN")
            let badRole = await tools.call(
                "append_messages",
                ["conversation_id": "c", "messages": .array([.object(["role": "bot", "text": "x"])])])
            #expect(badRole.isError == true && text(badRole).contains("messages[0]"))
        }
    }

    @Test func searchKnowledgeFindsTheSectionThatAnswers() async throws {
        try await withServer { port in
            let client = try EngramClient(configuration: .init(host: "127.0.0.1", port: port))
            defer { client.close() }
            let store = try #require(try await client.createStore(.with { $0.displayName = "mcp-kb" }).store?.id)
            let base = try #require(
                try await client.call(
                    Methods.createKnowledgeBase,
                    .with {
                        $0.storeId = store
                        $0.displayName = "Help"
                    }
                ).knowledgeBase?.id)
            _ = try await client.call(
                Methods.addKnowledge,
                .with {
                    $0.storeId = store
                    $0.knowledgeBaseId = base
                    $0.name = "Policies"
                    $0.sourceType = .markdown
                    $0.source =
                        "# Policies\n## Returns\nReturn items within 30 days.\n## Shipping\nShipping takes 3 days.\n"
                })
            let tools = EngramTools(client: client, storeID: store)
            let found = try object(
                await tools.call(
                    "search_knowledge",
                    ["query": "how long does shipping take", "knowledge_base_ids": .array([.string(base)]), "top": 1]))
            let results = try #require(found["results"] as? [[String: Any]])
            #expect(results.count == 1 && (results[0]["heading_path"] as? [String])?.last == "Shipping")
            let bad = await tools.call("search_knowledge", ["query": "x", "top": 50])
            #expect(bad.isError == true && text(bad).contains("'top'"))
            let missing = await tools.call(
                "search_knowledge", ["query": "x", "knowledge_base_ids": .array([.string("kb_none")])])
            #expect(missing.isError == true && text(missing).hasPrefix("NOT_FOUND"), "\(text(missing))")
        }
    }

    @Test func badArgumentsAndServerErrorsAreToolErrors() async throws {
        try await withServer { port in
            let client = try EngramClient(configuration: .init(host: "127.0.0.1", port: port))
            defer { client.close() }
            let store = try #require(try await client.createStore(.with { $0.displayName = "mcp" }).store?.id)
            let tools = EngramTools(client: client, storeID: store)

            let noContent = await tools.call("remember", ["profile_id": "pr_x"])
            #expect(noContent.isError == true && text(noContent).contains("'content' is required"))
            let both = await tools.call(
                "recall_memory", ["profile_id": "pr_x", "identifier": .object(["type": "email", "value": "a@b.co"])])
            #expect(both.isError == true && text(both).contains("not both"))
            let badLimit = await tools.call("recall_memory", ["profile_id": "pr_x", "limit": 1000])
            #expect(badLimit.isError == true && text(badLimit).contains("'limit' must be an integer from 1 to 100"))
            let unknown = await tools.call("forget_everything", [:])
            #expect(unknown.isError == true && text(unknown).contains("unknown tool"))
            // The server's own answer, passed through.
            let missing = await tools.call("recall_memory", ["profile_id": "pr_doesnotexist", "query": "x"])
            #expect(missing.isError == true && text(missing).hasPrefix("NOT_FOUND"), "\(text(missing))")
            let badEmail = await tools.call(
                "resolve_customer", ["identifiers": .array([.object(["type": "email", "value": "no-at-sign"])])])
            #expect(badEmail.isError == true && text(badEmail).contains("INVALID_ARGUMENT"), "\(text(badEmail))")
        }
    }
}
