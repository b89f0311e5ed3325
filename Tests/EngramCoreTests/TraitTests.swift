import EngramCore
import Testing

@Suite struct TraitTests {
    @Test func typedValuesNewerWinsNullRemoves() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        let first = try t.engine.updateTraits(
            storeID: store, profileID: id,
            [
                TraitUpdate(group: "Contact", name: "firstName", value: .string("Ada"), updatedAt: 100),
                TraitUpdate(group: "Account", name: "score", value: .number(4.5), updatedAt: 100),
                TraitUpdate(group: "Account", name: "vip", value: .bool(true), updatedAt: 100),
                TraitUpdate(group: "Account", name: "tags", value: .strings(["a", "b"]), updatedAt: 100),
            ])
        #expect(first.traits["Account"]?.count == 3)
        #expect(first.traits["Account"]?["tags"]?.value == .strings(["a", "b"]))
        // An older write loses, a newer one wins.
        let older = try t.engine.updateTraits(
            storeID: store, profileID: id,
            [TraitUpdate(group: "Contact", name: "firstName", value: .string("Old"), updatedAt: 50)])
        #expect(older.traits["Contact"]?["firstName"]?.value == .string("Ada"))
        let newer = try t.engine.updateTraits(
            storeID: store, profileID: id,
            [TraitUpdate(group: "Contact", name: "firstName", value: .string("Grace"), updatedAt: 150)])
        #expect(newer.traits["Contact"]?["firstName"] == Trait(value: .string("Grace"), updatedAt: 150))
        // Null removes (if not older); an emptied group disappears.
        let stale = try t.engine.updateTraits(
            storeID: store, profileID: id, [TraitUpdate(group: "Contact", name: "firstName", value: nil, updatedAt: 10)]
        )
        #expect(stale.traits["Contact"]?["firstName"] != nil)
        let removed = try t.engine.updateTraits(
            storeID: store, profileID: id, [TraitUpdate(group: "Contact", name: "firstName", value: nil)])
        #expect(removed.traits["Contact"] == nil)
        #expect(try t.engine.getProfile(storeID: store, profileID: id).traits == removed.traits)
    }

    @Test func badUpdatesNameTheField() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        let ok = TraitUpdate(group: "G", name: "n", value: .bool(true))
        expectError(.invalidArgument, field: "traits[1].group") {
            try t.engine.updateTraits(
                storeID: store, profileID: id, [ok, TraitUpdate(group: "", name: "n", value: .bool(true))])
        }
        expectError(.invalidArgument, field: "traits[0].name") {
            try t.engine.updateTraits(
                storeID: store, profileID: id, [TraitUpdate(group: "G", name: "a.b", value: .bool(true))])
        }
        expectError(.invalidArgument, field: "traits[0].value") {
            try t.engine.updateTraits(
                storeID: store, profileID: id, [TraitUpdate(group: "G", name: "n", value: .number(.nan))])
        }
        expectError(.invalidArgument, field: "traits[0].value") {
            try t.engine.updateTraits(
                storeID: store, profileID: id,
                [TraitUpdate(group: "G", name: "n", value: .string(String(repeating: "x", count: 1_025)))])
        }
        expectError(.invalidArgument, field: "traits[0].value[1]") {
            try t.engine.updateTraits(
                storeID: store, profileID: id,
                [TraitUpdate(group: "G", name: "n", value: .strings(["ok", String(repeating: "x", count: 1_025)]))])
        }
        expectError(.invalidArgument, field: "traits[2].value") {
            try t.engine.resolveIdentity(
                storeID: store, identifiers: [email("b@example.com")],
                traits: [ok, ok, TraitUpdate(group: "G", name: "n", value: .number(.infinity))])
        }
        expectError(.notFound, field: "profile_id") {
            try t.engine.updateTraits(storeID: store, profileID: "pr_x", [ok])
        }
        #expect(try t.engine.getProfile(storeID: store, profileID: id).traits.isEmpty)
        #expect(t.engine.counts().profiles == 1, "the failed resolve created nothing")
    }

    @Test func groupAndTraitLimits() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        let fifty = (0..<50).map { TraitUpdate(group: "g\($0)", name: "n", value: .bool(true)) }
        _ = try t.engine.updateTraits(storeID: store, profileID: id, fifty)
        expectError(.resourceExhausted, field: "traits[1].group") {
            try t.engine.updateTraits(
                storeID: store, profileID: id,
                [
                    TraitUpdate(group: "g0", name: "m", value: .bool(true)),
                    TraitUpdate(group: "g50", name: "n", value: .bool(true)),
                ])
        }
        #expect(
            try t.engine.getProfile(storeID: store, profileID: id).traits["g0"]?["m"] == nil,
            "a refused patch changes nothing")
        let ninetyNine = (0..<98).map { TraitUpdate(group: "g0", name: "t\($0)", value: .number(Double($0))) }
        _ = try t.engine.updateTraits(storeID: store, profileID: id, ninetyNine)
        expectError(.resourceExhausted, field: "traits[0].name") {
            try t.engine.updateTraits(
                storeID: store, profileID: id, [TraitUpdate(group: "g0", name: "extra", value: .bool(true))])
        }
        // Replacing existing traits at the limit is fine.
        _ = try t.engine.updateTraits(
            storeID: store, profileID: id, [TraitUpdate(group: "g0", name: "t1", value: .bool(false))])
        expectError(.resourceExhausted, field: "traits[0].group") {
            try t.engine.resolveIdentity(
                storeID: store, identifiers: [email("a@example.com")],
                traits: [TraitUpdate(group: "g99", name: "n", value: .bool(true))])
        }
    }
}
