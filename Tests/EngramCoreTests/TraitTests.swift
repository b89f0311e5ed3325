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

    /// A removal is remembered: a write older than it, arriving later (a delayed sync, a
    /// retried job), does not bring the trait back; a newer one does.
    @Test func aRemovedTraitStaysRemovedAgainstOlderWrites() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        func write(_ value: TraitValue?, at time: Int64, name: String = "tier") throws -> Traits {
            try t.engine.updateTraits(
                storeID: store, profileID: id,
                [TraitUpdate(group: "Account", name: name, value: value, updatedAt: time)]
            ).traits
        }
        _ = try write(.string("gold"), at: 100)
        #expect(try write(nil, at: 200)["Account"] == nil)
        #expect(try write(.string("silver"), at: 150)["Account"] == nil, "older than the removal")
        #expect(try write(nil, at: 120)["Account"] == nil)
        // The same is true of a trait removed before it was ever set.
        #expect(try write(nil, at: 300, name: "plan")["Account"] == nil)
        #expect(try write(.string("pro"), at: 250, name: "plan")["Account"] == nil)
        // Through ResolveIdentity too.
        let resolved = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("a@example.com")],
            traits: [TraitUpdate(group: "Account", name: "tier", value: .string("bronze"), updatedAt: 199)])
        #expect(resolved.traits["Account"] == nil)
        // A write as new as the removal, or newer, sets it again; then older writes lose to it.
        #expect(try write(.string("platinum"), at: 200)["Account"]?["tier"]?.value == .string("platinum"))
        #expect(try write(nil, at: 150)["Account"]?["tier"]?.value == .string("platinum"))
        #expect(try write(.string("pro"), at: 301, name: "plan")["Account"]?["plan"]?.value == .string("pro"))

        // The removals are state: replay and a snapshot keep them.
        let replayed = makeEngine()
        for (offset, command) in t.journal.commands.enumerated() {
            try replayed.engine.replay(command, logPosition: UInt64(offset + 1))
        }
        expectSameState(t.engine, replayed.engine)
        _ = try write(nil, at: 400)
        let snapshot = t.engine.view().snapshot()
        #expect(snapshot.stores[0].profiles[0].traitTombstones == ["Account": ["tier": 400]])
        let restored = Engine(restoring: snapshot, configuration: t.engine.configuration)
        #expect(restored.view().snapshot() == snapshot)
        let late = try restored.updateTraits(
            storeID: store, profileID: id,
            [TraitUpdate(group: "Account", name: "tier", value: .bool(true), updatedAt: 350)])
        #expect(late.traits["Account"]?["tier"] == nil && late.traits["Account"]?["plan"] != nil)
    }

    /// Merging two profiles keeps, per trait name, the newest write of either, a removal included.
    @Test func aMergeKeepsTheNewerOfATraitAndARemoval() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let older = try t.engine.makeProfile(store: store, email: "a@example.com")
        let newer = try t.engine.resolveIdentity(storeID: store, identifiers: [phone("+33612345678")]).profileID
        func set(_ id: String, _ name: String, _ value: TraitValue?, _ time: Int64) throws {
            _ = try t.engine.updateTraits(
                storeID: store, profileID: id, [TraitUpdate(group: "G", name: name, value: value, updatedAt: time)])
        }
        try set(older, "removedLater", .string("old"), 100)
        try set(newer, "removedLater", nil, 200)
        try set(older, "setLater", nil, 100)
        try set(newer, "setLater", .string("new"), 200)
        try set(older, "removedEarlier", nil, 100)
        try set(newer, "removedEarlier", .string("kept"), 200)
        try set(older, "keptOver", .string("kept"), 300)
        try set(newer, "keptOver", nil, 200)
        let merged = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("a@example.com"), phone("+33612345678")])
        #expect(merged.outcome == .merged && merged.profileID == older)
        #expect(
            merged.traits["G"]?.mapValues(\.value) == [
                "setLater": .string("new"), "removedEarlier": .string("kept"), "keptOver": .string("kept"),
            ])
        // The merged removal still turns older writes away.
        try set(older, "removedLater", .string("late"), 150)
        #expect(try t.engine.getProfile(storeID: store, profileID: older).traits["G"]?["removedLater"] == nil)
    }

    /// A profile remembers at most `maxTraitTombstones` removals, forgetting the oldest first.
    @Test func removalsAreBoundedOldestForgottenFirst() throws {
        var limits = EngineLimits()
        limits.maxTraitTombstones = 3
        let t = makeEngine(limits: limits)
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        _ = try t.engine.updateTraits(
            storeID: store, profileID: id,
            (1...5).map { TraitUpdate(group: "G", name: "t\($0)", value: nil, updatedAt: Int64(100 * $0)) })
        #expect(
            t.engine.view().snapshot().stores[0].profiles[0].traitTombstones == [
                "G": ["t3": 300, "t4": 400, "t5": 500]
            ])
        let back = try t.engine.updateTraits(
            storeID: store, profileID: id,
            [1, 3].map { TraitUpdate(group: "G", name: "t\($0)", value: .bool(true), updatedAt: 50) })
        #expect(back.traits["G"]?.keys.sorted() == ["t1"], "t1's removal was forgotten; t3's still holds")
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
