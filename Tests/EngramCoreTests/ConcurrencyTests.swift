import Dispatch
import EngramTestSupport
import Testing

@testable import EngramCore

@Suite struct ConcurrencyTests {
    /// Union-find over identifier values.
    struct Components {
        var parent: [String: String] = [:]

        mutating func find(_ x: String) -> String {
            let p = parent[x] ?? x
            if p == x { return x }
            let root = find(p)
            parent[x] = root
            return root
        }

        mutating func union(_ values: [String]) {
            for value in values.dropFirst() { parent[find(value)] = find(values[0]) }
            if let first = values.first { parent[first] = find(first) }
        }
    }

    @Test func racingResolvesNeverDuplicateOrShareIdentifiers() async throws {
        let t = makeEngine(shards: 16, ids: RandomIDGenerator())
        let engine = t.engine
        let store = try engine.makeStore()
        try engine.putIdentitySettings(
            storeID: store,
            IdentitySettings(types: [IdentifierTypeSettings(name: "email", normalization: .email, limit: 100)]))
        let calls = Locked<[[String]]>([])
        let added = Locked(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<12 {
                group.addTask {
                    var rng = SeededGenerator(seed: UInt64(task) + 1)
                    for i in 0..<150 {
                        let values = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                            "e\(Int.random(in: 0..<40, using: &rng))@x.io"
                        }
                        let result = try engine.resolveIdentity(storeID: store, identifiers: values.map(email))
                        calls.withLock { $0.append(values) }
                        // Writes to a profile that may be merged away at the same moment must survive.
                        let observed = try engine.observe(
                            storeID: store, profileID: result.profileID,
                            observations: [observation("observation from task \(task) number \(i)")])
                        added.withLock { $0 += observed.observations.filter { $0.kind == .added }.count }
                    }
                }
            }
            try await group.waitForAll()
        }

        var components = Components()
        for values in calls.withLock({ $0 }) { components.union(values) }
        var expected: [String: Set<String>] = [:]
        for value in components.parent.keys { expected[components.find(value), default: []].insert(value) }

        let snapshot = engine.view().snapshot()
        let profiles = snapshot.stores[0].profiles
        let actual = Set(profiles.map { Set($0.identifiers.map(\.value)) })
        #expect(actual == Set(expected.values), "one profile per connected set of identifiers, no duplicates")
        var owner: [String: String] = [:]
        for profile in profiles {
            for identifier in profile.identifiers {
                #expect(
                    owner.updateValue(profile.id, forKey: identifier.value) == nil,
                    "\(identifier.value) is on two profiles")
                #expect(
                    try engine.lookupProfiles(storeID: store, type: "email", value: identifier.value).profileIDs == [
                        profile.id
                    ])
            }
        }
        #expect(profiles.reduce(0) { $0 + $1.observations.count } == added.withLock { $0 })
        #expect(engine.counts().observations == added.withLock { $0 })
        #expect(added.withLock { $0 } == 12 * 150)
    }

    @Test func racingResolvesRespectUniqueLimits() async throws {
        let t = makeEngine(shards: 16, ids: RandomIDGenerator())
        let engine = t.engine
        let store = try engine.makeStore()
        try engine.putIdentitySettings(storeID: store, randomTestSettings)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var source = OperationSource(seed: 500 + UInt64(task))
                    for _ in 0..<200 {
                        let identifiers = (0..<Int.random(in: 1...3, using: &source.rng)).map { _ in source.identifier()
                        }
                        _ = try? engine.resolveIdentity(storeID: store, identifiers: identifiers)
                    }
                }
            }
            try await group.waitForAll()
        }
        let profiles = engine.view().snapshot().stores[0].profiles
        var owners: [String: [String]] = [:]
        for profile in profiles {
            let userIDs = profile.identifiers.filter { $0.type == "user_id" }
            #expect(userIDs.count <= 1, "user_id limit 1")
            #expect(profile.identifiers.filter { $0.type == "email" }.count <= 3)
            for identifier in profile.identifiers where identifier.type != "phone" {
                owners[identifier.type + ":" + identifier.value, default: []].append(profile.id)
            }
        }
        #expect(owners.values.allSatisfy { $0.count == 1 }, "unique identifiers are never shared")
    }

    @Test func differentProfilesDoNotShareALock() throws {
        let t = makeEngine(shards: 64)
        let store = try t.engine.makeStore()
        let ids = try (0..<200).map { try t.engine.makeProfile(store: store, email: "p\($0)@x.io") }
        let shards = Set(ids.map { t.engine.shardIndex(store: store, profile: $0) })
        #expect(shards.count > 48, "profiles spread over the shards")
        #expect(EngineConfiguration().shardCount == 4 * EngineClock.coreCount)
    }
}

/// A view's log position must cover exactly the commands it holds: a snapshot is tagged with
/// it and recovery replays only what follows, so a command counted but missing is lost.
@Suite struct ViewPositionTests {
    @Test func aViewHoldsEveryCommandUpToItsPosition() throws {
        // Many shards: a view unlocks them one by one, which leaves a writer time to finish
        // a call in between if the position were read after the unlocking.
        let t = makeEngine(shards: 256, ids: RandomIDGenerator())
        let engine = t.engine
        let store = try engine.makeStore()
        let profiles = try (0..<64).map { try engine.makeProfile(store: store, email: "v\($0)@example.com") }
        // Every command from here on is an Observe of one new observation.
        let base = t.journal.commands.count
        let finished = Locked(false)
        let checked = Locked(0)
        let mismatches = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            if worker == 0 {
                // At least 4,000 writes, and on until the viewer has checked a few views (on a
                // busy machine it may start late).
                var i = 0
                while i < 4_000 || checked.withLock({ $0 }) < 20 {
                    _ = try? engine.observe(
                        storeID: store, profileID: profiles[i % profiles.count],
                        observations: [observation("fact number \(i) about topic \(i * 7919 % 1000)")])
                    i += 1
                }
                finished.withLock { $0 = true }
            } else {
                while !finished.withLock({ $0 }) {
                    let view = engine.view()
                    let covered = Int(view.logPosition) - base
                    checked.withLock { $0 += 1 }
                    if view.counts.observations != covered {
                        mismatches.withLock {
                            $0.append(
                                "position \(view.logPosition): \(covered) Observe calls, \(view.counts.observations) observations"
                            )
                        }
                    }
                }
            }
        }
        #expect(mismatches.withLock { $0 }.isEmpty, "\(mismatches.withLock { $0.prefix(3) })")
        #expect(checked.withLock { $0 } > 10, "views were taken while writes went on")
    }
}
