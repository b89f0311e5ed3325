import EngramCore
import EngramTestSupport
import Testing

/// Views dropped on another thread while writes change the very maps they share.
///
/// A view shares every node of the engine's persistent maps. When its holder drops it on
/// another thread at the moment a write makes a shared node unique, the write must not touch
/// the node it replaced: swift-collections' in-place `TreeDictionary` modify did, a
/// use-after-free that AddressSanitizer (`scripts/sanitize`) reports within a few runs of
/// these tests on the unfixed engine. Without a sanitizer they check that such a run still
/// ends in exactly the state its journal replays to.
@Suite struct ViewReleaseTests {
    /// Random writes of every kind (resolves and merges, observes, trait updates, deletions)
    /// on one thread; views taken and dropped at once on the other.
    @Test(arguments: [5, 6] as [UInt64])
    func viewsDroppedOnAnotherThreadWhileEveryKindOfWriteGoesOn(seed: UInt64) throws {
        let live = makeEngine(shards: 2, window: 5)
        let engine = live.engine
        let stores = [try engine.makeStore("one"), try engine.makeStore("two")]
        for store in stores { try engine.putIdentitySettings(storeID: store, randomTestSettings) }
        let started = Locked(false)
        let finished = Locked(false)
        let viewsTaken = Locked(0)
        let inconsistent = Locked<[String]>([])
        onThreads([
            {
                while !started.value {}
                var source = OperationSource(seed: seed)
                for _ in 0..<2_500 { _ = engine.run(source.next(), stores: stores, source: &source) }
                finished.withLock { $0 = true }
            },
            {
                var taken = 0
                started.withLock { $0 = true }
                while !finished.value {
                    // Dropped at the end of each pass, on this thread, while the writer goes on.
                    let view = engine.view()
                    taken += 1
                    if taken % 64 == 0 {
                        // Now and then read it all, as a snapshot does.
                        let snapshot = view.snapshot()
                        let observations = snapshot.stores.reduce(0) {
                            $0 + $1.profiles.reduce(0) { $0 + $1.observations.count }
                        }
                        if observations != view.counts.observations {
                            inconsistent.withLock {
                                $0.append("view \(view.logPosition): \(observations) ≠ \(view.counts.observations)")
                            }
                        }
                    }
                }
                viewsTaken.withLock { $0 = taken }
            },
        ])
        #expect(viewsTaken.value > 100, "views were taken and dropped while the writes went on")
        #expect(inconsistent.value.isEmpty, "\(inconsistent.value.prefix(3))")

        let replayed = makeEngine(shards: 2, window: 5, ids: RandomIDGenerator())
        for (offset, command) in live.journal.commands.enumerated() {
            try replayed.engine.replay(command, logPosition: UInt64(offset + 1))
        }
        expectSameState(engine, replayed.engine)
    }

    /// The recall index's maps are written in place by every Observe and read by a Recall's
    /// copy of the profile; the copy is dropped on the reading thread.
    @Test func recallCopiesDroppedWhileTheSameProfileIsWritten() throws {
        let t = makeEngine(shards: 1)
        let engine = t.engine
        let store = try engine.makeStore()
        let id = try engine.makeProfile(store: store, email: "r@example.com")
        let started = Locked(false)
        let finished = Locked(false)
        let recalls = Locked(0)
        onThreads([
            {
                while !started.value {}
                for i in 0..<1_500 {
                    let subject = "topic.\(i % 7)"
                    _ = try? engine.observe(
                        storeID: store, profileID: id,
                        observations: [
                            observation("fact \(i) on theme \(i % 13) with word w\(i % 29)", subject: subject)
                        ])
                    if i % 10 == 9 {
                        let listed = try? engine.listObservations(
                            storeID: store, profileID: id, filter: ObservationFilter(), pageSize: 5, pageToken: nil)
                        if let first = listed?.observations.first {
                            _ = try? engine.deleteObservation(storeID: store, profileID: id, observationID: first.id)
                        }
                    }
                }
                finished.withLock { $0 = true }
            },
            {
                var count = 0
                started.withLock { $0 = true }
                while !finished.value {
                    _ = try? engine.recall(storeID: store, profileID: id, RecallOptions(query: "theme 3 word w7"))
                    count += 1
                }
                recalls.withLock { $0 = count }
            },
        ])
        #expect(recalls.value > 10)
        let found = try engine.recall(
            storeID: store, profileID: id, RecallOptions(query: "theme 3 word w7", observationsLimit: 100))
        let profile = try #require(engine.view().profile(in: store, id: id))
        let active = Set(profile.observations.filter { $0.observation.status == .active }.map(\.observation.id))
        #expect((1...7).contains(active.count), "at most one active fact per subject")
        #expect(!found.observations.isEmpty)
        #expect(
            found.observations.allSatisfy { active.contains($0.observation.id) }, "recall finds only live, active facts"
        )
    }
}
