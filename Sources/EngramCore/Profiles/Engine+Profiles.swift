extension Engine {
    /// A profile by id; a merged-away id returns the canonical profile.
    public func getProfile(storeID: String, profileID: String) throws(EngineError) -> Profile {
        try requireIDs(["store_id": storeID, "profile_id": profileID])
        return try readProfile(store: storeID, profile: profileID).publicProfile(store: storeID)
    }

    /// Applies trait updates: each wins only if not older than the stored value; a nil
    /// value removes the trait. Fails with `resourceExhausted` past 50 groups or 99 traits
    /// per group, changing nothing.
    public func updateTraits(storeID: String, profileID: String, _ updates: [TraitUpdate]) throws(EngineError)
        -> TraitsResult
    {
        try requireIDs(["store_id": storeID, "profile_id": profileID])
        var problems = Violations()
        TraitUpdate.validate(updates, path: "traits", limits: configuration.limits, into: &problems)
        try problems.check()
        let at = now()
        let command = Command.UpdateTraits(
            storeID: storeID, profileID: profileID,
            traits: updates.map { update in
                var update = update
                update.updatedAt = update.updatedAt ?? at
                return update
            }, at: at)
        guard case .traits(let result) = try apply(.updateTraits(command), .live) else { throw .unexpectedOutput }
        return result
    }

    /// Erases a profile: identifiers, traits, observations and their revisions, summaries,
    /// communications, and the merged-away ids that pointed to it.
    public func deleteProfile(storeID: String, profileID: String) throws(EngineError) -> ProfileDeletionReceipt {
        try requireIDs(["store_id": storeID, "profile_id": profileID])
        let command = Command.DeleteProfile(storeID: storeID, profileID: profileID, at: now())
        guard case .profileDeleted(let receipt) = try apply(.deleteProfile(command), .live) else {
            throw .unexpectedOutput
        }
        return receipt
    }

    func applyUpdateTraits(_ c: Command.UpdateTraits, _ mode: ApplyMode) throws(EngineError) -> TraitsResult {
        try withProfile(store: c.storeID, profile: c.profileID) {
            (state: inout ShardState, id: String) throws(EngineError) -> TraitsResult in
            let stored = state.profile(store: c.storeID, id: id)!
            let before = stored.traits
            var after = before
            var tombstones = stored.traitTombstones
            after.apply(
                c.traits, defaultTime: c.at, tombstones: &tombstones,
                maxTombstones: configuration.limits.maxTraitTombstones)
            if let violation = after.limitViolation(
                before: before, updates: c.traits, path: "traits", limits: configuration.limits)
            {
                throw EngineError.fields([violation], code: .resourceExhausted)
            }
            // Updates that leave every trait and removal as they were change nothing: nothing is
            // written or logged. A removal of a trait that is not there is a write (its tombstone
            // turns away an older value arriving later) but leaves the profile's time alone.
            if after == before, tombstones == stored.traitTombstones {
                let profile = state.profile(store: c.storeID, id: id)!.publicProfile(store: c.storeID)
                return TraitsResult(profileID: id, logPosition: unchanged(mode), profile: profile)
            }
            let profile = state.update(store: c.storeID, id: id) { profile in
                if after != before { profile.updatedAt = c.at }
                profile.traits = after
                profile.traitTombstones = tombstones
                return profile.publicProfile(store: c.storeID)
            }!
            var logged = c
            logged.profileID = id
            return TraitsResult(
                profileID: id, logPosition: record(.updateTraits(logged), mode), profile: profile)
        }
    }

    func applyDeleteProfile(_ c: Command.DeleteProfile, _ mode: ApplyMode) throws(EngineError) -> ProfileDeletionReceipt
    {
        guard let identity = identity(of: c.storeID) else { throw .storeNotFound(c.storeID) }
        return try identity.state.withLock { (ids: inout IdentityState) throws(EngineError) -> ProfileDeletionReceipt in
            guard !ids.deleted else { throw .storeNotFound(c.storeID) }
            let id = ids.aliases[c.profileID] ?? c.profileID
            return try shard(store: c.storeID, profile: id).state.withLock {
                (state: inout ShardState) throws(EngineError) -> ProfileDeletionReceipt in
                guard let profile = state.remove(store: c.storeID, id: id) else { throw .profileNotFound(c.profileID) }
                for identifier in profile.identifiers {
                    ids.removeOwner(id, of: IdentifierKey(type: identifier.type, value: identifier.value))
                }
                for merged in profile.mergedIDs { ids.aliases[merged] = nil }
                if !profile.conversations.isEmpty {
                    identity.conversations.withLock { directory in
                        for conversation in profile.conversations.keys { directory.remove(conversation, of: id) }
                    }
                }
                var logged = c
                logged.profileID = id
                return ProfileDeletionReceipt(
                    profileID: id, mergedIDs: profile.mergedIDs, identifiersErased: profile.identifiers.count,
                    traitsErased: profile.traits.traitCount, observationsErased: profile.observations.count,
                    revisionsErased: profile.revisionCount, summariesErased: profile.summaries.count,
                    communicationsErased: profile.communications.count,
                    logPosition: record(.deleteProfile(logged), mode), erasedAt: c.at)
            }
        }
    }
}
