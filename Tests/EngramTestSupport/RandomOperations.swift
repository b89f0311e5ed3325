import EngramCore

/// One random call against the engine's public API.
package enum RandomOperation {
    case resolve(store: Int, identifiers: [IdentifierInput], traits: [TraitUpdate])
    case observe(
        store: Int, profile: String, observations: [ObservationInput], summaries: [SummaryInput],
        communications: [CommunicationInput])
    case updateTraits(store: Int, profile: String, traits: [TraitUpdate])
    case deleteObservation(store: Int, profile: String, observation: String)
    case deleteProfile(store: Int, profile: String)
    case getProfile(store: Int, profile: String)
    case listObservations(store: Int, profile: String, filter: ObservationFilter, pageSize: Int)
    case lookup(store: Int, type: String, value: String)
    case listSummaries(store: Int, profile: String)
    case listCommunications(store: Int, profile: String)
}

/// The settings every random-test store uses: user_id (1, refuse) > email (3, drop oldest)
/// > phone (shared, 2), so demotions, drops and shared values all happen.
package let randomTestSettings = IdentitySettings(
    priority: ["user_id", "email", "phone"],
    types: [
        IdentifierTypeSettings(name: "user_id", normalization: .lowercase, limit: 1, overflowPolicy: .refuse),
        IdentifierTypeSettings(name: "email", normalization: .email, limit: 3, overflowPolicy: .dropOldest),
        IdentifierTypeSettings(
            name: "phone", normalization: .phone, limit: 2, overflowPolicy: .dropOldest, unique: false),
    ])

/// Draws operations over a small vocabulary so that matches, merges, duplicates and
/// supersessions are frequent. It learns ids from results through `learn`.
package struct OperationSource {
    package var rng: SeededGenerator
    package var profiles: [String] = []
    package var observations: [String] = []

    package init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    package static let phrases = [
        "prefers email over phone", "Prefers EMAIL over phone!", "lives in Lyon", "has two dogs",
        "has two dogs and a cat",
        "likes sushi", "likes pizza", "works night shifts", "is allergic to peanuts", "asked for a refund",
        "the customer asked for a refund on the order placed last week for the blue running shoes size nine",
        "the customer asked for a refund on the order placed last week for the blue running shoes size nine please",
    ]

    package mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }
    package mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    package mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }

    package mutating func identifier() -> IdentifierInput {
        switch int(0...9) {
        case 0...1: return IdentifierInput(type: "user_id", value: pick(["u0", "U1", " u2 ", "u3"]))
        case 2...6:
            let n = int(0...7)
            return IdentifierInput(type: "email", value: pick(["e\(n)@x.io", " E\(n)@X.io", "e\(n)@x.io "]))
        case 7...8:
            return IdentifierInput(type: "phone", value: pick(["+1 415 555 0100", "(415) 555-0101", "4155550102"]))
        default: return IdentifierInput(type: "email", value: pick(["null", "not-an-email", "anonymous"]))
        }
    }

    package mutating func traits() -> [TraitUpdate] {
        (0..<int(0...2)).map { _ in
            TraitUpdate(
                group: pick(["A", "B"]), name: pick(["x", "y", "z"]),
                value: chance(0.2)
                    ? nil
                    : pick([.string("s"), .number(Double(int(0...9))), .bool(chance(0.5)), .strings(["a", "b"])]),
                updatedAt: pick([nil, nil, 50, 1_700_000_000_000_500]))
        }
    }

    package mutating func profileRef() -> String {
        if profiles.isEmpty || chance(0.05) { return pick(["pr_missing", "pr_000000000001"]) }
        return pick(profiles)
    }

    package mutating func next() -> RandomOperation {
        let store = int(0...1)
        switch int(0...99) {
        case 0..<30:
            return .resolve(store: store, identifiers: (0..<int(1...3)).map { _ in identifier() }, traits: traits())
        case 30..<60:
            let observations = (0..<int(0...3)).map { _ in
                ObservationInput(
                    content: pick(Self.phrases), source: pick(["voice", "chat"]), occurredAt: Int64(int(0...1_000)),
                    conversationIDs: (0..<int(0...2)).map { _ in pick(["c0", "c1", "c2", "c3"]) },
                    subjectKey: pick([nil, nil, "s0", "s1"]), idempotencyKey: pick([nil, nil, "k0", "k1", "k2", "k3"]))
            }
            let summaries =
                chance(0.3)
                ? [
                    SummaryInput(
                        content: pick(Self.phrases), conversationID: pick(["c0", "c1"]), occurredAt: Int64(int(0...9)),
                        source: "agent")
                ]
                : []
            let communications = (0..<int(0...2)).map { _ in
                CommunicationInput(
                    authorType: pick(AuthorType.allCases), channel: pick(Channel.allCases), text: pick(Self.phrases),
                    conversationID: pick(["c0", "c1"]), createdAt: pick([nil, Int64(int(0...100))]))
            }
            return .observe(
                store: store, profile: profileRef(), observations: observations, summaries: summaries,
                communications: observations.isEmpty && summaries.isEmpty && communications.isEmpty && chance(0.7)
                    ? [CommunicationInput(authorType: .customer, channel: .chat, text: "hi", conversationID: "c0")]
                    : communications)
        case 60..<68:
            return .updateTraits(store: store, profile: profileRef(), traits: traits())
        case 68..<73:
            return .deleteObservation(
                store: store, profile: profileRef(),
                observation: observations.isEmpty || chance(0.1) ? "ob_missing" : pick(observations))
        case 73..<76:
            return .deleteProfile(store: store, profile: profileRef())
        case 76..<82:
            return .getProfile(store: store, profile: profileRef())
        case 82..<90:
            let filter = ObservationFilter(
                source: pick([nil, "voice"]), conversationID: pick([nil, nil, "c1"]),
                occurred: chance(0.3) ? TimeRange(begin: 200, end: 800) : nil,
                status: pick([nil, .active, .superseded]))
            return .listObservations(store: store, profile: profileRef(), filter: filter, pageSize: pick([0, 2, 100]))
        case 90..<95:
            let id = identifier()
            return .lookup(store: store, type: id.type, value: id.value)
        case 95..<98:
            return .listSummaries(store: store, profile: profileRef())
        default:
            return .listCommunications(store: store, profile: profileRef())
        }
    }

    package mutating func learn(profile: String) {
        if !profiles.contains(profile) { profiles.append(profile) }
    }

    package mutating func learn(observation: String) {
        if !observations.contains(observation) { observations.append(observation) }
    }
}

extension Engine {
    /// Runs one random operation; returns a printable result for comparisons, learning ids.
    package func run(_ operation: RandomOperation, stores: [String], source: inout OperationSource) -> Result<
        String, EngineError
    > {
        do throws(EngineError) {
            switch operation {
            case .resolve(let s, let identifiers, let traits):
                let result = try resolveIdentity(storeID: stores[s], identifiers: identifiers, traits: traits)
                source.learn(profile: result.profileID)
                return .success("\(result)")
            case .observe(let s, let profile, let observations, let summaries, let communications):
                let result = try observe(
                    storeID: stores[s], profileID: profile, observations: observations, summaries: summaries,
                    communications: communications)
                for outcome in result.observations { source.learn(observation: outcome.observationID) }
                return .success("\(result)")
            case .updateTraits(let s, let profile, let traits):
                return .success("\(try updateTraits(storeID: stores[s], profileID: profile, traits))")
            case .deleteObservation(let s, let profile, let observation):
                return .success(
                    "\(try deleteObservation(storeID: stores[s], profileID: profile, observationID: observation))")
            case .deleteProfile(let s, let profile):
                return .success("\(try deleteProfile(storeID: stores[s], profileID: profile))")
            case .getProfile(let s, let profile):
                return .success("\(try getProfile(storeID: stores[s], profileID: profile))")
            case .listObservations(let s, let profile, let filter, let pageSize):
                return .success(
                    "\(try listObservations(storeID: stores[s], profileID: profile, filter: filter, pageSize: pageSize))"
                )
            case .lookup(let s, let type, let value):
                return .success("\(try lookupProfiles(storeID: stores[s], type: type, value: value))")
            case .listSummaries(let s, let profile):
                return .success("\(try listSummaries(storeID: stores[s], profileID: profile))")
            case .listCommunications(let s, let profile):
                return .success("\(try listCommunications(storeID: stores[s], profileID: profile))")
            }
        } catch {
            return .failure(error)
        }
    }
}
