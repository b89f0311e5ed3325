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
        #expect(
            try t.engine.listObservations(storeID: store, profileID: id).observations.count == 25,
            "the default page (100) holds all 25")
        #expect(
            try t.engine.listObservations(
                storeID: store, profileID: id, filter: ObservationFilter(status: .superseded)
            ).observations.isEmpty)
    }

    /// The proto's rule: page_size 1–1000, 0 means 100.
    @Test func pagesAsLargeAsTheProtoAllows() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        for batch in 0..<60 {
            _ = try t.engine.observe(
                storeID: store, profileID: id,
                observations: (0..<10).map { observation("distinct fact \(batch * 10 + $0) about item \(batch)-\($0)") }
            )
        }
        let big = try t.engine.listObservations(storeID: store, profileID: id, pageSize: 500)
        #expect(big.observations.count == 500 && big.nextPageToken != nil)
        #expect(try t.engine.listObservations(storeID: store, profileID: id, pageSize: 0).observations.count == 100)
        #expect(try t.engine.listObservations(storeID: store, profileID: id, pageSize: 1_000).nextPageToken == nil)
        for i in 0..<3 { _ = try t.engine.makeStore("s\(i)") }
        let first = try t.engine.listStores(pageSize: 2, pageToken: nil)
        let second = try t.engine.listStores(pageSize: 2, pageToken: first.nextPageToken)
        #expect(first.stores.count == 2 && second.stores.count == 2 && second.nextPageToken == nil)
        #expect(Set((first.stores + second.stores).map(\.id)).count == 4)
        expectError(.invalidArgument, field: "page_size") { try t.engine.listStores(pageSize: 1_001, pageToken: nil) }
    }

    @Test func badListingArguments() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        expectError(.invalidArgument, field: "page_size") {
            try t.engine.listObservations(storeID: store, profileID: id, pageSize: 1_001)
        }
        expectError(.invalidArgument, field: "page_size") {
            try t.engine.listObservations(storeID: store, profileID: id, pageSize: -1)
        }
        expectError(.invalidArgument, field: "page_token") {
            try t.engine.listObservations(storeID: store, profileID: id, pageToken: "garbage")
        }
        expectError(.invalidArgument, field: "created_before_us") {
            try t.engine.listObservations(
                storeID: store, profileID: id, filter: ObservationFilter(created: TimeRange(begin: 10, end: 10)))
        }
        expectError(.invalidArgument, field: "occurred_before_us") {
            try t.engine.listObservations(
                storeID: store, profileID: id, filter: ObservationFilter(occurred: TimeRange(begin: 10, end: 5)))
        }
        expectError(.invalidArgument, field: "source") {
            try t.engine.listObservations(storeID: store, profileID: id, filter: ObservationFilter(source: "a/b"))
        }
        expectError(.invalidArgument, field: "profile_id") {
            try t.engine.listObservations(storeID: store, profileID: "")
        }
    }

    @Test func pageTokensRoundTrip() {
        let cursor = PageCursor(createdAt: 1_700_000_000_123_456, id: "ob_000000000042")
        #expect(PageCursor(token: cursor.token) == cursor)
        #expect(PageCursor(token: "c1zz") == nil)
        #expect(PageCursor(token: "") == nil)
    }
}
