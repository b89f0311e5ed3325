import EngramCore
import EngramTestSupport
import Testing

@Suite struct RecallConcurrencyTests {
    /// Queries run on a copy of the profile with no lock held while writers change it: each
    /// answer is a consistent cut (every returned fact was live in it), never a torn one.
    @Test func recallsDuringWritesSeeWholeStates() async throws {
        let t = makeEngine()
        let engine = t.engine
        let store = try engine.makeStore()
        let id = try engine.makeProfile(store: store, email: "a@example.com")
        let written = Locked<Set<String>>([])
        let seen = Locked<Set<String>>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for round in 0..<40 {
                    let facts = (0..<10).map {
                        observation(
                            "writer fact \(round)x\($0) about sailing boats \($0 % 3)", at: Int64(round * 10 + $0))
                    }
                    let ids = try engine.observe(storeID: store, profileID: id, observations: facts).observations.map(
                        \.observationID)
                    written.withLock { $0.formUnion(ids) }
                    if round % 4 == 3, let gone = ids.first {
                        _ = try engine.deleteObservation(storeID: store, profileID: id, observationID: gone)
                    }
                }
            }
            for _ in 0..<2 {
                group.addTask {
                    var previousCount = 0
                    for _ in 0..<60 {
                        let result = try engine.recall(
                            storeID: store, profileID: id,
                            RecallOptions(query: "sailing boats", observationsLimit: 100, explain: true))
                        seen.withLock { $0.formUnion(result.observations.map(\.observation.id)) }
                        #expect(result.observations.allSatisfy { ($0.score ?? -1) >= 0 && ($0.score ?? 2) <= 1 })
                        #expect(Set(result.observations.map(\.observation.id)).count == result.observations.count)
                        // Facts only accumulate, but for one deletion per 40: never a big drop.
                        #expect(result.observations.count + 11 >= previousCount || result.observations.count == 100)
                        previousCount = result.observations.count
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(seen.value.isSubset(of: written.value), "only facts that were written")
        let final = try engine.recall(storeID: store, profileID: id, RecallOptions(observationsLimit: 100))
        #expect(final.observations.count == 100)
    }
}
