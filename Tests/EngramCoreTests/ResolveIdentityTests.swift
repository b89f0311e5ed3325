import EngramCore
import Testing

@Suite struct ResolveIdentityTests {
    @Test func createMatchAttach() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let created = try t.engine.resolveIdentity(storeID: store, identifiers: [email("Jane@Example.com")])
        #expect(created.outcome == .created)
        #expect(created.attached.map(\.value) == ["jane@example.com"])
        let matched = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("jane@example.com"), phone("415 555 2671")],
            traits: [TraitUpdate(group: "Account", name: "tier", value: .string("gold"))])
        #expect(matched.outcome == .matched)
        #expect(matched.profileID == created.profileID)
        #expect(matched.attached.map(\.value) == ["+14155552671"])
        #expect(matched.traits["Account"]?["tier"]?.value == .string("gold"))
        let byPhone = try t.engine.resolveIdentity(storeID: store, identifiers: [phone("+14155552671")])
        #expect(byPhone.outcome == .matched && byPhone.profileID == created.profileID && byPhone.attached.isEmpty)
        let profile = try t.engine.getProfile(storeID: store, profileID: created.profileID)
        #expect(profile.identifiers.map(\.value) == ["jane@example.com", "+14155552671"])
        #expect(t.engine.counts().profiles == 1)
    }

    /// Identifiers sent to a named profile attach to it even when they match nothing; one that
    /// another profile holds uniquely merges the two (the earliest survives); a shared value
    /// only attaches; an unknown profile is NOT_FOUND and nothing is created. Replay agrees.
    @Test func identifiersIntoANamedProfile() throws {
        let t = makeEngine(shards: 8)
        let store = try t.engine.makeStore()
        try t.engine.putIdentitySettings(
            storeID: store,
            IdentitySettings(types: [
                IdentifierTypeSettings(name: "email", normalization: .email),
                IdentifierTypeSettings(name: "phone", normalization: .phone),
                IdentifierTypeSettings(name: "account", normalization: .none, unique: false),
            ]))
        let older = try t.engine.makeProfile(store: store, email: "old@example.com")
        let named = try t.engine.makeProfile(store: store, email: "named@example.com")

        let attached = try t.engine.resolveIdentity(
            storeID: store, identifiers: [phone("+14155552671")], into: named)
        #expect(attached.outcome == .matched && attached.profileID == named)
        #expect(attached.attached.map(\.value) == ["+14155552671"])
        // Without `into`, the same new number would have made a new profile.
        #expect(try t.engine.lookupProfiles(storeID: store, type: "phone", value: "+14155552671").profileIDs == [named])

        let shared = IdentifierInput(type: "account", value: "family-7")
        _ = try t.engine.resolveIdentity(storeID: store, identifiers: [email("old@example.com"), shared])
        let sharing = try t.engine.resolveIdentity(storeID: store, identifiers: [shared], into: named)
        #expect(sharing.outcome == .matched && sharing.profileID == named, "a shared value never merges")
        #expect(t.engine.counts().profiles == 2)

        let merged = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("old@example.com")], into: named)
        #expect(merged.outcome == .merged)
        #expect(merged.profileID == older && merged.mergedProfileIDs == [named], "the earliest-created survives")
        #expect(t.engine.counts().profiles == 1)
        // The merged-away id still names the profile.
        let again = try t.engine.resolveIdentity(storeID: store, identifiers: [phone("+33612345678")], into: named)
        #expect(again.profileID == older && again.outcome == .matched)

        expectError(.notFound, field: "profile_id") {
            try t.engine.resolveIdentity(storeID: store, identifiers: [email("new@example.com")], into: "pr_missing")
        }
        expectError(.invalidArgument, field: "profile_id") {
            try t.engine.resolveIdentity(storeID: store, identifiers: [email("new@example.com")], into: "")
        }
        #expect(t.engine.counts().profiles == 1)
        #expect(try t.engine.lookupProfiles(storeID: store, type: "email", value: "new@example.com").profileIDs.isEmpty)

        let replayed = makeEngine(shards: 8)
        for (offset, command) in t.journal.commands.enumerated() {
            try replayed.engine.replay(command, logPosition: UInt64(offset + 1))
        }
        expectSameState(t.engine, replayed.engine)
    }

    @Test func mergeKeepsTheEarliestAndRedirectsOldIDs() throws {
        let t = makeEngine(shards: 8)
        let store = try t.engine.makeStore()
        let first = try t.engine.makeProfile(store: store, email: "a@example.com")
        let second = try t.engine.resolveIdentity(storeID: store, identifiers: [phone("+14155552671")]).profileID
        _ = try t.engine.updateTraits(
            storeID: store, profileID: first, [TraitUpdate(group: "Contact", name: "name", value: .string("Old"))])
        _ = try t.engine.updateTraits(
            storeID: store, profileID: second, [TraitUpdate(group: "Contact", name: "name", value: .string("New"))])
        _ = try t.engine.observe(storeID: store, profileID: first, observations: [observation("likes tea")])
        _ = try t.engine.observe(storeID: store, profileID: second, observations: [observation("lives in Lyon")])

        let merged = try t.engine.resolveIdentity(
            storeID: store, identifiers: [phone("+14155552671"), email("a@example.com")])
        #expect(merged.outcome == .merged)
        #expect(merged.profileID == first)
        #expect(merged.mergedProfileIDs == [second])
        #expect(merged.traits["Contact"]?["name"]?.value == .string("New"), "after a merge the newer trait wins")

        let viaOld = try t.engine.getProfile(storeID: store, profileID: second)
        #expect(viaOld.id == first)
        #expect(viaOld.mergedIDs == [second])
        #expect(viaOld.observationCount == 2)
        #expect(Set(viaOld.identifiers.map(\.value)) == ["a@example.com", "+14155552671"])
        let observed = try t.engine.observe(storeID: store, profileID: second, observations: [observation("has a cat")])
        #expect(observed.profileID == first)
        #expect(try t.engine.listObservations(storeID: store, profileID: second).observations.count == 3)
        #expect(try t.engine.lookupProfiles(storeID: store, type: "phone", value: "+14155552671").profileIDs == [first])
        #expect(t.engine.counts().profiles == 1)
        #expect(t.engine.view().aliases(in: store) == [ProfileAlias(mergedID: second, canonicalID: first)])
    }

    @Test func everyProfileCallAcceptsAMergedAwayID() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let canonical = try t.engine.makeProfile(store: store, email: "a@example.com")
        let old = try t.engine.makeProfile(store: store, email: "b@example.com")
        let fact = try t.engine.observe(
            storeID: store, profileID: old, observations: [observation("likes tea")],
            summaries: [SummaryInput(content: "s", conversationID: "c", occurredAt: 1, source: "agent")],
            communications: [CommunicationInput(authorType: .customer, channel: .sms, text: "hi", conversationID: "c")]
        ).observations[0].observationID
        _ = try t.engine.resolveIdentity(storeID: store, identifiers: [email("a@example.com"), email("b@example.com")])

        #expect(try t.engine.getProfile(storeID: store, profileID: old).id == canonical)
        #expect(
            try t.engine.updateTraits(
                storeID: store, profileID: old, [TraitUpdate(group: "G", name: "n", value: .bool(true))]
            ).profileID == canonical)
        #expect(
            try t.engine.observe(storeID: store, profileID: old, observations: [observation("has a cat")]).profileID
                == canonical)
        #expect(try t.engine.listObservations(storeID: store, profileID: old).profileID == canonical)
        #expect(
            try t.engine.listObservationRevisions(storeID: store, profileID: old, observationID: fact).profileID
                == canonical)
        #expect(try t.engine.listSummaries(storeID: store, profileID: old).profileID == canonical)
        #expect(try t.engine.listCommunications(storeID: store, profileID: old).profileID == canonical)
        #expect(
            try t.engine.deleteObservation(storeID: store, profileID: old, observationID: fact).profileID == canonical)
        #expect(try t.engine.deleteProfile(storeID: store, profileID: old).profileID == canonical)
    }

    @Test func chainedMergesRewriteAliases() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let a = try t.engine.makeProfile(store: store, email: "a@example.com")
        let b = try t.engine.makeProfile(store: store, email: "b@example.com")
        let c = try t.engine.makeProfile(store: store, email: "c@example.com")
        #expect(
            try t.engine.resolveIdentity(storeID: store, identifiers: [email("b@example.com"), email("c@example.com")])
                .profileID == b)
        let final = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("c@example.com"), email("a@example.com")])
        #expect(final.outcome == .merged && final.profileID == a && final.mergedProfileIDs == [b])
        #expect(try t.engine.getProfile(storeID: store, profileID: c).id == a)
        #expect(try t.engine.getProfile(storeID: store, profileID: a).mergedIDs == [b, c])
        #expect(Set(t.engine.view().aliases(in: store).map(\.canonicalID)) == [a])
    }

    @Test func mergeProtectionDemotesLowerPriorityIdentifiers() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        try t.engine.putIdentitySettings(
            storeID: store,
            IdentitySettings(
                priority: ["user_id", "email"],
                types: [
                    IdentifierTypeSettings(name: "user_id", normalization: .trim, limit: 1, overflowPolicy: .refuse)
                ]))
        let userID = { (v: String) in IdentifierInput(type: "user_id", value: v) }
        let one = try t.engine.resolveIdentity(storeID: store, identifiers: [userID("u1"), email("x@example.com")])
            .profileID
        let two = try t.engine.resolveIdentity(storeID: store, identifiers: [userID("u2"), email("y@example.com")])
            .profileID

        // Merging one and two would give a profile two user_ids: the email is demoted instead.
        let result = try t.engine.resolveIdentity(storeID: store, identifiers: [email("y@example.com"), userID("u1")])
        #expect(result.outcome == .matched)
        #expect(result.profileID == one)
        #expect(result.demoted.count == 1)
        #expect(result.demoted.first?.index == 0)
        #expect(result.demoted.first?.reason == .typeLimit)
        #expect(result.demoted.first?.detail.contains("user_id") == true)
        #expect(try t.engine.lookupProfiles(storeID: store, type: "email", value: "y@example.com").profileIDs == [two])

        // A new user_id with a known email: the email is demoted and a new profile made (retry).
        let fresh = try t.engine.resolveIdentity(storeID: store, identifiers: [userID("u3"), email("x@example.com")])
        #expect(fresh.outcome == .created)
        #expect(fresh.attached.map(\.value) == ["u3"])
        #expect(fresh.demoted.map(\.value) == ["x@example.com"])
        #expect(t.engine.counts().profiles == 3)
    }

    @Test func overflowPolicies() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        try t.engine.putIdentitySettings(
            storeID: store,
            IdentitySettings(types: [
                IdentifierTypeSettings(name: "email", normalization: .email, limit: 2, overflowPolicy: .dropOldest),
                IdentifierTypeSettings(name: "phone", normalization: .phone, limit: 1, overflowPolicy: .refuse),
            ]))
        let id = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("1@example.com"), phone("+14155550001")]
        ).profileID
        _ = try t.engine.resolveIdentity(storeID: store, identifiers: [email("1@example.com"), email("2@example.com")])
        let third = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("2@example.com"), email("3@example.com")])
        #expect(third.outcome == .matched)
        #expect(third.dropped.map(\.value) == ["1@example.com"])
        #expect(try t.engine.lookupProfiles(storeID: store, type: "email", value: "1@example.com").profileIDs.isEmpty)
        let refused = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("3@example.com"), phone("+14155550002")])
        #expect(refused.demoted.map(\.reason) == [.typeLimit])
        #expect(refused.demoted.first?.detail.contains("refused") == true)
        let profile = try t.engine.getProfile(storeID: store, profileID: id)
        #expect(profile.identifiers.map(\.value) == ["+14155550001", "2@example.com", "3@example.com"])
        // One call bringing more new values than the limit allows demotes the extra ones.
        let crowd = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("4@example.com"), email("5@example.com"), email("6@example.com")])
        #expect(crowd.outcome == .created)
        #expect(crowd.demoted.map(\.value) == ["6@example.com"])
    }

    @Test func nonUniqueValuesAreSharedAndNeverMerge() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        try t.engine.putIdentitySettings(
            storeID: store,
            IdentitySettings(types: [IdentifierTypeSettings(name: "phone", normalization: .phone, unique: false)]))
        let home = phone("+14155550100")
        let a = try t.engine.resolveIdentity(storeID: store, identifiers: [email("a@example.com"), home]).profileID
        let b = try t.engine.resolveIdentity(storeID: store, identifiers: [email("b@example.com"), home])
        #expect(b.outcome == .created)
        #expect(b.attached.map(\.value) == ["b@example.com", "+14155550100"])
        #expect(
            try t.engine.lookupProfiles(storeID: store, type: "phone", value: "+14155550100").profileIDs.sorted()
                == [a, b.profileID].sorted())
        // Alone, a shared value matches the earliest holder.
        #expect(try t.engine.resolveIdentity(storeID: store, identifiers: [home]).profileID == a)
    }

    @Test func mergingProfilesThatShareAValueKeepsItOnce() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        try t.engine.putIdentitySettings(
            storeID: store,
            IdentitySettings(types: [
                IdentifierTypeSettings(name: "phone", normalization: .phone, limit: 1, unique: false)
            ]))
        let home = phone("+14155550100")
        let a = try t.engine.resolveIdentity(storeID: store, identifiers: [email("a@example.com"), home]).profileID
        let b = try t.engine.resolveIdentity(storeID: store, identifiers: [email("b@example.com"), home]).profileID
        let merged = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("a@example.com"), email("b@example.com")])
        #expect(merged.outcome == .merged && merged.mergedProfileIDs == [b])
        #expect(
            try t.engine.getProfile(storeID: store, profileID: a).identifiers.filter { $0.type == "phone" }.count == 1)
        // Dropping the shared value later removes it from the index as well.
        let replaced = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("a@example.com"), phone("+14155550199")])
        #expect(replaced.dropped.map(\.value) == ["+14155550100"])
        #expect(try t.engine.lookupProfiles(storeID: store, type: "phone", value: "+14155550100").profileIDs.isEmpty)
    }

    @Test func mergeCapStopsMerging() throws {
        var limits = EngineLimits()
        limits.maxMergesPerProfile = 2
        let t = makeEngine(limits: limits)
        let store = try t.engine.makeStore()
        let root = try t.engine.makeProfile(store: store, email: "root@example.com")
        for i in 1...3 {
            let other = try t.engine.makeProfile(store: store, email: "m\(i)@example.com")
            let result = try t.engine.resolveIdentity(
                storeID: store, identifiers: [email("root@example.com"), email("m\(i)@example.com")])
            if i <= 2 {
                #expect(result.outcome == .merged && result.mergedProfileIDs == [other])
            } else {
                #expect(result.outcome == .matched)
                #expect(result.demoted.map(\.reason) == [.mergeCap])
            }
        }
        #expect(try t.engine.getProfile(storeID: store, profileID: root).mergedIDs.count == 2)
    }

    @Test func hardCapsAtProductDefaults() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let types = (0..<11).map { IdentifierTypeSettings(name: "k\($0)", normalization: .trim, limit: 100) }
        try t.engine.putIdentitySettings(storeID: store, IdentitySettings(types: types))
        let anchor = IdentifierInput(type: "k0", value: "v0")
        var profileID = try t.engine.resolveIdentity(
            storeID: store, identifiers: (0..<100).map { IdentifierInput(type: "k0", value: "v\($0)") }
        ).profileID
        for type in 1..<10 {
            let values = (0..<99).map { IdentifierInput(type: "k\(type)", value: "v\($0)") }
            profileID = try t.engine.resolveIdentity(storeID: store, identifiers: [anchor] + values).profileID
        }
        let topUp = (0..<9).map { IdentifierInput(type: "k10", value: "x\($0)") }
        #expect(try t.engine.resolveIdentity(storeID: store, identifiers: [anchor] + topUp).profileID == profileID)
        #expect(try t.engine.getProfile(storeID: store, profileID: profileID).identifiers.count == 1_000)
        let over = try t.engine.resolveIdentity(
            storeID: store, identifiers: [anchor, IdentifierInput(type: "k10", value: "x9")])
        #expect(over.outcome == .matched)
        #expect(over.demoted.map(\.reason) == [.identifierCap])

    }

    @Test func mergeCapAtProductDefault() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        // Two custom types so the merged profile stays within the per-type limit of 100.
        let types = ["m", "n"].map { IdentifierTypeSettings(name: $0, normalization: .trim, limit: 100) }
        try t.engine.putIdentitySettings(storeID: store, IdentitySettings(types: types))
        let root = try t.engine.makeProfile(store: store, email: "root@example.com")
        for i in 0...100 {
            let value = IdentifierInput(type: i % 2 == 0 ? "m" : "n", value: "v\(i)")
            _ = try t.engine.resolveIdentity(storeID: store, identifiers: [value])
            let result = try t.engine.resolveIdentity(storeID: store, identifiers: [email("root@example.com"), value])
            #expect(result.outcome == (i < 100 ? .merged : .matched))
            if i == 100 { #expect(result.demoted.map(\.reason) == [.mergeCap]) }
        }
        #expect(try t.engine.getProfile(storeID: store, profileID: root).mergedIDs.count == 100)
    }

    @Test func tooManyIdentifiersInOneCall() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        expectError(.invalidArgument, field: "identifiers") {
            try t.engine.resolveIdentity(storeID: store, identifiers: (0...100).map { email("u\($0)@example.com") })
        }
    }
}

/// Write results carry what an answer needs, as the write left it, with the engine's clock:
/// a server never reads the profile again (which could show a later write's state).
@Suite struct WriteResultTests {
    @Test func writesCarryTheProfileAndTheCommandsTime() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let resolved = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("w@example.com")],
            traits: [TraitUpdate(group: "Account", name: "tier", value: .string("gold"))])
        #expect(resolved.profile == (try t.engine.getProfile(storeID: store, profileID: resolved.profileID)))
        #expect(resolved.profile.traits["Account"]?["tier"]?.value == .string("gold"))

        let updated = try t.engine.updateTraits(
            storeID: store, profileID: resolved.profileID,
            [TraitUpdate(group: "Account", name: "tier", value: .string("silver"))])
        let after = try t.engine.getProfile(storeID: store, profileID: resolved.profileID)
        #expect(updated.profile == after)
        #expect(updated.profile.updatedAt > resolved.profile.updatedAt)

        let observed = try t.engine.observe(
            storeID: store, profileID: resolved.profileID, observations: [observation("likes tea")])
        let before = t.clock.tick()
        let deleted = try t.engine.deleteObservation(
            storeID: store, profileID: resolved.profileID, observationID: observed.observations[0].observationID)
        #expect(deleted.erasedAt == before + 1, "the command's time from the engine's clock")
        let profileGone = try t.engine.deleteProfile(storeID: store, profileID: resolved.profileID)
        #expect(profileGone.erasedAt == before + 2)
        let storeGone = try t.engine.deleteStore(store)
        #expect(storeGone.erasedAt == before + 3)
    }
}

@Suite struct IdentifiersFromTraitsTests {
    /// `Contact` traits named after an identifier type resolve like identifiers (the hosted
    /// product's create-from-traits), and a bad one is reported under the trait's name.
    @Test func contactTraitsAreIdentifiers() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        func contact(_ traits: [String: TraitValue]) -> [TraitUpdate] {
            traits.map { TraitUpdate(group: "Contact", name: $0.key, value: $0.value) }
        }
        let created = try t.engine.resolveIdentity(
            storeID: store, identifiers: [],
            traits: contact([
                "email": .string("Ada@Example.com"), "phone": .string("+13175551234"), "firstName": .string("Ada"),
            ]))
        #expect(created.outcome == .created)
        #expect(Set(created.profile.identifiers.map(\.type)) == ["email", "phone"])
        let again = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("ada@example.com")],
            traits: contact(["email": .string("ada@example.com")]))
        #expect(again.outcome == .matched)
        #expect(again.profileID == created.profileID)
        // Other groups, and names that are not identifier types, stay traits only.
        let other = try t.engine.resolveIdentity(
            storeID: store, identifiers: [email("bob@example.com")],
            traits: [TraitUpdate(group: "Account", name: "email", value: .string("ada@example.com"))])
        #expect(other.profileID != created.profileID)

        expectError(.invalidArgument, field: "traits.Contact.phone") {
            try t.engine.resolveIdentity(
                storeID: store, identifiers: [email("carol@example.com")], traits: contact(["phone": .string("12")]))
        }
        #expect(t.engine.counts().profiles == 2, "the failed call created nothing")
    }
}
