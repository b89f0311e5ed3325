import EngramCore
import Testing

@Suite struct DeletionTests {
    @Test func deleteProfileErasesEverythingWithAReceipt() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let keep = try t.engine.makeProfile(store: store, email: "keep@example.com")
        let id = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("a@example.com"), phone("+14155552671")],
            traits: [
                TraitUpdate(group: "G", name: "a", value: .bool(true)),
                TraitUpdate(group: "G", name: "b", value: .bool(false)),
            ]
        ).profileID
        let merged = try t.engine.makeProfile(store: store, email: "b@example.com")
        _ = try t.engine.resolveIdentity(storeID: store, identifiers: [email("a@example.com"), email("b@example.com")])
        _ = try t.engine.observe(
            storeID: store, profileID: id,
            observations: [observation("fact one"), observation("fact two"), observation("Fact one!")],
            summaries: [SummaryInput(content: "s", conversationID: "c", occurredAt: 1, source: "a")],
            communications: [
                CommunicationInput(authorType: .customer, channel: .chat, text: "hello", conversationID: "c")
            ])

        let receipt = try t.engine.deleteProfile(storeID: store, profileID: merged)
        #expect(receipt.profileID == id, "a merged-away id deletes the canonical profile")
        #expect(receipt.mergedIDs == [merged])
        #expect(receipt.identifiersErased == 3)
        #expect(receipt.traitsErased == 2)
        #expect(receipt.observationsErased == 2)
        #expect(receipt.revisionsErased == 1)
        #expect(receipt.summariesErased == 1)
        #expect(receipt.communicationsErased == 1)
        #expect(receipt.logPosition == UInt64(t.journal.commands.count))
        guard case .deleteProfile(let logged) = t.journal.commands.last else {
            Issue.record("the erasure was not journaled")
            return
        }
        #expect(logged.profileID == id, "journaled with the canonical id")

        expectError(.notFound, field: "profile_id") { try t.engine.getProfile(storeID: store, profileID: id) }
        expectError(.notFound, field: "profile_id") { try t.engine.getProfile(storeID: store, profileID: merged) }
        expectError(.notFound, field: "profile_id") { try t.engine.deleteProfile(storeID: store, profileID: id) }
        #expect(try t.engine.lookupProfiles(storeID: store, type: "email", value: "a@example.com").profileIDs.isEmpty)
        #expect(t.engine.view().aliases(in: store).isEmpty)
        #expect(t.engine.counts() == EngineCounts(stores: 1, profiles: 1, observations: 0))
        // The identifiers are free: resolving them makes a new profile.
        #expect(try t.engine.resolveIdentity(storeID: store, identifiers: [email("a@example.com")]).outcome == .created)
        #expect(try t.engine.getProfile(storeID: store, profileID: keep).identifiers.count == 1)
    }
}
