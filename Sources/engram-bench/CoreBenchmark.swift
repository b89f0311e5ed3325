// `engram-bench core`: in-process throughput of the memory engine, and memory per observation.
// Data set: one store, 10,000 profiles × 100 observations. Each figure runs for a fixed time
// on 1, 2 and 4 threads; the machine's core count bounds the scaling.

import EngramCore
import Foundation
import Synchronization

/// A journal that only numbers commands, standing in for the write-ahead log's cheap append.
private final class CountingJournal: CommandJournal {
    private let counter = Atomic<UInt64>(0)

    func append(_ command: Command) -> UInt64 {
        counter.wrappingAdd(1, ordering: .relaxed).newValue
    }
}

private let syllables = [
    "ka", "lo", "mi", "ren", "to", "sa", "vel", "do", "ri", "pan", "es", "qu", "ber", "ni", "os", "tal",
]

/// About 70 characters of pseudo-words: distinct facts, so almost every one is ADDED.
private func fact(_ rng: inout BenchRandom) -> String {
    (0..<10).map { _ in
        (0..<Int.random(in: 1...3, using: &rng)).map { _ in syllables.randomElement(using: &rng)! }.joined()
    }.joined(separator: " ")
}

private func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// Resident set size in bytes, from /proc/self/statm.
private func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Runs `body(thread)` on `count` threads at once and waits for all.
private func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            body(index)
            group.leave()
        }
        thread.stackSize = 1 << 22
        thread.start()
    }
    group.wait()
}

/// Calls `operation` on `threads` threads for `seconds`; returns calls per second.
private func throughput(
    threads: Int, seconds: Double, _ operation: @escaping @Sendable (inout BenchRandom) -> Void
) -> Double {
    let total = Atomic<Int>(0)
    let start = monotonicSeconds()
    let deadline = start + seconds
    onThreads(threads) { index in
        var rng = BenchRandom(state: 0xC0FFEE &+ UInt64(index) &* 7919)
        var calls = 0
        repeat {
            for _ in 0..<32 { operation(&rng) }
            calls += 32
        } while monotonicSeconds() < deadline
        total.wrappingAdd(calls, ordering: .relaxed)
    }
    return Double(total.load(ordering: .relaxed)) / (monotonicSeconds() - start)
}

private func format(_ value: Double) -> String {
    String(format: "%10.0f", value)
}

func runCoreBenchmark() {
    let profiles = 10_000
    let perProfile = 100
    let seconds = 3.0
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let engine = Engine(configuration: EngineConfiguration(), journal: CountingJournal())
    print(
        "engram-bench core: \(profiles) profiles × \(perProfile) observations, \(cores) cores, \(engine.configuration.shardCount) shards"
    )

    do {
        let store = try engine.createStore(displayName: "bench").store.id
        let rssStart = residentBytes()
        var ids: [String] = []
        ids.reserveCapacity(profiles)
        var t0 = monotonicSeconds()
        for p in 0..<profiles {
            let phone = String(format: "+1415%07d", p)
            ids.append(
                try engine.resolveIdentity(
                    storeID: store,
                    identifiers: [
                        IdentifierInput(type: "email", value: "customer\(p)@example.com"),
                        IdentifierInput(type: "phone", value: phone),
                    ],
                    traits: [
                        TraitUpdate(group: "Account", name: "tier", value: .string(p % 3 == 0 ? "gold" : "silver"))
                    ]
                ).profileID)
        }
        print(
            String(format: "setup: %d profiles created by ResolveIdentity in %.2f s", profiles, monotonicSeconds() - t0)
        )
        let profileIDs = ids

        // Fill: 100 observations per profile, 10 per Observe call, on 4 threads.
        let rssBeforeFill = residentBytes()
        t0 = monotonicSeconds()
        onThreads(4) { thread in
            var rng = BenchRandom(state: UInt64(thread) + 1)
            for p in stride(from: thread, to: profiles, by: 4) {
                for batch in 0..<(perProfile / 10) {
                    let items = (0..<10).map { i in
                        ObservationInput(
                            content: fact(&rng), source: "voice-agent",
                            occurredAt: Int64(1_700_000_000_000_000 + batch * 10 + i),
                            conversationIDs: ["conv-\(p)-\(batch)"])
                    }
                    _ = try? engine.observe(storeID: store, profileID: profileIDs[p], observations: items)
                }
            }
        }
        let fillSeconds = monotonicSeconds() - t0
        let counts = engine.counts()
        let rssAfterFill = residentBytes()
        print(
            String(
                format: "fill: %d observations in %.2f s on 4 threads (%.0f observations/s, 10 per call)",
                counts.observations, fillSeconds, Double(counts.observations) / fillSeconds))
        print(
            String(
                format:
                    "memory: RSS %.1f MiB → %.1f MiB; %.0f bytes per observation (≈70-char content, 1 conversation id, no embedding)",
                Double(rssBeforeFill) / 1_048_576, Double(rssAfterFill) / 1_048_576,
                Double(rssAfterFill - rssBeforeFill) / Double(max(1, counts.observations))))
        print(
            String(
                format: "memory: %.1f MiB for the %d profiles before any observation",
                Double(rssBeforeFill - rssStart) / 1_048_576, profiles))

        do {
            // Scoped: while a view lives, the first write to each shared path copies it.
            t0 = monotonicSeconds()
            let view = engine.view()
            let viewMicros = (monotonicSeconds() - t0) * 1e6
            print(
                String(
                    format: "view(): consistent cut of %d observations in %.0f µs", view.counts.observations, viewMicros
                ))
        }
        // Facts drawn ahead, so the timed loops measure the engine rather than string building.
        var poolRandom = BenchRandom(state: 99)
        let pool = (0..<50_000).map { _ in fact(&poolRandom) }

        print("")
        func printRow(_ label: String, _ row: [String]) {
            print(label.padding(toLength: 26, withPad: " ", startingAt: 0) + row.joined(separator: "  "))
        }
        printRow("calls per second", ["  1 thread", " 2 threads", " 4 threads"])
        var row: [String] = []
        for threads in [1, 2, 4] {
            row.append(
                format(
                    throughput(threads: threads, seconds: seconds) { rng in
                        let p = Int.random(in: 0..<profiles, using: &rng)
                        _ = try? engine.observe(
                            storeID: store, profileID: profileIDs[p],
                            observations: [
                                ObservationInput(
                                    content: pool[Int.random(in: 0..<pool.count, using: &rng)], source: "chat-agent",
                                    occurredAt: 1_800_000_000_000_000)
                            ])
                    }))
        }
        printRow("Observe (1 new fact)", row)
        row = []
        for threads in [1, 2, 4] {
            row.append(
                format(
                    throughput(threads: threads, seconds: seconds) { rng in
                        let p = Int.random(in: 0..<profiles, using: &rng)
                        _ = try? engine.resolveIdentity(
                            storeID: store,
                            identifiers: [
                                IdentifierInput(type: "email", value: "Customer\(p)@Example.com"),
                                IdentifierInput(
                                    type: "phone", value: String(format: "(415) %03d-%04d", p / 10_000, p % 10_000)),
                            ])
                    }))
        }
        printRow("Resolve (match, 1 store)", row)

        // ResolveIdentity serialises per store; with the load spread over 4 stores it scales.
        let stores = try (0..<4).map { s in try engine.createStore(displayName: "spread-\(s)").store.id }
        for s in stores {
            for p in 0..<1_000 {
                _ = try engine.resolveIdentity(
                    storeID: s, identifiers: [IdentifierInput(type: "email", value: "c\(p)@example.com")])
            }
        }
        row = []
        for threads in [1, 2, 4] {
            row.append(
                format(
                    throughput(threads: threads, seconds: seconds) { rng in
                        let s = Int.random(in: 0..<4, using: &rng)
                        let p = Int.random(in: 0..<1_000, using: &rng)
                        _ = try? engine.resolveIdentity(
                            storeID: stores[s],
                            identifiers: [IdentifierInput(type: "email", value: "c\(p)@example.com")])
                    }))
        }
        printRow("Resolve (match, 4 stores)", row)
        let final = engine.counts()
        print("")
        print("end: \(final.stores) stores, \(final.profiles) profiles, \(final.observations) observations")
    } catch {
        print("core benchmark failed: \(error)")
    }
}

/// `engram-bench core-count`: a fixed amount of engine work on one thread, for instruction
/// counts that repeat from run to run (`valgrind --tool=callgrind`), where wall-clock figures
/// on a shared 2-core machine move by ±15%. 500 profiles, each resolved, given 20 facts one
/// Observe at a time (half with a subject key, so some supersede), recalled, matched again.
func runCoreCountBenchmark() {
    let engine = Engine(configuration: EngineConfiguration(shardCount: 8), journal: CountingJournal())
    do {
        let store = try engine.createStore(displayName: "count").store.id
        var rng = BenchRandom(state: 7)
        var ids: [String] = []
        for p in 0..<500 {
            ids.append(
                try engine.resolveIdentity(
                    storeID: store, identifiers: [IdentifierInput(type: "email", value: "c\(p)@example.com")]
                ).profileID)
        }
        for round in 0..<20 {
            for (p, id) in ids.enumerated() {
                let input = ObservationInput(
                    content: fact(&rng), source: "voice-agent", occurredAt: Int64(1_700_000_000_000_000 + round),
                    conversationIDs: ["conv-\(p)-\(round)"], subjectKey: round % 2 == 0 ? "topic.\(round % 6)" : nil)
                _ = try engine.observe(storeID: store, profileID: id, observations: [input])
            }
        }
        var found = 0
        for id in ids {
            found += try engine.recall(storeID: store, profileID: id, RecallOptions(query: "kalo miren tosa"))
                .observations.count
            found += try engine.resolveIdentity(
                storeID: store, identifiers: [IdentifierInput(type: "email", value: "c0@example.com")]
            ).profileID.count
        }
        print("core-count: \(engine.counts().observations) observations, \(found) recalled")
    } catch {
        print("core-count failed: \(error)")
    }
}
