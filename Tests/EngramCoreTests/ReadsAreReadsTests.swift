import EngramCore
import Testing

/// A write that turns out to change nothing is a read: nothing is journaled (so the server
/// waits for no fsync), and its position is that of the state it read.
@Suite struct ReadsAreReadsTests {
    @Test func resolvingAnExistingIdentifierWithNothingNewIsNotJournaled() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        let before = t.journal.commands.count
        let profile = try t.engine.getProfile(storeID: store, profileID: id)

        let again = try t.engine.resolveIdentity(storeID: store, identifiers: [email("A@Example.com ")])
        #expect(again.outcome == .matched && again.profileID == id)
        #expect(t.journal.commands.count == before, "a match that changes nothing is not logged")
        #expect(again.logPosition == UInt64(before), "it answers the position of the state it read")
        #expect(again.profile == profile, "and that state, unchanged (updatedAt included)")

        // An empty trait list changes nothing.
        let empty = try t.engine.resolveIdentity(storeID: store, identifiers: [email("a@example.com")], traits: [])
        #expect(empty.logPosition == UInt64(before) && t.journal.commands.count == before)
        // A removal of a trait that is not there is logged (it leaves a tombstone against older
        // writes), the profile unchanged; the same removal again is nothing.
        let removal = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("a@example.com")],
            traits: [TraitUpdate(group: "Contact", name: "nickname", value: nil, updatedAt: 900)])
        #expect(removal.logPosition == UInt64(before + 1) && t.journal.commands.count == before + 1)
        #expect(removal.profile == profile)
        let again2 = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("a@example.com")],
            traits: [TraitUpdate(group: "Contact", name: "nickname", value: nil, updatedAt: 900)])
        #expect(again2.logPosition == UInt64(before + 1) && t.journal.commands.count == before + 1)
    }

    @Test func resolvingThatAttachesOrSetsATraitIsJournaled() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        _ = try t.engine.makeProfile(store: store, email: "a@example.com")
        let before = t.journal.commands.count
        let attached = try t.engine.resolveIdentity(
            storeID: store,
            identifiers: [email("a@example.com"), IdentifierInput(type: "phone", value: "+13175551234")])
        #expect(attached.outcome == .matched && attached.attached.count == 1)
        #expect(t.journal.commands.count == before + 1 && attached.logPosition == UInt64(before + 1))
        let traited = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("a@example.com")],
            traits: [TraitUpdate(group: "Contact", name: "firstName", value: .string("Ada"))])
        #expect(t.journal.commands.count == before + 2 && traited.logPosition == UInt64(before + 2))
        // The same value again is still a write: it refreshes the trait's time.
        let refreshed = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("a@example.com")],
            traits: [TraitUpdate(group: "Contact", name: "firstName", value: .string("Ada"))])
        #expect(t.journal.commands.count == before + 3 && refreshed.logPosition == UInt64(before + 3))
    }

    @Test func traitUpdatesThatChangeNothingAreNotJournaled() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        let set = try t.engine.updateTraits(
            storeID: store, profileID: id,
            [TraitUpdate(group: "Account", name: "tier", value: .string("gold"), updatedAt: 5_000)])
        let before = t.journal.commands.count
        #expect(set.logPosition == UInt64(before))
        // Older than the stored trait: ignored.
        let stale = try t.engine.updateTraits(
            storeID: store, profileID: id,
            [TraitUpdate(group: "Account", name: "tier", value: .string("silver"), updatedAt: 4_000)])
        #expect(t.journal.commands.count == before && stale.logPosition == UInt64(before))
        #expect(stale.profile == set.profile)
        // Removing what is not there is logged once (a tombstone), the profile unchanged.
        let removal = try t.engine.updateTraits(
            storeID: store, profileID: id, [TraitUpdate(group: "Account", name: "seats", value: nil, updatedAt: 4_500)])
        #expect(t.journal.commands.count == before + 1 && removal.profile == set.profile)
        let repeated = try t.engine.updateTraits(
            storeID: store, profileID: id, [TraitUpdate(group: "Account", name: "seats", value: nil, updatedAt: 4_500)])
        #expect(t.journal.commands.count == before + 1 && repeated.logPosition == UInt64(before + 1))
        let changed = try t.engine.updateTraits(
            storeID: store, profileID: id, [TraitUpdate(group: "Account", name: "tier", value: .string("silver"))])
        #expect(t.journal.commands.count == before + 2 && changed.logPosition == UInt64(before + 2))
    }

    @Test func aRetryOfStoredObservationsIsNotJournaled() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        let input = observation("Prefers email over phone", key: "msg-1")
        let first = try t.engine.observe(storeID: store, profileID: id, observations: [input])
        let before = t.journal.commands.count
        #expect(first.logPosition == UInt64(before))
        let profile = try t.engine.getProfile(storeID: store, profileID: id)

        let retry = try t.engine.observe(storeID: store, profileID: id, observations: [input])
        #expect(retry.observations.map(\.observationID) == first.observations.map(\.observationID))
        #expect(retry.observations.allSatisfy { $0.isRetry })
        #expect(t.journal.commands.count == before && retry.logPosition == UInt64(before))
        #expect(try t.engine.getProfile(storeID: store, profileID: id) == profile, "not even updatedAt moves")

        // A retry together with something new is a write.
        let mixed = try t.engine.observe(
            storeID: store, profileID: id, observations: [input, observation("Has a dog")])
        #expect(mixed.observations.first?.isRetry == true)
        #expect(t.journal.commands.count == before + 1 && mixed.logPosition == UInt64(before + 1))
    }

    /// A log written before no-op calls stopped being logged holds their records: replaying one
    /// changes nothing but still counts its position as applied.
    @Test func replayingALoggedNoOpAdvancesTheAppliedPosition() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        _ = try t.engine.makeProfile(store: store, email: "a@example.com")
        let replayed = makeEngine()
        for (i, command) in t.journal.commands.enumerated() {
            try replayed.engine.replay(command, logPosition: UInt64(i + 1))
        }
        let next = UInt64(t.journal.commands.count + 1)
        let noOp = Command.resolveIdentity(
            Command.ResolveIdentity(
                storeID: store, newProfileID: "pr_unused", identifiers: [email("a@example.com")], traits: [], at: 9))
        try replayed.engine.replay(noOp, logPosition: next)
        #expect(replayed.engine.view().logPosition == next)
        #expect(replayed.engine.counts() == t.engine.counts())
    }
}
