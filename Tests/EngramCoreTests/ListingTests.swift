import EngramCore
import Testing

@Suite struct ListingTests {
    /// Pages of a store's profiles, across every shard, cover each profile once in id order,
    /// and leave other stores and deleted or merged-away profiles out.
    @Test func profilesPageInIDOrderAcrossShards() throws {
        let t = makeEngine(shards: 8)
        let store = try t.engine.makeStore()
        let other = try t.engine.makeStore("other")
        var ids: [String] = []
        for i in 0..<23 { ids.append(try t.engine.makeProfile(store: store, email: "p\(i)@example.com")) }
        _ = try t.engine.makeProfile(store: other, email: "elsewhere@example.com")
        _ = try t.engine.deleteProfile(storeID: store, profileID: ids.removeLast())
        // Merging two leaves one.
        let merged = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("p0@example.com"), email("p1@example.com")])
        #expect(merged.outcome == .merged)
        ids.removeAll { merged.mergedProfileIDs.contains($0) }

        for size in [1, 5, 7, 100] {
            var seen: [String] = []
            var token: String?
            repeat {
                let page = try t.engine.listProfiles(storeID: store, pageSize: size, pageToken: token)
                #expect(page.profiles.count <= size)
                seen += page.profiles.map(\.id)
                token = page.nextPageToken
            } while token != nil
            #expect(seen == ids.sorted(), "page size \(size)")
        }
        let first = try t.engine.listProfiles(storeID: store, pageSize: 2)
        #expect(first.profiles[0].identifiers.isEmpty == false, "pages carry whole profiles")
        expectError(.invalidArgument, field: "page_size") { try t.engine.listProfiles(storeID: store, pageSize: 1001) }
        expectError(.notFound) { try t.engine.listProfiles(storeID: "st_none") }
        #expect(try t.engine.listProfiles(storeID: other).profiles.count == 1)
    }

    @Test func summariesPageNewestConversationFirst() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        let inputs = (0..<7).map { i in
            SummaryInput(
                content: "Conversation \(i).", conversationID: "c\(i)", occurredAt: Int64(100 + i), source: "agent")
        }
        _ = try t.engine.observe(storeID: store, profileID: id, summaries: inputs)
        var seen: [String] = []
        var token: String?
        repeat {
            let page = try t.engine.listSummaries(
                storeID: store, profileID: id, conversationID: nil, pageSize: 3, pageToken: token)
            #expect(page.summaries.count <= 3)
            seen += page.summaries.map(\.conversationID)
            token = page.nextPageToken
        } while token != nil
        #expect(seen == ["c6", "c5", "c4", "c3", "c2", "c1", "c0"])
        let one = try t.engine.listSummaries(
            storeID: store, profileID: id, conversationID: "c2", pageSize: 0, pageToken: nil)
        #expect(one.summaries.map(\.content) == ["Conversation 2."])
        expectError(.invalidArgument, field: "page_token") {
            try t.engine.listSummaries(storeID: store, profileID: id, conversationID: nil, pageSize: 0, pageToken: "zz")
        }
    }
}
