import EngramCLI
import EngramClient
import EngramWire

extension LoadFixture {
    /// Creates the store (unless one is given) and the profiles the workload needs, each with
    /// `observations` seeded observations when the workload recalls. Concurrent, 64 calls at a time.
    static func prepare(
        client: EngramClient, workload: Workload, storeID: String?, profileCount: Int,
        observations: Int, recallLimit: UInt32, seed: UInt64
    ) async throws -> LoadFixture {
        let text = SyntheticText(seed: seed)
        var owns = false
        var store = storeID ?? ""
        if storeID == nil {
            let name = "load-\(seed)-\(UInt32.random(in: 0...UInt32.max))"
            store =
                try await client.createStore(
                    .with {
                        $0.displayName = name
                        $0.description = "engram-load"
                    }
                ).store?.id ?? ""
            owns = true
        }
        var fixture = LoadFixture(
            storeID: store, profiles: [], text: text, seed: seed, recallLimit: recallLimit, ownsStore: owns)
        guard workload.needsProfiles else { return fixture }
        let withObservations = workload.needsObservations ? observations : 0
        let storeCopy = store
        var profiles = [(id: String, email: String)?](repeating: nil, count: profileCount)
        try await withThrowingTaskGroup(of: (Int, String, String).self) { group in
            var next = 0
            func add() {
                let i = next
                next += 1
                group.addTask {
                    let email = "customer-\(seed)-\(i)@load.example"
                    let id =
                        try await client.resolveIdentity(
                            .with {
                                $0.storeId = storeCopy
                                $0.identifiers = [Wire.Identifier(type: "email", value: email)]
                            }
                        ).profile?.id ?? ""
                    var rng = SplitMix64(seed: seed &+ UInt64(i) &* 7919)
                    var done = 0
                    while done < withObservations {
                        let n = min(100, withObservations - done)  // Observe takes at most 100 items
                        let base = Int64(1_700_000_000_000_000) + Int64(i) * 1_000_000
                        let batch = (0..<n).map { k in
                            Wire.NewObservation.with {
                                $0.content = text.sentence(using: &rng)
                                $0.source = "seed"
                                $0.occurredAtUs = base + Int64(done + k) * 60_000_000
                            }
                        }
                        _ = try await client.observe(
                            .with {
                                $0.storeId = storeCopy
                                $0.profileId = id
                                $0.observations = batch
                            })
                        done += n
                    }
                    return (i, id, email)
                }
            }
            for _ in 0..<min(64, profileCount) { add() }
            for try await (i, id, email) in group {
                profiles[i] = (id, email)
                if next < profileCount { add() }
            }
        }
        fixture.profiles = profiles.map { $0! }
        return fixture
    }

    /// Deletes the store if the run created it.
    func cleanUp(client: EngramClient) async {
        guard ownsStore else { return }
        _ = try? await client.deleteStore(.with { $0.storeId = storeID })
    }
}
