import EngramRecall
import EngramTestSupport
import Synchronization
import Testing

@Suite struct PersistentMapTests {
    struct Payload: Sendable, Equatable {
        var items: PersistentMap<Int, [Int]> = [:]
        var count = 0
    }

    @Test func modifyChangesPresentValuesAndLeavesAbsentOnesAbsent() {
        var map: PersistentMap<String, Payload> = ["a": Payload()]
        map["a"]?.count += 2
        map["a"]?.items[7] = [7]
        map["missing"]?.count += 1
        #expect(map["a"] == Payload(items: [7: [7]], count: 2))
        #expect(map["missing"] == nil)
        #expect(map.count == 1)

        map["b", default: Payload()].count += 5
        #expect(map["b"]?.count == 5)

        func clear(_ value: inout Payload?) { value = nil }
        clear(&map["a"])
        #expect(map["a"] == nil, "setting the yielded value to nil removes the key")
        func fill(_ value: inout Payload?) { value = Payload(count: 9) }
        fill(&map["c"])
        #expect(map["c"]?.count == 9, "setting the yielded nil to a value inserts it")
        #expect(Set(map.keys) == ["b", "c"])
    }

    @Test func modifyValueChangesInPlaceOrReportsAbsence() {
        var map: PersistentMap<String, Payload> = ["a": Payload()]
        let copy = map
        #expect(
            map.modifyValue(forKey: "a") {
                $0.count += 3
                return $0.count
            } == 3)
        #expect(map.modifyValue(forKey: "missing") { $0.count += 1 } == nil)
        #expect(map["missing"] == nil, "an absent key is not inserted")
        #expect(
            map.modifyValue(forKey: "new", default: Payload(count: 10)) {
                $0.count += 1
                return $0.count
            } == 11)
        #expect(map["a"]?.count == 3 && map["new"]?.count == 11 && map.count == 2)
        #expect(copy["a"]?.count == 0 && copy.count == 1, "the copy is untouched")
    }

    @Test func aCopyKeepsItsValuesWhateverTheOriginalDoes() {
        var map: PersistentMap<Int, Payload> = [:]
        for i in 0..<200 { map[i] = Payload(items: [i: [i]], count: i) }
        let copy = map
        for i in 0..<200 where i % 3 == 0 {
            map[i]?.count += 1
            map.modifyValue(forKey: i) { $0.items[i]?.append(-1) }
        }
        map.removeValue(forKey: 1)
        #expect(copy.count == 200)
        #expect(copy.allSatisfy { $0.value == Payload(items: [$0.key: [$0.key]], count: $0.key) })
        #expect(map[3] == Payload(items: [3: [3, -1]], count: 4))
        #expect(map[1] == nil && map.count == 199)
    }

    /// The shape of the use-after-free: a writer changes nested maps in place under a lock, a
    /// reader copies the whole value under the lock and drops the copy outside it. Under
    /// AddressSanitizer, `TreeDictionary`'s own in-place modify fails this in most runs.
    @Test func nestedWritesWhileCopiesAreDroppedOnAnotherThread() {
        typealias State = PersistentMap<Int, PersistentMap<Int, Payload>>
        var initial: State = [:]
        for s in 0..<4 { for p in 0..<64 { initial[s, default: [:]][p] = Payload() } }
        let state = Mutex(initial)
        let started = Locked(false)
        let finished = Locked(false)
        let rounds = 60_000
        onThreads([
            {
                while !started.value {}
                for i in 0..<rounds {
                    state.withLock { s in
                        if i % 2 == 0 {
                            s[i % 4]?[i % 64]?.items[i] = [i]
                            s[i % 4]?[i % 64]?.count += 1
                        } else {
                            s.modifyValue(forKey: i % 4) { profiles in
                                profiles.modifyValue(forKey: i % 64) { p in
                                    p.items[i] = [i]
                                    p.count += 1
                                }
                            }
                        }
                    }
                }
                finished.withLock { $0 = true }
            },
            {
                started.withLock { $0 = true }
                while !finished.value {
                    let copy = state.withLock { $0 }
                    _ = copy.count  // the copy is dropped here, outside the lock
                }
            },
        ])
        let end = state.withLock { $0 }
        let total = end.reduce(0) { $0 + $1.value.reduce(0) { $0 + $1.value.count } }
        let items = end.reduce(0) { $0 + $1.value.reduce(0) { $0 + $1.value.items.count } }
        #expect(total == rounds)
        #expect(items == rounds)
        #expect(end[0]?[0]?.items[0] == [0])
    }
}
