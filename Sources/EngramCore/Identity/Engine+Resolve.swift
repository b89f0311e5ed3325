import Synchronization

extension Engine {
    /// Finds the profile these identifiers belong to, creating or merging as needed, attaches
    /// the new identifiers and applies the trait updates. Several matching profiles are merged
    /// into the earliest-created one, whose id survives; the others' ids keep working.
    ///
    /// With `profileID`, the identifiers go to that profile (any of its ids) instead: it is the
    /// first member of the match, so a profile holding one of the new unique identifiers is
    /// merged with it, and shared values only attach. Nothing is created.
    public func resolveIdentity(
        storeID: String, identifiers: [IdentifierInput], traits: [TraitUpdate] = [], into profileID: String? = nil
    )
        throws(EngineError) -> ResolveResult
    {
        try requireIDs(["store_id": storeID])
        if let profileID { try requireIDs(["profile_id": profileID]) }
        var problems = Violations()
        TraitUpdate.validate(traits, path: "traits", limits: configuration.limits, into: &problems)
        try problems.check()
        let at = now()
        let derived = identifiersFromTraits(storeID: storeID, traits, besides: identifiers)
        let command = Command.ResolveIdentity(
            storeID: storeID, newProfileID: newID(.profile),
            identifiers: identifiers + derived,
            traits: traits.map { update in
                var update = update
                update.updatedAt = update.updatedAt ?? at
                return update
            }, at: at, profileID: profileID)
        do throws(EngineError) {
            guard case .resolved(let result) = try apply(.resolveIdentity(command), .live) else {
                throw EngineError.unexpectedOutput
            }
            return result
        } catch  where !derived.isEmpty && !error.fieldViolations.isEmpty {
            // A problem with an identifier taken from a trait names the trait the caller sent.
            let violations = error.fieldViolations.map { violation in
                var violation = violation
                for (offset, input) in derived.enumerated() {
                    let path = "identifiers[\(identifiers.count + offset)]"
                    if violation.field == path || violation.field.hasPrefix(path + ".") {
                        violation.field = "traits.\(Self.identifierTraitGroup).\(input.type)"
                    }
                }
                return violation
            }
            throw EngineError.fields(violations, code: error.code)
        }
    }

    /// The `Contact` traits named after an identifier type the store knows (`email`, `phone`,
    /// `whatsapp`, `chat`, or a custom type), as identifiers: a profile created from traits alone
    /// (`{"Contact": {"email": ...}}`) is matched by them, as the hosted product does. Values
    /// already given as identifiers are not repeated. Derived before the command is made, so the
    /// log holds the identifiers that were used.
    func identifiersFromTraits(storeID: String, _ traits: [TraitUpdate], besides given: [IdentifierInput])
        -> [IdentifierInput]
    {
        let contact = traits.filter { $0.group == Self.identifierTraitGroup && $0.value != nil }
        guard !contact.isEmpty, let identity = identity(of: storeID) else { return [] }
        let types = identity.state.withLock { state in
            Set(state.settings.types.map(\.name)).union(state.settings.priority)
        }
        var seen = Set(given)
        var derived: [IdentifierInput] = []
        for update in contact where types.contains(update.name) {
            let values: [String] =
                switch update.value {
                case .string(let s): [s]
                case .strings(let list): list
                default: []
                }
            for value in values {
                let input = IdentifierInput(type: update.name, value: value)
                if seen.insert(input).inserted { derived.append(input) }
            }
        }
        return derived
    }

    /// The trait group whose identifier-named traits are identifiers.
    public static let identifierTraitGroup = "Contact"

    /// The identity fields of a profile, read under its shard lock.
    private func profileIdentity(store: String, id: String) -> ProfileIdentity? {
        shard(store: store, profile: id).state.withLock { state in
            state.profile(store: store, id: id).map {
                ProfileIdentity(
                    id: $0.id, createdAt: $0.createdAt, identifiers: $0.identifiers, mergedCount: $0.mergedIDs.count)
            }
        }
    }

    func applyResolve(_ c: Command.ResolveIdentity, _ mode: ApplyMode) throws(EngineError) -> ResolveResult {
        guard let identity = identity(of: c.storeID) else { throw .storeNotFound(c.storeID) }
        return try identity.state.withLock { (ids: inout IdentityState) throws(EngineError) -> ResolveResult in
            guard !ids.deleted else { throw .storeNotFound(c.storeID) }
            let limits = configuration.limits
            let (candidates, blocked) = try ids.normalize(c.identifiers, limits: limits)
            if candidates.isEmpty {
                throw EngineError.fields(
                    blocked.map { FieldViolation(field: "identifiers[\($0.index)].value", description: $0.detail) }
                        + [
                            FieldViolation(
                                field: "identifiers", description: "every identifier is blocked; nothing to match on")
                        ])
            }
            var anchor: ProfileIdentity?
            if let named = c.profileID {
                guard let found = profileIdentity(store: c.storeID, id: ids.aliases[named] ?? named) else {
                    throw .profileNotFound(named)
                }
                anchor = found
            }
            let plan = ids.plan(candidates, blocked: blocked, limits: limits, anchor: anchor) { id in
                profileIdentity(store: c.storeID, id: id)
            }
            return try commit(plan, of: c, ids: &ids, directory: identity.conversations, mode)
        }
    }

    /// Applies a plan under the shard locks of every profile involved. The surviving profile
    /// is built as a copy first; only if the trait limits hold is anything written.
    private func commit(
        _ plan: ResolvePlan, of c: Command.ResolveIdentity, ids: inout IdentityState,
        directory: borrowing Mutex<ConversationDirectory>, _ mode: ApplyMode
    )
        throws(EngineError) -> ResolveResult
    {
        let store = c.storeID
        let targetID = plan.members.first?.id ?? c.newProfileID
        let others = plan.members.dropFirst().map(\.id)
        let outcome: ResolveOutcome = plan.members.isEmpty ? .created : (others.isEmpty ? .matched : .merged)
        let indices = ([targetID] + others).map { shardIndex(store: store, profile: $0) }
        return try withShards(indices) {
            (positions: inout [Int: Int], states: inout [ShardState]) throws(EngineError) -> ResolveResult in
            func position(_ id: String) -> Int { positions[shardIndex(store: store, profile: id)]! }
            var target: ProfileState
            if outcome == .created {
                if states[position(targetID)].contains(store: store, id: targetID) || ids.aliases[targetID] != nil {
                    throw EngineError(code: .alreadyExists, message: "profile id \"\(targetID)\" is already in use")
                }
                target = ProfileState(
                    id: targetID, createdAt: c.at, duplicateThreshold: configuration.duplicateSimilarityThreshold)
            } else {
                guard let found = states[position(targetID)].profile(store: store, id: targetID) else {
                    throw EngineError(
                        code: .internal, message: "identity index names a missing profile \"\(targetID)\"")
                }
                target = found
            }
            var absorbed: [ProfileState] = []
            for other in others {
                guard let found = states[position(other)].profile(store: store, id: other) else {
                    throw EngineError(code: .internal, message: "identity index names a missing profile \"\(other)\"")
                }
                absorbed.append(found)
                target.absorb(
                    found, at: c.at, window: configuration.communicationsWindow,
                    maxTraitTombstones: configuration.limits.maxTraitTombstones)
            }
            if !absorbed.isEmpty { target.settleSubjects(at: c.at, maxRevisions: configuration.limits.maxRevisions) }

            var attached: [StoredIdentifier] = []
            for item in plan.accepted
            where !target.identifiers.contains(where: { $0.type == item.key.type && $0.value == item.key.value }) {
                let identifier = StoredIdentifier(type: item.key.type, value: item.key.value, addedAt: c.at)
                target.identifiers.append(identifier)
                attached.append(identifier)
            }
            var dropped: [StoredIdentifier] = []
            for type in Set(attached.map(\.type)).sorted() {
                guard let rules = ids.compiled.types[type]?.settings, rules.overflowPolicy == .dropOldest else {
                    continue
                }
                while target.identifiers.count(where: { $0.type == type }) > rules.limit,
                    let oldest = target.identifiers.firstIndex(where: { $0.type == type })
                {
                    dropped.append(target.identifiers.remove(at: oldest))
                }
            }
            let traitsBefore = target.traits
            let tombstonesBefore = target.traitTombstones
            target.traits.apply(
                c.traits, defaultTime: c.at, tombstones: &target.traitTombstones,
                maxTombstones: configuration.limits.maxTraitTombstones)
            if let violation = target.traits.limitViolation(
                before: traitsBefore, updates: c.traits, path: "traits", limits: configuration.limits)
            {
                throw EngineError.fields([violation], code: .resourceExhausted)
            }
            // Nothing has been written before this point.
            // A removal of a trait that is not there changes no visible state but is still a
            // write: its tombstone turns away an older value arriving later.
            let visible =
                outcome != .matched || !attached.isEmpty || !dropped.isEmpty || target.traits != traitsBefore
            let changed = visible || target.traitTombstones != tombstonesBefore
            if visible { target.updatedAt = c.at }
            for other in others { states[position(other)].remove(store: store, id: other) }
            if changed { states[position(targetID)].put(target, store: store) }

            for profile in absorbed {
                for identifier in profile.identifiers {
                    let key = IdentifierKey(type: identifier.type, value: identifier.value)
                    ids.removeOwner(profile.id, of: key)
                    ids.addOwner(targetID, of: key)
                }
                for id in [profile.id] + profile.mergedIDs { ids.aliases[id] = targetID }
            }
            if absorbed.contains(where: { !$0.conversations.isEmpty }) {
                directory.withLock { directory in
                    for profile in absorbed {
                        for conversation in profile.conversations.values {
                            directory.register(target.conversations[conversation.id]!, profileID: targetID)
                        }
                    }
                }
            }
            for identifier in attached {
                ids.addOwner(targetID, of: IdentifierKey(type: identifier.type, value: identifier.value))
            }
            for identifier in dropped {
                ids.removeOwner(targetID, of: IdentifierKey(type: identifier.type, value: identifier.value))
            }
            return ResolveResult(
                profileID: targetID, outcome: outcome, mergedProfileIDs: others, attached: attached, dropped: dropped,
                demoted: plan.demoted, logPosition: changed ? record(.resolveIdentity(c), mode) : unchanged(mode),
                profile: target.publicProfile(store: store))
        }
    }
}
