import EngramTestSupport
import Synchronization

@testable import EngramCore

/// A result either side can produce, compared without log positions or prose.
enum ModelResult: Equatable {
    case resolved(
        profileID: String, outcome: ResolveOutcome, merged: [String], attached: [StoredIdentifier],
        dropped: [StoredIdentifier], demoted: [String], traits: Traits)
    case observed(ObserveResult)
    case traits(TraitsResult)
    case observationDeleted(ObservationDeletionReceipt)
    case profileDeleted(ProfileDeletionReceipt)
    case profile(Profile)
    case page(ObservationPage)
    case lookup(LookupResult)
    case summaries(SummaryList)
    case communications(CommunicationList)
    case failure(EngineError.Code)
    /// The model accepted a call the engine refused (the engine logged no command).
    case missingCommand

    static func demotionKeys(_ demoted: [DemotedIdentifier]) -> [String] {
        demoted.map { "\($0.index):\($0.type)=\($0.value):\($0.reason)" }
    }
}

/// The obviously-correct reference: plain dictionaries under one lock, linear scans instead
/// of indexes, whole-value copies instead of persistent structures. It takes the ids and
/// times the engine decided from the engine's journaled command, and computes everything
/// else itself. Pure leaf functions (normalising one value, text similarity) are shared.
final class ReferenceModel {
    struct Obs {
        var observation: Observation
        var revisions: [ObservationRevision]
    }

    struct Prof {
        var id: String
        var createdAt: Int64
        var updatedAt: Int64
        var identifiers: [StoredIdentifier] = []
        var traits: Traits = [:]
        /// Removed traits and when: each name is a last-writer-wins register whose value may be
        /// "removed".
        var removed: [String: [String: Int64]] = [:]
        var mergedIDs: [String] = []
        var observations: [String: Obs] = [:]
        var idempotency: [String: ObservationOutcome] = [:]
        var summaries: [String: (summary: Summary, revisions: [SummaryRevision])] = [:]
        var communications: [Communication] = []
    }

    struct StoreState {
        var settings: IdentitySettings
        var profiles: [String: Prof] = [:]
        var aliases: [String: String] = [:]
    }

    private let state = Mutex<[String: StoreState]>([:])
    let threshold: Double
    let window: Int
    let limits = EngineLimits()

    init(stores: [String], settings: IdentitySettings, threshold: Double, window: Int) {
        self.threshold = threshold
        self.window = window
        state.withLock { all in
            for store in stores { all[store] = StoreState(settings: settings) }
        }
    }

    /// Applies `operation` as the engine should have, given the command it journaled. A call
    /// that journaled nothing must have changed nothing: the model then runs it with the time
    /// the engine read (`now`) and answers `.missingCommand` if it would change anything.
    func apply(_ operation: RandomOperation, stores: [String], command: Command?, now: Int64) -> ModelResult {
        state.withLock { all in
            switch operation {
            case .resolve(let s, let identifiers, let traits):
                guard case .resolveIdentity(let c)? = command else {
                    if let failure = Self.resolveFails(&all[stores[s]]!, identifiers) { return failure }
                    let unlogged = Command.ResolveIdentity(
                        storeID: stores[s], newProfileID: "", identifiers: identifiers,
                        traits: traits.map { update in
                            var update = update
                            update.updatedAt = update.updatedAt ?? now
                            return update
                        }, at: now)
                    return resolve(&all[stores[s]]!, unlogged, identifiers: identifiers, traits: traits, logged: false)
                }
                return resolve(&all[stores[s]]!, c, identifiers: identifiers, traits: traits)
            case .observe(let s, let profile, let observations, let summaries, let communications):
                if observations.isEmpty && summaries.isEmpty && communications.isEmpty {
                    return .failure(.invalidArgument)
                }
                guard let id = Self.canonical(all[stores[s]]!, profile) else { return .failure(.notFound) }
                guard case .observe(let c)? = command else {
                    // Only a retry of stored observations, and nothing else, may go unlogged.
                    let p = all[stores[s]]!.profiles[id]!
                    guard summaries.isEmpty && communications.isEmpty else { return .missingCommand }
                    var retried: [ObservationOutcome] = []
                    for item in observations {
                        guard let key = item.idempotencyKey, var earlier = p.idempotency[key] else {
                            return .missingCommand
                        }
                        earlier.isRetry = true
                        retried.append(earlier)
                    }
                    return .observed(
                        ObserveResult(
                            profileID: id, observations: retried, summaryIDs: [], communicationIDs: [],
                            logPosition: 0))
                }
                return observe(&all[stores[s]]!.profiles[id]!, c)
            case .updateTraits(let s, let profile, let traits):
                guard let id = Self.canonical(all[stores[s]]!, profile) else { return .failure(.notFound) }
                let at =
                    command.map { command -> Int64 in
                        guard case .updateTraits(let c) = command else { return now }
                        return c.at
                    } ?? now
                var p = all[stores[s]]!.profiles[id]!
                let before = (p.traits, p.removed)
                Self.write(traits, to: &p, at: at)
                if p.traits != before.0 || p.removed != before.1 {
                    guard case .updateTraits? = command else { return .missingCommand }
                    if p.traits != before.0 { p.updatedAt = at }
                    all[stores[s]]!.profiles[id] = p
                }
                return .traits(
                    TraitsResult(
                        profileID: id, logPosition: 0,
                        profile: Profile(
                            id: id, storeID: stores[s], createdAt: p.createdAt, updatedAt: p.updatedAt,
                            identifiers: p.identifiers,
                            traits: p.traits, mergedIDs: p.mergedIDs, observationCount: p.observations.count,
                            summaryCount: p.summaries.count, communicationCount: p.communications.count)))
            case .deleteObservation(let s, let profile, let observation):
                guard let id = Self.canonical(all[stores[s]]!, profile) else { return .failure(.notFound) }
                guard let removed = all[stores[s]]!.profiles[id]!.observations[observation] else {
                    return .failure(.notFound)
                }
                guard case .deleteObservation(let c)? = command else { return .missingCommand }
                all[stores[s]]!.profiles[id]!.observations[observation] = nil
                all[stores[s]]!.profiles[id]!.updatedAt = c.at
                return .observationDeleted(
                    ObservationDeletionReceipt(
                        profileID: id, observationID: observation, revisionsErased: removed.revisions.count,
                        logPosition: 0,
                        erasedAt: c.at))
            case .deleteProfile(let s, let profile):
                guard let id = Self.canonical(all[stores[s]]!, profile) else { return .failure(.notFound) }
                guard case .deleteProfile(let c)? = command else { return .missingCommand }
                let p = all[stores[s]]!.profiles.removeValue(forKey: id)!
                for merged in p.mergedIDs { all[stores[s]]!.aliases[merged] = nil }
                return .profileDeleted(
                    ProfileDeletionReceipt(
                        profileID: id, mergedIDs: p.mergedIDs, identifiersErased: p.identifiers.count,
                        traitsErased: p.traits.values.reduce(0) { $0 + $1.count },
                        observationsErased: p.observations.count,
                        revisionsErased: p.observations.values.reduce(0) { $0 + $1.revisions.count },
                        summariesErased: p.summaries.count, communicationsErased: p.communications.count,
                        logPosition: 0,
                        erasedAt: c.at))
            case .getProfile(let s, let profile):
                guard let id = Self.canonical(all[stores[s]]!, profile) else { return .failure(.notFound) }
                let p = all[stores[s]]!.profiles[id]!
                return .profile(
                    Profile(
                        id: id, storeID: stores[s], createdAt: p.createdAt, updatedAt: p.updatedAt,
                        identifiers: p.identifiers,
                        traits: p.traits, mergedIDs: p.mergedIDs, observationCount: p.observations.count,
                        summaryCount: p.summaries.count, communicationCount: p.communications.count))
            case .listObservations(let s, let profile, let filter, let pageSize):
                guard let id = Self.canonical(all[stores[s]]!, profile) else { return .failure(.notFound) }
                let sorted = all[stores[s]]!.profiles[id]!.observations.values.map(\.observation)
                    .filter { filter.matches($0) }.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
                let size = pageSize == 0 ? 100 : pageSize
                let page = Array(sorted.prefix(size))
                let token =
                    sorted.count > size ? PageCursor(createdAt: page.last!.createdAt, id: page.last!.id).token : nil
                return .page(ObservationPage(profileID: id, observations: page, nextPageToken: token))
            case .lookup(let s, let type, let value):
                return lookup(all[stores[s]]!, type: type, value: value)
            case .listSummaries(let s, let profile):
                guard let id = Self.canonical(all[stores[s]]!, profile) else { return .failure(.notFound) }
                return .summaries(
                    SummaryList(
                        profileID: id,
                        summaries: all[stores[s]]!.profiles[id]!.summaries.values
                            .sorted { ($0.summary.occurredAt, $0.summary.id) > ($1.summary.occurredAt, $1.summary.id) }
                            .map { SummaryHistory(summary: $0.summary, revisions: $0.revisions.reversed()) }))
            case .listCommunications(let s, let profile):
                guard let id = Self.canonical(all[stores[s]]!, profile) else { return .failure(.notFound) }
                return .communications(
                    CommunicationList(
                        profileID: id,
                        communications: all[stores[s]]!.profiles[id]!.communications.sorted {
                            ($0.createdAt, $0.id) > ($1.createdAt, $1.id)
                        }))
            }
        }
    }

    /// Every live profile, for the final comparison.
    func profileIDs(_ store: String) -> [String] {
        state.withLock { Array($0[store]!.profiles.keys).sorted() }
    }

    // MARK: Identity

    static func canonical(_ store: StoreState, _ id: String) -> String? {
        if store.profiles[id] != nil { return id }
        return store.aliases[id]
    }

    static func isBlocked(_ value: String, _ type: IdentifierTypeSettings) -> Bool {
        if type.blockedValues.contains(where: { $0.lowercased() == value.lowercased() }) { return true }
        return type.blockedPatterns.contains { pattern in (try? Regex(pattern).wholeMatch(in: value)) != nil }
    }

    static func regionCode(_ settings: IdentitySettings) -> String {
        CountryCallingCodes.code(forRegion: settings.defaultRegion)!
    }

    /// Normalises a call's identifiers: nil if any is invalid, else candidates and blocked ones.
    static func normalize(_ store: StoreState, _ inputs: [IdentifierInput]) -> (
        candidates: [(Int, String, String)], blocked: [String]
    )? {
        let settings = store.settings
        var candidates: [(Int, String, String)] = []
        var blocked: [String] = []
        for (i, input) in inputs.enumerated() {
            guard let type = settings.type(named: input.type) else { return nil }
            let raw = String(input.value.trimmed)
            if raw.isEmpty { return nil }
            if isBlocked(raw, type) {
                blocked.append("\(i):\(input.type)=\(raw):blocked")
                continue
            }
            guard let value = try? type.normalization.normalize(input.value, regionCode: regionCode(settings)) else {
                return nil
            }
            if isBlocked(value, type) {
                blocked.append("\(i):\(input.type)=\(value):blocked")
                continue
            }
            if !candidates.contains(where: { $0.1 == input.type && $0.2 == value }) {
                candidates.append((i, input.type, value))
            }
        }
        return (candidates, blocked)
    }

    static func resolveFails(_ store: inout StoreState, _ inputs: [IdentifierInput]) -> ModelResult? {
        if inputs.isEmpty || inputs.count > 100 { return .failure(.invalidArgument) }
        guard let normalized = normalize(store, inputs) else { return .failure(.invalidArgument) }
        return normalized.candidates.isEmpty ? .failure(.invalidArgument) : nil
    }

    func owners(_ store: StoreState, _ type: String, _ value: String) -> [String] {
        store.profiles.values.filter { p in p.identifiers.contains { $0.type == type && $0.value == value } }.map(\.id)
            .sorted()
    }

    func lookup(_ store: StoreState, type: String, value: String) -> ModelResult {
        guard let rules = store.settings.type(named: type) else { return .failure(.invalidArgument) }
        let raw = String(value.trimmed)
        if raw.isEmpty { return .failure(.invalidArgument) }
        if Self.isBlocked(raw, rules) {
            return .lookup(LookupResult(type: type, normalizedValue: raw, blocked: true, profileIDs: []))
        }
        guard let normalized = try? rules.normalization.normalize(value, regionCode: Self.regionCode(store.settings))
        else {
            return .failure(.invalidArgument)
        }
        if Self.isBlocked(normalized, rules) {
            return .lookup(LookupResult(type: type, normalizedValue: normalized, blocked: true, profileIDs: []))
        }
        return .lookup(
            LookupResult(
                type: type, normalizedValue: normalized, blocked: false, profileIDs: owners(store, type, normalized)))
    }

    func earlier(_ a: Prof, _ b: Prof) -> Bool { (a.createdAt, a.id) < (b.createdAt, b.id) }

    /// The rules of ResolveIdentity, written out plainly.
    func resolve(
        _ store: inout StoreState, _ c: Command.ResolveIdentity, identifiers: [IdentifierInput], traits: [TraitUpdate],
        logged: Bool = true
    ) -> ModelResult {
        if let failure = Self.resolveFails(&store, identifiers) { return failure }
        let (candidates, blocked) = Self.normalize(store, identifiers)!
        let settings = store.settings
        func rules(_ type: String) -> IdentifierTypeSettings { settings.type(named: type)! }
        let rank = { (type: String) in settings.priority.firstIndex(of: type)! }
        let snapshot = store
        let ordered = candidates.sorted {
            (rank($0.1), owners(snapshot, $0.1, $0.2).isEmpty ? 1 : 0, $0.0) < (
                rank($1.1), owners(snapshot, $1.1, $1.2).isEmpty ? 1 : 0, $1.0
            )
        }
        let hasUnique = candidates.contains { rules($0.1).unique }
        var members: [Prof] = []
        var accepted: [(Int, String, String)] = []
        var demoted = blocked.map { ($0.split(separator: ":").first.map { Int($0)! }!, $0) }
        for (index, type, value) in ordered {
            let holders = owners(store, type, value).map { store.profiles[$0]! }
            var proposed = members
            if !holders.contains(where: { h in members.contains { $0.id == h.id } }),
                let earliest = holders.min(by: earlier), rules(type).unique || (members.isEmpty && !hasUnique)
            {
                proposed.append(earliest)
            }
            let joining = proposed.count != members.count
            var perType: [String: Set<String>] = [:]
            var largest: [String: Int] = [:]
            for p in proposed {
                for i in p.identifiers { perType[i.type, default: []].insert(i.value) }
                for (t, n) in Dictionary(grouping: p.identifiers, by: \.type).mapValues(\.count) {
                    largest[t] = max(largest[t] ?? 0, n)
                }
            }
            let existing = perType
            let largestTotal = proposed.map(\.identifiers.count).max() ?? 0
            for (_, t, v) in accepted + [(index, type, value)] { perType[t, default: []].insert(v) }
            let total = perType.values.reduce(0) { $0 + $1.count }
            var reason: DemotionReason?
            if joining {
                if proposed.count >= 2
                    && proposed.reduce(proposed.count - 1, { $0 + $1.mergedIDs.count }) > limits.maxMergesPerProfile
                {
                    reason = .mergeCap
                } else if perType.contains(where: {
                    $0.value.count > rules($0.key).limit && $0.value.count > (largest[$0.key] ?? 0)
                }) {
                    reason = .typeLimit
                } else if total > limits.maxIdentifierValuesPerProfile && total > largestTotal {
                    reason = .identifierCap
                }
            } else if existing[type]?.contains(value) != true {
                let r = rules(type)
                let newInCall = (accepted + [(index, type, value)]).filter {
                    $0.1 == type && existing[type]?.contains($0.2) != true
                }.count
                if perType[type]!.count > r.limit && (r.overflowPolicy == .refuse || newInCall > r.limit) {
                    reason = .typeLimit
                } else {
                    let afterDrops = perType.reduce(0) { sum, entry in
                        let rr = rules(entry.key)
                        return sum
                            + (rr.overflowPolicy == .dropOldest ? min(entry.value.count, rr.limit) : entry.value.count)
                    }
                    if afterDrops > limits.maxIdentifierValuesPerProfile && afterDrops > largestTotal {
                        reason = .identifierCap
                    }
                }
            }
            if let reason {
                demoted.append((index, "\(index):\(type)=\(value):\(reason)"))
            } else {
                members = proposed
                accepted.append((index, type, value))
            }
        }
        members.sort(by: earlier)
        let outcome: ResolveOutcome = members.isEmpty ? .created : members.count == 1 ? .matched : .merged
        var target = members.first ?? Prof(id: c.newProfileID, createdAt: c.at, updatedAt: c.at)
        let others = Array(members.dropFirst())
        for other in others { absorb(&target, other, at: c.at) }
        if !others.isEmpty { settleSubjects(&target, at: c.at) }
        var attached: [StoredIdentifier] = []
        for (_, type, value) in accepted
        where !target.identifiers.contains(where: { $0.type == type && $0.value == value }) {
            let identifier = StoredIdentifier(type: type, value: value, addedAt: c.at)
            target.identifiers.append(identifier)
            attached.append(identifier)
        }
        var dropped: [StoredIdentifier] = []
        for type in Set(attached.map(\.type)).sorted() where rules(type).overflowPolicy == .dropOldest {
            while target.identifiers.filter({ $0.type == type }).count > rules(type).limit {
                dropped.append(target.identifiers.remove(at: target.identifiers.firstIndex { $0.type == type }!))
            }
        }
        let before = (target.traits, target.removed)
        Self.write(c.traits, to: &target, at: c.at)
        if target.traits.count > limits.maxTraitGroups
            || target.traits.values.contains(where: { $0.count > limits.maxTraitsPerGroup })
        {
            return .failure(.resourceExhausted)
        }
        let visible = outcome != .matched || !attached.isEmpty || !dropped.isEmpty || target.traits != before.0
        if visible || target.removed != before.1 {
            if !logged { return .missingCommand }
            if visible { target.updatedAt = c.at }
        }
        for other in others {
            store.profiles[other.id] = nil
            for id in [other.id] + other.mergedIDs { store.aliases[id] = target.id }
        }
        store.profiles[target.id] = target
        return .resolved(
            profileID: target.id, outcome: outcome, merged: others.map(\.id), attached: attached, dropped: dropped,
            demoted: demoted.sorted { $0.0 < $1.0 }.map(\.1), traits: target.traits)
    }

    func absorb(_ target: inout Prof, _ other: Prof, at: Int64) {
        let all = (target.identifiers + other.identifiers).enumerated()
            .sorted { ($0.element.addedAt, $0.offset) < ($1.element.addedAt, $1.offset) }.map(\.element)
        target.identifiers = all.enumerated().filter { item in
            !all[..<item.offset].contains { $0.type == item.element.type && $0.value == item.element.value }
        }.map(\.element)
        let names = Set(
            other.traits.flatMap { g, ts in ts.keys.map { [g, $0] } }
                + other.removed.flatMap { g, ns in ns.keys.map { [g, $0] } })
        for name in names {
            let (group, key) = (name[0], name[1])
            let theirs = other.traits[group]?[key]?.updatedAt ?? other.removed[group]![key]!
            if let mine = Self.lastWrite(target, group, key), mine >= theirs { continue }
            Self.set(&target, group, key, other.traits[group]?[key]?.value, at: theirs)
        }
        target.mergedIDs += [other.id] + other.mergedIDs
        for (id, obs) in other.observations { target.observations[id] = obs }
        for (key, outcome) in other.idempotency where target.idempotency[key] == nil {
            target.idempotency[key] = outcome
        }
        for (conversation, theirs) in other.summaries {
            guard let mine = target.summaries[conversation] else {
                target.summaries[conversation] = theirs
                continue
            }
            let mineWins =
                (mine.summary.occurredAt, mine.summary.updatedAt, mine.summary.id)
                >= (theirs.summary.occurredAt, theirs.summary.updatedAt, theirs.summary.id)
            let (winner, loser) = mineWins ? (mine, theirs) : (theirs, mine)
            let history = (winner.revisions + loser.revisions + [SummaryRevision(recordedAt: at, prior: loser.summary)])
                .enumerated().sorted { ($0.element.recordedAt, $0.offset) < ($1.element.recordedAt, $1.offset) }.map(
                    \.element)
            target.summaries[conversation] = (winner.summary, history)
        }
        target.communications = Array(
            (target.communications + other.communications).enumerated()
                .sorted { ($0.element.createdAt, $0.offset) < ($1.element.createdAt, $1.offset) }.map(\.element).suffix(
                    window))
        target.updatedAt = at
    }

    func settleSubjects(_ p: inout Prof, at: Int64) {
        let actives = p.observations.values.map(\.observation).filter { $0.status == .active && $0.subjectKey != nil }
        for (_, group) in Dictionary(grouping: actives, by: { $0.subjectKey! }) where group.count > 1 {
            let winner = group.max { ($0.occurredAt, $0.createdAt, $0.id) < ($1.occurredAt, $1.createdAt, $1.id) }!
            for loser in group where loser.id != winner.id {
                p.observations[loser.id]!.revisions.append(
                    ObservationRevision(
                        recordedAt: at, reason: .superseded, conversationIDs: winner.conversationIDs, prior: loser))
                p.observations[loser.id]!.observation.status = .superseded
                p.observations[loser.id]!.observation.supersededBy = winner.id
                p.observations[loser.id]!.observation.updatedAt = at
            }
        }
    }

    // MARK: Observe

    func observe(_ p: inout Prof, _ c: Command.Observe) -> ModelResult {
        let at = c.at
        var outcomes: [ObservationOutcome] = []
        for item in c.observations {
            if let key = item.idempotencyKey, var earlier = p.idempotency[key] {
                earlier.isRetry = true
                outcomes.append(earlier)
                continue
            }
            let fingerprint = TextFingerprint(item.content)
            let best = p.observations.values.map(\.observation).filter { $0.status == .active }
                .map { (score: fingerprint.similarity(to: TextFingerprint($0.content)), observation: $0) }
                .filter { $0.score >= threshold || $0.score == 1 }
                .min {
                    ($1.score, $0.observation.createdAt, $0.observation.id) < (
                        $0.score, $1.observation.createdAt, $1.observation.id
                    )
                }
            let outcome: ObservationOutcome
            if let best {
                var existing = p.observations[best.observation.id]!
                existing.revisions.append(
                    ObservationRevision(
                        recordedAt: at, reason: .duplicate, conversationIDs: item.conversationIDs,
                        prior: existing.observation))
                var ids = existing.observation.conversationIDs
                for id in item.conversationIDs where !ids.contains(id) { ids.append(id) }
                existing.observation.conversationIDs = Array(ids.suffix(10))
                existing.observation.mentionCount += 1
                existing.observation.updatedAt = at
                p.observations[existing.observation.id] = existing
                outcome = ObservationOutcome(kind: .duplicate, observationID: existing.observation.id)
            } else {
                var new = Observation(
                    id: item.id, content: item.content, source: item.source, occurredAt: item.occurredAt,
                    conversationIDs: item.conversationIDs, subjectKey: item.subjectKey,
                    // The built-in hashed embedder's vectors are the recall index's alone.
                    embedding: item.embedder == HashedEmbedder.standardIdentity ? nil : item.embedding,
                    idempotencyKey: item.idempotencyKey, createdAt: at, updatedAt: at, mentionCount: 1, status: .active,
                    supersededBy: nil, embedder: item.embedder)
                let active = item.subjectKey.flatMap { key in
                    p.observations.values.first { $0.observation.status == .active && $0.observation.subjectKey == key }
                }
                if var active {
                    if active.observation.occurredAt <= item.occurredAt {
                        active.revisions.append(
                            ObservationRevision(
                                recordedAt: at, reason: .superseded, conversationIDs: item.conversationIDs,
                                prior: active.observation))
                        active.observation.status = .superseded
                        active.observation.supersededBy = item.id
                        active.observation.updatedAt = at
                        p.observations[active.observation.id] = active
                        outcome = ObservationOutcome(
                            kind: .superseded, observationID: item.id, replacedID: active.observation.id)
                    } else {
                        new.status = .superseded
                        new.supersededBy = active.observation.id
                        outcome = ObservationOutcome(kind: .added, observationID: item.id, status: .superseded)
                    }
                } else {
                    outcome = ObservationOutcome(kind: .added, observationID: item.id)
                }
                p.observations[item.id] = Obs(observation: new, revisions: [])
            }
            if let key = item.idempotencyKey { p.idempotency[key] = outcome }
            outcomes.append(outcome)
        }
        var summaryIDs: [String] = []
        for item in c.summaries {
            if var existing = p.summaries[item.conversationID] {
                existing.revisions.append(SummaryRevision(recordedAt: at, prior: existing.summary))
                existing.summary.content = item.content
                existing.summary.source = item.source
                existing.summary.occurredAt = item.occurredAt
                existing.summary.updatedAt = at
                p.summaries[item.conversationID] = existing
                summaryIDs.append(existing.summary.id)
            } else {
                p.summaries[item.conversationID] = (
                    Summary(
                        id: item.id, conversationID: item.conversationID, content: item.content, source: item.source,
                        occurredAt: item.occurredAt, createdAt: at, updatedAt: at), []
                )
                summaryIDs.append(item.id)
            }
        }
        for item in c.communications {
            p.communications.append(
                Communication(
                    id: item.id, conversationID: item.conversationID, authorType: item.authorType,
                    channel: item.channel,
                    text: item.text, createdAt: item.createdAt))
            p.communications = Array(
                p.communications.enumerated().sorted {
                    ($0.element.createdAt, $0.offset) < ($1.element.createdAt, $1.offset)
                }
                .map(\.element).suffix(window))
        }
        p.updatedAt = at
        return .observed(
            ObserveResult(
                profileID: p.id, observations: outcomes, summaryIDs: summaryIDs,
                communicationIDs: c.communications.map(\.id), logPosition: 0))
    }
}

extension ReferenceModel {
    /// When a trait name was last written (set or removed), if ever.
    static func lastWrite(_ p: Prof, _ group: String, _ name: String) -> Int64? {
        p.traits[group]?[name]?.updatedAt ?? p.removed[group]?[name]
    }

    static func set(_ p: inout Prof, _ group: String, _ name: String, _ value: TraitValue?, at: Int64) {
        p.traits[group, default: [:]][name] = value.map { Trait(value: $0, updatedAt: at) }
        p.removed[group, default: [:]][name] = value == nil ? at : nil
        if p.traits[group]?.isEmpty == true { p.traits[group] = nil }
        if p.removed[group]?.isEmpty == true { p.removed[group] = nil }
    }

    /// Each update wins unless the name was last written later.
    static func write(_ updates: [TraitUpdate], to p: inout Prof, at: Int64) {
        for u in updates {
            let time = u.updatedAt ?? at
            if let last = lastWrite(p, u.group, u.name), last > time { continue }
            set(&p, u.group, u.name, u.value, at: time)
        }
    }
}
