import EngramCLI
import Foundation
import Testing

/// `engram conversation ...`, `engram communications` and `engram import FILE.jsonl` against an
/// in-process server (which runs no extractor: conversations stay CLOSED once closed).
@Suite struct ConversationCLITests {
    @Test("append (the caller found by number), get, close, list, communications")
    func lifecycle() async throws {
        try await withServer { port in
            let store = try await createStore("calls", port: port)
            let first = await engram(
                [
                    "conversation", "append", "My order never arrived.", "--conversation", "call-1", "--channel",
                    "voice", "--from", "customer:+14155550100", "--id", "m1", "--store", store, "--json",
                ], port: port)
            #expect(first.status == 0, "\(first.err)")
            let appended = try first.json()
            #expect(appended["resolve_outcome"] as? String == "CREATED" && appended["added"] as? Int == 1)
            let profile = try #require(appended["profile_id"] as? String)
            let retry = await engram(
                [
                    "conversation", "append", "My order never arrived.", "--conversation", "call-1", "--channel",
                    "voice", "--from", "customer:+14155550100", "--id", "m1", "--store", store,
                ], port: port)
            #expect(retry.status == 0 && retry.out.contains("already stored"), "\(retry.out)")
            let agent = await engram(
                [
                    "conversation", "append", "Sorry, I will check.", "--conversation", "call-1", "--channel", "voice",
                    "--from", "ai_agent:bot", "--to", "customer:+14155550100", "--store", store,
                ], port: port)
            #expect(agent.status == 0, "\(agent.err)")

            let closed = await engram(["conversation", "close", "call-1", "--store", store, "--json"], port: port)
            #expect(try closed.json()["state"] as? String == "CLOSED")
            let got = await engram(["conversation", "get", "call-1", "--store", store], port: port)
            #expect(got.status == 0 && got.out.contains("CLOSED") && got.out.contains(profile))
            let listed = await engram(
                ["conversation", "list", "--state", "closed", "--store", store, "--json"], port: port)
            let conversations = try #require(try listed.json()["conversations"] as? [[String: Any]])
            #expect(conversations.map { $0["id"] as? String } == ["call-1"])
            let messages = await engram(
                ["communications", "--conversation", "call-1", "--store", store, "--json"], port: port)
            let list = try #require(try messages.json()["communications"] as? [[String: Any]])
            #expect(list.count == 2)

            let missing = await engram(["conversation", "get", "nope", "--store", store], port: port)
            #expect(missing.status == 15 && missing.err.contains("conversation_id"))
            let badFrom = await engram(
                ["conversation", "append", "x", "--conversation", "c", "--from", "robot:1", "--store", store],
                port: port)
            #expect(badFrom.status == 64 && badFrom.err.contains("--from"))
            let noWho = await engram(["communications", "--store", store], port: port)
            #expect(noWho.status == 64)
        }
    }

    @Test("import FILE.jsonl: whole conversations and single messages, bad lines to the rejects file")
    func importJSONLines() async throws {
        try await withServer { port in
            let store = try await createStore("imports", port: port)
            try await withTemporaryDirectory { dir in
                let file = dir.appendingPathComponent("conversations.jsonl")
                try """
                {"conversation_id": "c1", "messages": [{"id": "a1", "from": "customer:+14155550100", "channel": "sms", "text": "Hi, I moved to Lisbon.", "at": "2026-05-06T19:45:00Z"}, {"id": "a2", "author": {"type": "ai_agent", "address": "bot"}, "channel": "sms", "text": "Noted."}]}
                {"conversation_id": "c2", "id": "b1", "from": "customer:ana@example.com", "channel": "email", "text": "Please email me."}
                {"conversation_id": "c2", "id": "b2", "from": "customer:ana@example.com", "channel": "email", "text": "Thanks!", "close": false}
                not json
                {"conversation_id": "c3", "from": "customer:+14155550100", "channel": "pigeon", "text": "x"}
                {"conversation_id": "c4", "from": "customer:null", "channel": "sms", "text": "blocked number"}

                """.write(to: file, atomically: true, encoding: .utf8)
                let r = await engram(["import", file.path, "--store", store, "--json", "--no-progress"], port: port)
                #expect(r.status == 2, "rejected lines: \(r.err)")
                let summary = try r.json()
                #expect(summary["conversations"] as? Int == 3)
                #expect(summary["messages"] as? Int == 4 && summary["added"] as? Int == 4)
                #expect(summary["rejected"] as? Int == 3)
                let rejects = try String(
                    contentsOfFile: try #require(summary["rejects_file"] as? String), encoding: .utf8)
                #expect(rejects.contains("line 4: not a JSON object"))
                #expect(rejects.contains("line 5:") && rejects.contains("channel"))
                #expect(rejects.contains("line 6: conversation c4") && rejects.contains("author.address"))
                // c1 closed after its last line; c2 stays open ("close": false on its last line).
                let c1 = await engram(["conversation", "get", "c1", "--store", store, "--json"], port: port)
                #expect(try c1.json()["state"] as? String == "CLOSED")
                let c2 = await engram(["conversation", "get", "c2", "--store", store, "--json"], port: port)
                #expect(try c2.json()["state"] as? String == "OPEN" && (try c2.json()["message_count"] as? Int) == 2)
            }
        }
    }
}
