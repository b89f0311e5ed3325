import Testing

@testable import EngramCore

@Suite struct ObservationListingTests {
    @Test func newestFirstPagedAndFiltered() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        var ids: [String] = []
        for i in 0..<25 {
            let result = try t.engine.observe(
                storeID: store, profileID: id,
                observations: [
                    observation(
                        "distinct fact number \(i)", at: Int64(1_000 + i), source: i % 2 == 0 ? "voice" : "chat",
                        conversations: ["conv-\(i % 3)"])
                ])
            ids.append(result.observations[0].observationID)
        }
        var seen: [String] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try t.engine.listObservations(storeID: store, profileID: id, pageSize: 10, pageToken: token)
            seen += page.observations.map(\.id)
            token = page.nextPageToken
            pages += 1
        } while token != nil
        #expect(pages == 3)
        #expect(seen == ids.reversed(), "newest first, every item once")

        let voice = try t.engine.listObservations(
            storeID: store, profileID: id, filter: ObservationFilter(source: "voice"), pageSize: 100)
        #expect(voice.observations.count == 13 && voice.observations.allSatisfy { $0.source == "voice" })
        let conv = try t.engine.listObservations(
            storeID: store, profileID: id, filter: ObservationFilter(conversationID: "conv-1"), pageSize: 100)
        #expect(conv.observations.count == 8)
        let occurred = try t.engine.listObservations(
            storeID: store, profileID: id, filter: ObservationFilter(occurred: TimeRange(begin: 1_010, end: 1_015)))
        #expect(occurred.observations.map(\.occurredAt) == [1_014, 1_013, 1_012, 1_011, 1_010])
        let all = try t.engine.listObservations(storeID: store, profileID: id, pageSize: 100).observations
        let created = try t.engine.listObservations(
            storeID: store, profileID: id,
            filter: ObservationFilter(created: TimeRange(begin: all[5].createdAt, end: all[1].createdAt)))
        #expect(created.observations.map(\.id) == Array(all[2...5]).map(\.id))
        #expect(try t.engine.listObservations(storeID: store, profileID: id).observations.count == 20, "default page is 20")
        #expect(
            try t.engine.listObservations(
                storeID: store, profileID: id, filter: ObservationFilter(status: .superseded)
            ).observations.isEmpty)
    }

    @Test func badListingArguments() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        expectError(.invalidArgument, field: "page_size") { try t.engine.listObservations(storeID: store, profileID: id, pageSize: 101) }
        expectError(.invalidArgument, field: "page_size") { try t.engine.listObservations(storeID: store, profileID: id, pageSize: -1) }
        expectError(.invalidArgument, field: "page_token") {
            try t.engine.listObservations(storeID: store, profileID: id, pageToken: "garbage")
        }
        expectError(.invalidArgument, field: "filter.created.end") {
            try t.engine.listObservations(
                storeID: store, profileID: id, filter: ObservationFilter(created: TimeRange(begin: 10, end: 10)))
        }
        expectError(.invalidArgument, field: "filter.occurred.end") {
            try t.engine.listObservations(
                storeID: store, profileID: id, filter: ObservationFilter(occurred: TimeRange(begin: 10, end: 5)))
        }
        expectError(.invalidArgument, field: "filter.source") {
            try t.engine.listObservations(storeID: store, profileID: id, filter: ObservationFilter(source: "a/b"))
        }
        expectError(.invalidArgument, field: "profile_id") { try t.engine.listObservations(storeID: store, profileID: "") }
    }

    @Test func pageTokensRoundTrip() {
        let cursor = PageCursor(createdAt: 1_700_000_000_123_456, id: "ob_000000000042")
        #expect(PageCursor(token: cursor.token) == cursor)
        #expect(PageCursor(token: "c1zz") == nil)
        #expect(PageCursor(token: "") == nil)
    }
}
