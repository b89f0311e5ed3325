extension TraitUpdate {
    private static func isNameScalar(_ s: Unicode.Scalar) -> Bool {
        s.isASCIIAlphanumeric || s == "_" || s == "-"
    }

    /// Stateless checks of a patch; `path` is the list's field name (`traits`).
    static func validate(_ updates: [TraitUpdate], path: String, limits: EngineLimits, into problems: inout Violations)
    {
        if updates.count > limits.maxTraitUpdatesPerCall {
            problems.add(path, "at most \(limits.maxTraitUpdatesPerCall) updates per call; got \(updates.count)")
            return
        }
        for (i, update) in updates.enumerated() {
            let item = "\(path)[\(i)]"
            let allowed = "letters, digits, '_' and '-'"
            if let problem = update.group.tokenProblem(maxLength: 64, allowed: isNameScalar, allowedText: allowed) {
                problems.add(item + ".group", problem)
            }
            if let problem = update.name.tokenProblem(maxLength: 64, allowed: isNameScalar, allowedText: allowed) {
                problems.add(item + ".name", problem)
            }
            switch update.value {
            case .none, .bool, .integer: break
            case .number(let number):
                if !number.isFinite { problems.add(item + ".value", "a number trait must be finite") }
            case .string(let text):
                if text.count > limits.maxTraitStringLength {
                    problems.add(
                        item + ".value", "at most \(limits.maxTraitStringLength) characters; got \(text.count)")
                }
            case .strings(let list):
                if list.count > limits.maxTraitListCount {
                    problems.add(
                        item + ".value", "a list holds at most \(limits.maxTraitListCount) strings; got \(list.count)")
                }
                for (j, text) in list.enumerated() where text.count > limits.maxTraitStringLength {
                    problems.add(
                        item + ".value[\(j)]", "at most \(limits.maxTraitStringLength) characters; got \(text.count)")
                }
            }
        }
    }
}

extension Dictionary where Key == String, Value == [String: Trait] {
    /// Applies updates in order; each wins only if not older than the stored trait or its
    /// removal. A removal leaves a tombstone (even for a trait never set), and a value set
    /// clears it: a name has a trait or a tombstone, never both.
    mutating func apply(
        _ updates: [TraitUpdate], defaultTime: Int64, tombstones: inout TraitTombstones, maxTombstones: Int
    ) {
        for update in updates {
            let time = update.updatedAt ?? defaultTime
            if let existing = self[update.group]?[update.name], existing.updatedAt > time { continue }
            if let removedAt = tombstones[update.group]?[update.name], removedAt > time { continue }
            if let value = update.value {
                self[update.group, default: [:]][update.name] = Trait(value: value, updatedAt: time)
                tombstones.remove(group: update.group, name: update.name)
            } else {
                removeTrait(group: update.group, name: update.name)
                tombstones[update.group, default: [:]][update.name] = time
            }
        }
        tombstones.forgetOldest(keeping: maxTombstones)
    }

    /// Merges another profile's traits and tombstones: per name, the newer of the four wins;
    /// on a tie, self's stays.
    mutating func merge(
        newerOf other: Traits, tombstones: inout TraitTombstones, theirTombstones: TraitTombstones, maxTombstones: Int
    ) {
        for (group, traits) in other {
            for (name, trait) in traits {
                if let mine = self[group]?[name], mine.updatedAt >= trait.updatedAt { continue }
                if let removedAt = tombstones[group]?[name], removedAt >= trait.updatedAt { continue }
                self[group, default: [:]][name] = trait
                tombstones.remove(group: group, name: name)
            }
        }
        for (group, names) in theirTombstones {
            for (name, removedAt) in names {
                if let mine = self[group]?[name], mine.updatedAt >= removedAt { continue }
                if let mine = tombstones[group]?[name], mine >= removedAt { continue }
                removeTrait(group: group, name: name)
                tombstones[group, default: [:]][name] = removedAt
            }
        }
        tombstones.forgetOldest(keeping: maxTombstones)
    }

    private mutating func removeTrait(group: String, name: String) {
        if self[group]?.removeValue(forKey: name) != nil, self[group]?.isEmpty == true { self[group] = nil }
    }

    var traitCount: Int { values.reduce(0) { $0 + $1.count } }

    /// The first limit `updates` push this set past (comparing with `before`), as a violation.
    /// A set that was already over a limit (after a merge) may stay so, but not grow.
    func limitViolation(before: Traits, updates: [TraitUpdate], path: String, limits: EngineLimits) -> FieldViolation? {
        if count > limits.maxTraitGroups, count > before.count {
            let index = updates.firstIndex { before[$0.group] == nil && self[$0.group] != nil } ?? 0
            return FieldViolation(
                field: "\(path)[\(index)].group",
                description: "the profile would have \(count) trait groups; the limit is \(limits.maxTraitGroups)")
        }
        for (group, traits) in self
        where traits.count > limits.maxTraitsPerGroup && traits.count > (before[group]?.count ?? 0) {
            let index = updates.firstIndex { $0.group == group && before[group]?[$0.name] == nil } ?? 0
            return FieldViolation(
                field: "\(path)[\(index)].name",
                description:
                    "group \"\(group)\" would have \(traits.count) traits; the limit is \(limits.maxTraitsPerGroup)")
        }
        return nil
    }
}

extension Dictionary where Key == String, Value == [String: Int64] {
    mutating func remove(group: String, name: String) {
        if self[group]?.removeValue(forKey: name) != nil, self[group]?.isEmpty == true { self[group] = nil }
    }

    var tombstoneCount: Int { values.reduce(0) { $0 + $1.count } }

    /// Forgets the oldest removals (by time, then group and name, so replay forgets the same
    /// ones) past `limit`.
    mutating func forgetOldest(keeping limit: Int) {
        let excess = tombstoneCount - limit
        guard excess > 0 else { return }
        let oldest = flatMap { group, names in names.map { (time: $0.value, group: group, name: $0.key) } }
            .sorted { ($0.time, $0.group, $0.name) < ($1.time, $1.group, $1.name) }
            .prefix(excess)
        for entry in oldest { remove(group: entry.group, name: entry.name) }
    }
}
