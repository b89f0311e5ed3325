import EngramCore
import Testing

@Suite struct SummaryAndCommunicationTests {
    @Test func oneSummaryPerConversationWithRevisions() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        let first = try t.engine.observe(
            storeID: store, profileID: id,
            summaries: [
                SummaryInput(content: "Asked about billing.", conversationID: "c1", occurredAt: 10, source: "agent")
            ])
        let second = try t.engine.observe(
            storeID: store, profileID: id,
            summaries: [
                SummaryInput(
                    content: "Asked about billing; resolved.", conversationID: "c1", occurredAt: 20, source: "agent"),
                SummaryInput(content: "Reported a bug.", conversationID: "c2", occurredAt: 5, source: "agent"),
            ])
        #expect(second.summaryIDs[0] == first.summaryIDs[0], "a replaced summary keeps its id")
        let summaries = try t.engine.listSummaries(storeID: store, profileID: id).summaries
        #expect(summaries.map(\.summary.conversationID) == ["c1", "c2"])
        #expect(summaries[0].summary.content == "Asked about billing; resolved.")
        #expect(summaries[0].revisions.map(\.prior.content) == ["Asked about billing."])
        expectError(.invalidArgument, field: "summaries[0].conversation_id") {
            try t.engine.observe(
                storeID: store, profileID: id,
                summaries: [SummaryInput(content: "x", conversationID: "", occurredAt: 1, source: "a")])
        }
        expectError(.invalidArgument, field: "summaries[0].content") {
            try t.engine.observe(
                storeID: store, profileID: id,
                summaries: [
                    SummaryInput(
                        content: String(repeating: "y", count: 4_097), conversationID: "c", occurredAt: 1, source: "a")
                ])
        }
        expectError(.invalidArgument, field: "summaries[0].occurred_at_us") {
            try t.engine.observe(
                storeID: store, profileID: id,
                summaries: [SummaryInput(content: "x", conversationID: "c", occurredAt: nil, source: "a")])
        }
        expectError(.invalidArgument, field: "summaries[0].source") {
            try t.engine.observe(
                storeID: store, profileID: id,
                summaries: [SummaryInput(content: "x", conversationID: "c", occurredAt: 1, source: "")])
        }
    }

    @Test func communicationsKeepABoundedWindow() throws {
        let t = makeEngine(window: 5)
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        for i in 0..<8 {
            _ = try t.engine.observe(
                storeID: store, profileID: id,
                communications: [
                    CommunicationInput(
                        authorType: i % 2 == 0 ? .customer : .aiAgent, channel: .voice, text: "turn \(i)",
                        conversationID: i < 4 ? "c1" : "c2", createdAt: Int64(100 + i))
                ])
        }
        let kept = try t.engine.listCommunications(storeID: store, profileID: id).communications
        #expect(kept.map(\.text) == ["turn 7", "turn 6", "turn 5", "turn 4", "turn 3"])
        #expect(
            try t.engine.listCommunications(storeID: store, profileID: id, conversationID: "c1").communications.map(
                \.text) == ["turn 3"])
        #expect(try t.engine.listCommunications(storeID: store, profileID: id, pageSize: 2).communications.count == 2)
        // Older than the whole window: dropped at once.
        _ = try t.engine.observe(
            storeID: store, profileID: id,
            communications: [
                CommunicationInput(
                    authorType: .system, channel: .api, text: "ancient", conversationID: "c0", createdAt: 1)
            ])
        #expect(
            try t.engine.listCommunications(storeID: store, profileID: id).communications.map(\.text).contains(
                "ancient") == false)
        expectError(.invalidArgument, field: "communications[0].text") {
            try t.engine.observe(
                storeID: store, profileID: id,
                communications: [
                    CommunicationInput(authorType: .customer, channel: .sms, text: "", conversationID: "c")
                ])
        }
        expectError(.invalidArgument, field: "communications[0].conversation_id") {
            try t.engine.observe(
                storeID: store, profileID: id,
                communications: [
                    CommunicationInput(authorType: .customer, channel: .sms, text: "hi", conversationID: "")
                ])
        }
        expectError(.invalidArgument, field: "communications[0].created_at_us") {
            try t.engine.observe(
                storeID: store, profileID: id,
                communications: [
                    CommunicationInput(
                        authorType: .customer, channel: .sms, text: "hi", conversationID: "c", createdAt: -1)
                ])
        }
        expectError(.invalidArgument, field: "page_size") {
            try t.engine.listCommunications(storeID: store, profileID: id, pageSize: -1)
        }
    }
}
