import EngramCore
import Testing

@Suite struct StoreTests {
    @Test func createGetListUpdate() throws {
        let t = makeEngine()
        let created = try t.engine.createStore(displayName: "support-eu", description: "EU support desk")
        #expect(created.store.displayName == "support-eu")
        #expect(created.logPosition == 1)
        let other = try t.engine.createStore(displayName: "sales")
        #expect(try t.engine.getStore(created.store.id) == created.store)
        #expect(t.engine.listStores().map(\.id) == [created.store.id, other.store.id])
        let updated = try t.engine.updateStore(created.store.id, description: "Support, Europe")
        #expect(updated.store.displayName == "support-eu")
        #expect(updated.store.description == "Support, Europe")
        #expect(updated.store.updatedAt > created.store.updatedAt)
        #expect(t.engine.counts().stores == 2)
    }

    @Test func badNamesAndDescriptions() throws {
        let t = makeEngine()
        expectError(.invalidArgument, field: "display_name") { try t.engine.createStore(displayName: "") }
        expectError(.invalidArgument, field: "display_name") { try t.engine.createStore(displayName: "has space") }
        expectError(.invalidArgument, field: "display_name") {
            try t.engine.createStore(displayName: String(repeating: "a", count: 65))
        }
        expectError(.invalidArgument, field: "description") {
            try t.engine.createStore(displayName: "ok", description: String(repeating: "d", count: 129))
        }
        #expect(try t.engine.createStore(displayName: String(repeating: "a", count: 64)).store.displayName.count == 64)
        #expect(t.journal.commands.count == 1, "failed calls are never journaled")
    }

    @Test func namesAreUniqueIgnoringCase() throws {
        let t = makeEngine()
        let first = try t.engine.makeStore("Prod")
        expectError(.alreadyExists, field: "display_name") { try t.engine.createStore(displayName: "prod") }
        let second = try t.engine.makeStore("staging")
        expectError(.alreadyExists, field: "display_name") { try t.engine.updateStore(second, displayName: "PROD") }
        #expect(try t.engine.updateStore(first, displayName: "prod").store.displayName == "prod")
    }

    @Test func unknownStores() throws {
        let t = makeEngine()
        expectError(.notFound, field: "store_id") { try t.engine.getStore("st_nope") }
        expectError(.invalidArgument, field: "store_id") { try t.engine.getStore("") }
        expectError(.notFound, field: "store_id") { try t.engine.updateStore("st_nope", description: "x") }
        expectError(.notFound, field: "store_id") { try t.engine.deleteStore("st_nope") }
        expectError(.notFound, field: "store_id") {
            try t.engine.resolveIdentity(storeID: "st_nope", identifiers: [email("a@b.co")])
        }
    }

    @Test func deletingAStoreErasesEverythingInIt() throws {
        let t = makeEngine()
        let doomed = try t.engine.makeStore("doomed")
        let kept = try t.engine.makeStore("kept")
        let victim = try t.engine.makeProfile(store: doomed, email: "a@example.com")
        _ = try t.engine.observe(storeID: doomed, profileID: victim, observations: [observation("likes tea")])
        let survivor = try t.engine.makeProfile(store: kept, email: "a@example.com")
        _ = try t.engine.observe(storeID: kept, profileID: survivor, observations: [observation("likes coffee")])

        let receipt = try t.engine.deleteStore(doomed)
        #expect(receipt.profilesErased == 1)
        #expect(receipt.observationsErased == 1)
        #expect(receipt.logPosition == UInt64(t.journal.commands.count))
        expectError(.notFound, field: "store_id") { try t.engine.getProfile(storeID: doomed, profileID: victim) }
        expectError(.notFound, field: "store_id") { try t.engine.getIdentitySettings(storeID: doomed) }
        #expect(t.engine.counts() == EngineCounts(stores: 1, profiles: 1, observations: 1))
        #expect(try t.engine.getProfile(storeID: kept, profileID: survivor).observationCount == 1)
        #expect(t.engine.view().snapshot().stores.map(\.store.id) == [kept])
    }

    @Test func storesAreIsolated() throws {
        let t = makeEngine()
        let a = try t.engine.makeStore("a")
        let b = try t.engine.makeStore("b")
        let inA = try t.engine.makeProfile(store: a, email: "same@example.com")
        let inB = try t.engine.resolveIdentity(storeID: b, identifiers: [email("same@example.com")])
        #expect(inB.outcome == .created, "identifiers never match across stores")
        #expect(inB.profileID != inA)
        expectError(.notFound, field: "profile_id") { try t.engine.getProfile(storeID: b, profileID: inA) }
        expectError(.notFound, field: "profile_id") {
            try t.engine.observe(storeID: b, profileID: inA, observations: [observation("x")])
        }
        #expect(try t.engine.lookupProfiles(storeID: a, type: "email", value: "same@example.com").profileIDs == [inA])
    }
}
