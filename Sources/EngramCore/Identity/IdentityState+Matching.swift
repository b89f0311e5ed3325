/// A request identifier after normalisation, with its position in the request.
struct NormalizedIdentifier: Sendable, Hashable {
    var index: Int
    var key: IdentifierKey
}

/// What matching needs to know of a profile. Only identity calls change these fields, and
/// they hold the store's identity lock, so a copy read under it stays true until release.
struct ProfileIdentity: Sendable {
    var id: String
    var createdAt: Int64
    var identifiers: [StoredIdentifier]
    var mergedCount: Int

    func isEarlier(than other: ProfileIdentity) -> Bool {
        (createdAt, id) < (other.createdAt, other.id)
    }
}

/// The decision of ResolveIdentity: who matched, what gets attached, what was demoted.
struct ResolvePlan {
    /// Matched profiles, earliest-created first: the first is the one that survives.
    var members: [ProfileIdentity]
    var accepted: [NormalizedIdentifier]
    var demoted: [DemotedIdentifier]
}

extension IdentityState {
    /// Normalises a request's identifiers with this store's settings. Invalid values throw,
    /// naming the position; blocked values are returned separately; repeats are dropped.
    func normalize(_ inputs: [IdentifierInput], limits: EngineLimits) throws(EngineError)
        -> (candidates: [NormalizedIdentifier], blocked: [DemotedIdentifier])
    {
        var problems = Violations()
        if inputs.isEmpty { problems.add("identifiers", "at least one identifier is required") }
        if inputs.count > limits.maxIdentifiersPerCall {
            problems.add("identifiers", "at most \(limits.maxIdentifiersPerCall) per call; got \(inputs.count)")
        }
        try problems.check()
        var candidates: [NormalizedIdentifier] = []
        var blocked: [DemotedIdentifier] = []
        var seen = Set<IdentifierKey>()
        for (i, input) in inputs.enumerated() {
            guard let type = compiled.types[input.type] else {
                let known = settings.types.map(\.name).joined(separator: ", ")
                problems.add(
                    "identifiers[\(i)].type", "unknown identifier type \"\(input.type)\"; this store has \(known)")
                continue
            }
            let raw = input.value.trimmed
            if raw.isEmpty {
                problems.add("identifiers[\(i)].value", "required")
                continue
            }
            if type.isBlocked(raw) {
                blocked.append(Self.blockedDemotion(i, type: input.type, value: String(raw)))
                continue
            }
            let value: String
            do throws(InvalidIdentifier) {
                value = try type.settings.normalization.normalize(input.value, regionCode: compiled.regionCode)
            } catch {
                problems.add("identifiers[\(i)].value", "invalid \(input.type): \(error.reason)")
                continue
            }
            if type.isBlocked(value[...]) {
                blocked.append(Self.blockedDemotion(i, type: input.type, value: value))
                continue
            }
            let key = IdentifierKey(type: input.type, value: value)
            if seen.insert(key).inserted { candidates.append(NormalizedIdentifier(index: i, key: key)) }
        }
        try problems.check()
        return (candidates, blocked)
    }

    private static func blockedDemotion(_ index: Int, type: String, value: String) -> DemotedIdentifier {
        DemotedIdentifier(
            index: index, type: type, value: value, reason: .blocked,
            detail: "\"\(value)\" is on the \(type) blocked list and is never used to match")
    }

    /// Matches identifiers in priority order (within a type, values that match someone first).
    /// Each one either joins the plan or is demoted: an identifier that would bring a profile
    /// into the match (or merge) is demoted if the result breaks a type limit or a hard cap
    /// (merge protection); one that only attaches follows its type's overflow policy.
    /// Going on with the remaining identifiers is the "retry" after a demotion.
    /// `anchor`, when given, is a member from the start: the profile the caller named.
    func plan(
        _ candidates: [NormalizedIdentifier], blocked: [DemotedIdentifier], limits: EngineLimits,
        anchor: ProfileIdentity? = nil, profile: (String) -> ProfileIdentity?
    ) -> ResolvePlan {
        var cache: [String: ProfileIdentity] = [:]
        func info(_ id: String) -> ProfileIdentity? {
            if let known = cache[id] { return known }
            let found = profile(id)
            cache[id] = found
            return found
        }
        let ordered = candidates.sorted {
            let a = (compiled.types[$0.key.type]!.rank, owners[$0.key] == nil ? 1 : 0, $0.index)
            let b = (compiled.types[$1.key.type]!.rank, owners[$1.key] == nil ? 1 : 0, $1.index)
            return a < b
        }
        // Shared (non-unique) values are weak evidence: they match only in calls that carry
        // no unique identifier, and never bring a second profile in.
        let hasUnique = candidates.contains { compiled.types[$0.key.type]!.settings.unique }
        var members: [ProfileIdentity] = anchor.map { [$0] } ?? []
        var accepted: [NormalizedIdentifier] = []
        var demoted = blocked
        for candidate in ordered {
            let type = compiled.types[candidate.key.type]!.settings
            let holders = (owners[candidate.key] ?? []).compactMap(info)
            var proposed = members
            let alreadyMember = holders.contains { holder in members.contains { $0.id == holder.id } }
            if !alreadyMember, let earliest = holders.min(by: { $0.isEarlier(than: $1) }),
                type.unique || (members.isEmpty && !hasUnique)
            {
                proposed.append(earliest)
            }
            let joining = proposed.count != members.count
            if let (reason, detail) = violation(
                proposed: proposed, accepted: accepted, candidate: candidate, joining: joining, limits: limits)
            {
                demoted.append(
                    DemotedIdentifier(
                        index: candidate.index, type: candidate.key.type, value: candidate.key.value, reason: reason,
                        detail: detail))
                continue
            }
            members = proposed
            accepted.append(candidate)
        }
        members.sort { $0.isEarlier(than: $1) }
        demoted.sort { $0.index < $1.index }
        return ResolvePlan(members: members, accepted: accepted, demoted: demoted)
    }

    private func violation(
        proposed: [ProfileIdentity], accepted: [NormalizedIdentifier], candidate: NormalizedIdentifier,
        joining: Bool, limits: EngineLimits
    ) -> (DemotionReason, String)? {
        // The usual call: identifiers the one matching profile already holds. Nothing grows,
        // so no limit can be crossed (each check below compares against that profile's own).
        if proposed.count == 1 {
            let holder = proposed[0]
            func held(_ item: NormalizedIdentifier) -> Bool {
                holder.identifiers.contains { $0.type == item.key.type && $0.value == item.key.value }
            }
            if held(candidate) && accepted.allSatisfy(held) { return nil }
        }
        var values: [String: Set<String>] = [:]
        var largestSingle: [String: Int] = [:]
        for member in proposed {
            var own: [String: Int] = [:]
            for identifier in member.identifiers {
                values[identifier.type, default: []].insert(identifier.value)
                own[identifier.type, default: 0] += 1
            }
            for (type, count) in own { largestSingle[type] = max(largestSingle[type] ?? 0, count) }
        }
        let existing = values
        let largestTotal = proposed.map(\.identifiers.count).max() ?? 0
        for item in accepted + [candidate] { values[item.key.type, default: []].insert(item.key.value) }
        let total = values.values.reduce(0) { $0 + $1.count }
        let type = candidate.key.type
        if joining {
            if proposed.count >= 2 {
                let merges = proposed.reduce(proposed.count - 1) { $0 + $1.mergedCount }
                if merges > limits.maxMergesPerProfile {
                    return (
                        .mergeCap,
                        "merging would give the profile \(merges) merges; the hard cap is \(limits.maxMergesPerProfile)"
                    )
                }
            }
            // A profile already past a lowered limit may still be matched, but not grow.
            for (name, set) in values.sorted(by: { $0.key < $1.key }) {
                let limit = compiled.types[name]?.settings.limit ?? Int.max
                if set.count > limit && set.count > (largestSingle[name] ?? 0) {
                    return (
                        .typeLimit,
                        "matching on it would give one profile \(set.count) \(name) values; the limit is \(limit)"
                    )
                }
            }
            if total > limits.maxIdentifierValuesPerProfile && total > largestTotal {
                return (
                    .identifierCap,
                    "matching on it would give one profile \(total) identifier values; the hard cap is \(limits.maxIdentifierValuesPerProfile)"
                )
            }
            return nil
        }
        if existing[type]?.contains(candidate.key.value) == true { return nil }
        let settings = compiled.types[type]!.settings
        let count = values[type]!.count
        if count > settings.limit {
            if settings.overflowPolicy == .refuse {
                return (
                    .typeLimit,
                    "the profile would have \(count) \(type) values; the limit is \(settings.limit) and new values are refused"
                )
            }
            let newInCall = (accepted + [candidate]).filter {
                $0.key.type == type && existing[type]?.contains($0.key.value) != true
            }.count
            if newInCall > settings.limit {
                return (.typeLimit, "this call brings \(newInCall) new \(type) values; the limit is \(settings.limit)")
            }
        }
        var afterDrops = 0
        for (name, set) in values {
            let rules = compiled.types[name]?.settings
            afterDrops += rules?.overflowPolicy == .dropOldest ? min(set.count, rules!.limit) : set.count
        }
        if afterDrops > limits.maxIdentifierValuesPerProfile && afterDrops > largestTotal {
            return (
                .identifierCap,
                "the profile would have \(afterDrops) identifier values; the hard cap is \(limits.maxIdentifierValuesPerProfile)"
            )
        }
        return nil
    }
}
