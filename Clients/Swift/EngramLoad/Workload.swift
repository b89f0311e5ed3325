import EngramCLI
import EngramClient
import EngramWire
import Foundation

/// What one load request does.
public enum LoadOperation: String, Sendable, CaseIterable, Hashable {
    case ping
    /// ResolveIdentity with a new email each time (CREATED).
    case resolveNew = "resolve-new"
    /// ResolveIdentity with the email of a seeded profile (MATCHED).
    case resolveExisting = "resolve-existing"
    /// Observe one new observation against a seeded profile.
    case observe
    /// Recall with a synthetic query against a seeded profile.
    case recall

    /// Whether the workload needs seeded profiles, and whether they need observations.
    var needsProfiles: Bool { self != .ping && self != .resolveNew }
    var needsObservations: Bool { self == .recall }
}

/// A workload: one operation, or a weighted mix of them.
public struct Workload: Sendable, Hashable, CustomStringConvertible {
    /// Operations with their integer weights.
    public var weights: [(operation: LoadOperation, weight: Int)]

    public static func == (a: Self, b: Self) -> Bool { a.description == b.description }
    public func hash(into h: inout Hasher) { h.combine(description) }

    public init(_ operation: LoadOperation) { weights = [(operation, 1)] }
    public init(weights: [(operation: LoadOperation, weight: Int)]) { self.weights = weights }

    /// The default mix: 80% recall, 15% observe, 5% resolve of an existing profile.
    public static let defaultMix = Workload(weights: [(.recall, 80), (.observe, 15), (.resolveExisting, 5)])

    /// Parses a workload name, or a mix like `recall=80,observe=15,resolve=5` for `mix`.
    public static func parse(_ name: String, mix: String?) throws(CLIError) -> Workload {
        if name == "mix" {
            guard let mix else { return defaultMix }
            var weights: [(LoadOperation, Int)] = []
            for part in mix.split(separator: ",") {
                let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2, let w = Int(kv[1]), w > 0 else {
                    throw .usage("--mix '\(mix)': expected OPERATION=WEIGHT,..., e.g. recall=80,observe=15,resolve=5")
                }
                guard let op = LoadOperation(rawValue: kv[0] == "resolve" ? "resolve-existing" : kv[0]) else {
                    throw .usage(
                        "--mix: unknown operation '\(kv[0])' (expected \(LoadOperation.allCases.map(\.rawValue).joined(separator: ", ")), or resolve)"
                    )
                }
                weights.append((op, w))
            }
            guard !weights.isEmpty else { throw .usage("--mix '\(mix)' names no operation") }
            return Workload(weights: weights)
        }
        if mix != nil { throw .usage("--mix goes with the mix workload") }
        guard let op = LoadOperation(rawValue: name == "resolve" ? "resolve-existing" : name) else {
            throw .usage(
                "unknown workload '\(name)': expected ping, resolve-new, resolve-existing, observe, recall or mix")
        }
        return Workload(op)
    }

    public var description: String {
        weights.count == 1
            ? weights[0].operation.rawValue
            : weights.map { "\($0.operation.rawValue)=\($0.weight)" }.joined(separator: ",")
    }

    var needsProfiles: Bool { weights.contains { $0.operation.needsProfiles } }
    var needsObservations: Bool { weights.contains { $0.operation.needsObservations } }

    /// Picks an operation by weight.
    public func pick(using rng: inout SplitMix64) -> LoadOperation {
        if weights.count == 1 { return weights[0].operation }
        let total = weights.reduce(0) { $0 + $1.weight }
        var x = Int.random(in: 0..<total, using: &rng)
        for (op, w) in weights {
            if x < w { return op }
            x -= w
        }
        return weights[weights.count - 1].operation
    }
}

/// The data a run works against: a store and its seeded profiles.
public struct LoadFixture: Sendable {
    public var storeID: String
    /// Profile ids and the email each was created with, in creation order.
    public var profiles: [(id: String, email: String)]
    public var text: SyntheticText
    public var seed: UInt64
    public var recallLimit: UInt32
    /// Whether the run created the store (and so should delete it).
    public var ownsStore: Bool

    /// One request of `operation`, made by worker `worker` as its `n`th.
    func perform(_ operation: LoadOperation, client: EngramClient, worker: Int, n: Int, rng: inout SplitMix64)
        async throws
    {
        switch operation {
        case .ping:
            _ = try await client.ping()
        case .resolveNew:
            let email = "new-\(seed)-\(worker)-\(n)@load.example"
            _ = try await client.resolveIdentity(
                .with {
                    $0.storeId = storeID
                    $0.identifiers = [Wire.Identifier(type: "email", value: email)]
                })
        case .resolveExisting:
            let p = profiles[Int.random(in: 0..<profiles.count, using: &rng)]
            _ = try await client.resolveIdentity(
                .with {
                    $0.storeId = storeID
                    $0.identifiers = [Wire.Identifier(type: "email", value: p.email)]
                })
        case .observe:
            let p = profiles[Int.random(in: 0..<profiles.count, using: &rng)]
            let content = text.sentence(using: &rng)
            _ = try await client.observe(
                .with {
                    $0.storeId = storeID
                    $0.profileId = p.id
                    $0.observations = [
                        .with {
                            $0.content = content
                            $0.source = "load"
                            $0.occurredAtUs = Self.nowUs()
                        }
                    ]
                })
        case .recall:
            let p = profiles[Int.random(in: 0..<profiles.count, using: &rng)]
            let query = text.query(using: &rng)
            _ = try await client.recall(
                .with {
                    $0.storeId = storeID
                    $0.profileId = p.id
                    $0.query = query
                    $0.observationsLimit = recallLimit
                })
        }
    }

    static func nowUs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1e6) }
}
