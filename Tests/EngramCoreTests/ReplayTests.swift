import EngramTestSupport
import Testing

@testable import EngramCore

/// Compares two engines' complete state: the public snapshot and every internal index,
/// once the indexes a restore left for later are built.
func expectSameState(_ a: Engine, _ b: Engine, sourceLocation: SourceLocation = #_sourceLocation) {
    _ = a.buildPendingIndexes()
    _ = b.buildPendingIndexes()
    #expect(a.unindexedProfileCount() == 0 && b.unindexedProfileCount() == 0, sourceLocation: sourceLocation)
    let left = a.view()
    let right = b.view()
    #expect(left.snapshot() == right.snapshot(), sourceLocation: sourceLocation)
    #expect(
        left.shards == right.shards, "shard states (with fingerprints, subject maps, counters)",
        sourceLocation: sourceLocation)
    #expect(a.identityIndex() == b.identityIndex(), "identifier owners and aliases", sourceLocation: sourceLocation)
}

extension Engine {
    /// Every store's identifier owners and aliases, for comparisons.
    func identityIndex() -> [String: String] {
        var result: [String: String] = [:]
        for store in listStores() {
            let identity = identity(of: store.id)!
            result[store.id] = identity.state.withLock { state in
                let owners = state.owners.map { "\($0.key.type)=\($0.key.value):\($0.value)" }.sorted()
                let aliases = state.aliases.map { "\($0.key)->\($0.value)" }.sorted()
                return "\(owners) \(aliases) \(state.settings)"
            }
        }
        return result
    }
}

@Suite struct ReplayTests {
    func randomWorkload(seed: UInt64, steps: Int, engine: Engine) throws -> [String] {
        let stores = [try engine.makeStore("one"), try engine.makeStore("two")]
        for store in stores { try engine.putIdentitySettings(storeID: store, randomTestSettings) }
        var source = OperationSource(seed: seed)
        for step in 0..<steps {
            _ = engine.run(source.next(), stores: stores, source: &source)
            if step == steps / 2 { _ = try engine.updateStore(stores[1], description: "halfway") }
        }
        return stores
    }

    @Test(arguments: [1, 2, 3, 42] as [UInt64])
    func replayingTheJournalRebuildsTheSameState(seed: UInt64) throws {
        let live = makeEngine(window: 5)
        let stores = try randomWorkload(seed: seed, steps: 600, engine: live.engine)
        _ = try live.engine.deleteStore(stores[1])
        try runConversationScenario(live.engine) { live.clock.advance(by: $0) }
        let commands = live.journal.commands
        #expect(commands.count > 100)

        let replayed = makeEngine(window: 5, ids: RandomIDGenerator())
        for (offset, command) in commands.enumerated() {
            try replayed.engine.replay(command, logPosition: UInt64(offset + 1))
        }
        #expect(replayed.journal.commands.isEmpty, "replay never journals")
        expectSameState(live.engine, replayed.engine)
        #expect(replayed.engine.view().logPosition == UInt64(commands.count))
        #expect(live.engine.view().logPosition == UInt64(commands.count))
    }

    @Test func onlySuccessfulCommandsAreJournaled() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        let before = t.journal.commands.count
        _ = try? t.engine.observe(storeID: store, profileID: "pr_nobody", observations: [observation("x")])
        _ = try? t.engine.resolveIdentity(storeID: store, identifiers: [email("bad")])
        _ = try? t.engine.updateTraits(
            storeID: store, profileID: id, (0..<51).map { TraitUpdate(group: "g\($0)", name: "n", value: .bool(true)) })
        _ = try? t.engine.deleteObservation(storeID: store, profileID: id, observationID: "ob_nothing")
        #expect(t.journal.commands.count == before)
        let result = try t.engine.observe(storeID: store, profileID: id, observations: [observation("x")])
        #expect(result.logPosition == UInt64(before + 1))
        guard case .observe(let logged) = t.journal.commands.last else {
            Issue.record("observe was not journaled")
            return
        }
        #expect(logged.observations.map(\.id) == result.observations.map(\.observationID), "ids travel in the command")
    }

    @Test func restoringASnapshotGivesTheSameState() throws {
        let live = makeEngine(window: 5)
        _ = try randomWorkload(seed: 7, steps: 400, engine: live.engine)
        let snapshot = live.engine.view().snapshot()
        let restored = Engine(
            restoring: snapshot,
            configuration: EngineConfiguration(
                shardCount: 4, communicationsWindow: 5, idGenerator: SequentialIDGenerator(start: 1_000_000)))
        expectSameState(live.engine, restored)
        #expect(restored.view().logPosition == snapshot.logPosition)
        #expect(restored.counts() == live.engine.counts())
    }

    @Test func aRestoredProfileIsIndexedWhenFirstNeeded() throws {
        let live = makeEngine()
        let store = try live.engine.makeStore()
        let ids = try (0..<3).map { try live.engine.makeProfile(store: store, email: "p\($0)@example.com") }
        var first: [String] = []
        for id in ids {
            let facts = ["prefers email over phone calls", "lives in Lisbon near the river", "has a premium plan"]
            first.append(
                try live.engine.observe(storeID: store, profileID: id, observations: facts.map { observation($0) })
                    .observations[0].observationID)
        }
        let snapshot = live.engine.view().snapshot()
        // The same later writes, live and replayed onto the restored engine.
        let duplicate = try live.engine.observe(
            storeID: store, profileID: ids[0], observations: [observation("Prefers email over phone calls.")])
        #expect(duplicate.observations[0].kind == .duplicate && duplicate.observations[0].observationID == first[0])
        _ = try live.engine.deleteObservation(storeID: store, profileID: ids[1], observationID: first[1])
        let restored = Engine(
            restoring: snapshot,
            configuration: EngineConfiguration(shardCount: 4, idGenerator: SequentialIDGenerator(start: 1_000_000)))
        #expect(restored.unindexedProfileCount() == 3)
        for (offset, command) in live.journal.commands.enumerated() where UInt64(offset + 1) > snapshot.logPosition {
            try restored.replay(command, logPosition: UInt64(offset + 1))
        }
        #expect(restored.unindexedProfileCount() == 2, "an Observe needs the duplicate index; a deletion needs none")
        #expect(restored.buildPendingIndexes() == 2)
        #expect(restored.buildPendingIndexes() == 0)
        expectSameState(live.engine, restored)
        let other = Engine(restoring: snapshot)
        let again = try other.observe(
            storeID: store, profileID: ids[2], observations: [observation("has a premium plan")])
        #expect(again.observations[0].kind == .duplicate, "a restored profile finds duplicates")
        #expect(other.unindexedProfileCount() == 2)
    }

    @Test func indexesBuiltFromACopyAreDroppedIfAWriteCameInBetween() throws {
        let live = makeEngine()
        let store = try live.engine.makeStore()
        let id = try live.engine.makeProfile(store: store, email: "a@example.com")
        let added = try live.engine.observe(
            storeID: store, profileID: id,
            observations: [observation("owns a red kayak"), observation("likes green tea")])
        let restored = Engine(restoring: live.engine.view().snapshot())
        var copy = try restored.readProfile(store: store, profile: id)
        #expect(!copy.isIndexed)
        // A write that needs no index leaves the profile unindexed, and the copy stale.
        _ = try restored.deleteObservation(
            storeID: store, profileID: id, observationID: added.observations[0].observationID)
        let shard = restored.shard(store: store, profile: id)
        #expect(!restored.install(building: &copy, store: store, in: shard), "built before the deletion: not kept")
        #expect(restored.unindexedProfileCount() == 1)
        let found = try restored.recall(storeID: store, profileID: id, RecallOptions(query: "kayak tea"))
        #expect(found.observations.map(\.observation.content) == ["likes green tea"])
        #expect(restored.unindexedProfileCount() == 0, "the recall's build was kept")
    }

    @Test func aViewTakenDuringWritesPlusTheLaterLogEqualsTheEnd() async throws {
        let live = makeEngine(shards: 8, window: 5)
        let stores = try randomWorkload(seed: 11, steps: 200, engine: live.engine)
        let engine = live.engine
        let views = try await withThrowingTaskGroup(of: [EngineView].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var source = OperationSource(seed: 100 + UInt64(worker))
                    for _ in 0..<400 { _ = engine.run(source.next(), stores: stores, source: &source) }
                    return []
                }
            }
            group.addTask {
                var taken: [EngineView] = []
                for _ in 0..<20 {
                    taken.append(engine.view())
                    await Task.yield()
                }
                return taken
            }
            var all: [EngineView] = []
            for try await batch in group { all += batch }
            return all
        }
        let commands = live.journal.commands
        #expect(views.count == 20)
        for view in [views[0], views[views.count / 2], views[views.count - 1]] {
            let restored = Engine(
                restoring: view.snapshot(), configuration: EngineConfiguration(shardCount: 8, communicationsWindow: 5))
            for (offset, command) in commands.enumerated() where UInt64(offset + 1) > view.logPosition {
                try restored.replay(command, logPosition: UInt64(offset + 1))
            }
            expectSameState(engine, restored)
        }
    }

    @Test func viewsAreIsolatedFromLaterWrites() throws {
        let t = makeEngine()
        let store = try t.engine.makeStore()
        let id = try t.engine.makeProfile(store: store, email: "a@example.com")
        _ = try t.engine.observe(storeID: store, profileID: id, observations: [observation("first")])
        let view = t.engine.view()
        _ = try t.engine.observe(storeID: store, profileID: id, observations: [observation("second")])
        _ = try t.engine.deleteProfile(storeID: store, profileID: id)
        #expect(view.profile(in: store, id: id)?.observations.map(\.observation.content) == ["first"])
        #expect(view.counts == EngineCounts(stores: 1, profiles: 1, observations: 1))
        #expect(t.engine.counts() == EngineCounts(stores: 1, profiles: 0, observations: 0))
    }
}
