// engram-bench storage: durability figures (docs/storage.md quotes them).
//  1. Durable Observe throughput, fsync=always, at 1 and 50 concurrent callers, through the
//     real server over loopback; beside it, redis-server (appendonly yes, appendfsync always)
//     under redis-benchmark SET at the same concurrency, in the same run.
//  2. Observe p99 latency while snapshots are being written, against p99 without.
//  3. Recovery time (open = load the snapshot + replay the log tail) for 1,000,000 observations.
import EngramClient
import EngramCore
import EngramServer
import EngramStorage
import EngramWire
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

private let benchLogger = Logger(label: "engram-bench", factory: { _ in SwiftLogNoOpLogHandler() })

/// Storage as the server's hooks (the same adapter engramd uses).
private struct BenchHooks: DurabilityWaiter, Snapshotter, ServerStatusSource {
    let storage: Storage
    func waitUntilDurable(_ sequence: UInt64) async throws { try await storage.waitUntilDurable(sequence) }
    func snapshotNow() async throws -> SnapshotInfo {
        let info = try await storage.snapshotNow()
        return SnapshotInfo(
            sequence: info.sequence, path: info.path, sizeBytes: info.sizeBytes, durationUs: info.durationUs)
    }
    func storageStatus() -> StorageStatus { StorageStatus() }
}

private func temporaryDirectory(_ name: String) -> String {
    let path = NSTemporaryDirectory() + "engram-bench-\(name)-\(getpid())"
    try? FileManager.default.removeItem(atPath: path)
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

private func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

private func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

private func factText(_ i: Int) -> String {
    let words = [
        "prefers", "email", "weekend", "delivery", "allergic", "peanuts", "gold", "tier", "lives", "Lyon", "asked",
        "refund",
        "night", "shifts", "two", "dogs", "sushi", "order", "blue", "shoes",
    ]
    var x = UInt64(truncatingIfNeeded: i) &* 0x9E37_79B9_7F4A_7C15
    var parts: [String] = []
    for _ in 0..<9 {
        x ^= x >> 29
        x &*= 0xBF58_476D_1CE4_E5B9
        parts.append(words[Int(x % UInt64(words.count))])
    }
    return "customer \(i) " + parts.joined(separator: " ")
}

/// A storage-backed server on a free port, for the duration of `body`.
private func withStorageServer<R: Sendable>(
    _ options: StorageOptions, _ body: @Sendable (Storage, Int) async throws -> R
) async throws -> R {
    let storage = try Storage.open(options, logger: benchLogger)
    let hooks = BenchHooks(storage: storage)
    var configuration = ServerConfiguration()
    configuration.port = 0
    configuration.maxInFlight = 4096
    let server = EngramServer(
        configuration: configuration, engine: storage.engine, durability: hooks, snapshotter: hooks, status: hooks,
        logger: benchLogger)
    let group = ServiceGroup(configuration: .init(services: [.init(service: server)], logger: benchLogger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let port = try await server.localAddress().port!
        let result = try await body(storage, port)
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        await storage.close(snapshot: false)
        return result
    }
}

private final class BusyFlag: Sendable {
    let busy = Atomic<Bool>(true)
}

private func makeClient(port: Int, connections: Int) throws -> EngramClient {
    var configuration = EngramClient.Configuration(host: "127.0.0.1", port: port, apiKey: "", clientName: "bench")
    configuration.connections = connections
    return try EngramClient(configuration: configuration)
}

/// Creates a store and `count` profiles; returns (store, profile ids).
private func seedProfiles(_ engine: Engine, count: Int) throws -> (String, [String]) {
    let store = try engine.createStore(displayName: "bench").store.id
    var profiles: [String] = []
    for i in 0..<count {
        profiles.append(
            try engine.resolveIdentity(
                storeID: store, identifiers: [IdentifierInput(type: "email", value: "c\(i)@bench.io")]
            ).profileID)
    }
    return (store, profiles)
}

/// Runs `callers` concurrent loops of one-fact Observe calls for `seconds`; returns calls/s and sorted latencies (ms).
private func observeLoad(
    client: EngramClient, store: String, profiles: [String], callers: Int, seconds: Double, offset: Int
) async -> (rate: Double, latencies: [Double]) {
    let start = now()
    let latencies = await withTaskGroup(of: [Double].self) { group in
        for caller in 0..<callers {
            group.addTask {
                var mine: [Double] = []
                var i = caller
                while now() - start < seconds {
                    let profile = profiles[(i &* 7919 &+ offset) % profiles.count]
                    let t0 = now()
                    do {
                        _ = try await client.observe(
                            .with {
                                $0.storeId = store
                                $0.profileId = profile
                                $0.observations = [
                                    .with {
                                        $0.content = factText(offset &+ i &* 131 &+ caller)
                                        $0.source = "bench"
                                        $0.occurredAtUs = 1_700_000_000_000_000
                                    }
                                ]
                            })
                        mine.append((now() - t0) * 1000)
                    } catch {
                        print("observe failed: \(error)")
                        return mine
                    }
                    i += callers
                }
                return mine
            }
        }
        var all: [Double] = []
        for await part in group { all += part }
        return all
    }
    let elapsed = now() - start
    return (Double(latencies.count) / elapsed, latencies.sorted())
}

/// redis-server with appendonly yes / appendfsync always; redis-benchmark SET at `clients`.
private func redisSet(clients: Int, requests: Int) -> Double? {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-server"),
        FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-benchmark")
    else { return nil }
    let dir = temporaryDirectory("redis-\(clients)")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let port = 26_379 + clients
    let server = Process()
    server.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
    server.arguments = [
        "--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--appendfsync", "always",
        "--save", "",
        "--daemonize", "no", "--logfile", dir + "/redis.log",
    ]
    guard (try? server.run()) != nil else { return nil }
    defer {
        // SIGKILL: a process started from a Swift worker thread inherits its blocked signals,
        // SIGTERM among them.
        kill(server.processIdentifier, SIGKILL)
        while server.isRunning { usleep(10_000) }
    }
    Thread.sleep(forTimeInterval: 0.5)
    let bench = Process()
    let pipe = Pipe()
    bench.executableURL = URL(fileURLWithPath: "/usr/bin/redis-benchmark")
    bench.arguments = [
        "-h", "127.0.0.1", "-p", String(port), "-t", "set", "-n", String(requests), "-c", String(clients), "-d", "70",
        "--csv",
    ]
    bench.standardOutput = pipe
    bench.standardError = FileHandle.nullDevice
    guard (try? bench.run()) != nil else { return nil }
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    while bench.isRunning { usleep(10_000) }
    // "test","rps",... then "SET","12345.67",...
    for line in output.split(separator: "\n") where line.hasPrefix("\"SET\"") {
        let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        if fields.count > 1 { return Double(fields[1]) }
    }
    return nil
}

func runStorageBenchmark() async {
    // `engram-bench storage [throughput|inprocess|latency|recovery]` runs one part.
    let part = CommandLine.arguments.dropFirst(2).first
    do {
        if part == nil || part == "throughput" { try await storageThroughput() }
        if part == nil || part == "inprocess" { try await inProcessThroughput() }
        if part == nil || part == "latency" { try await snapshotLatency() }
        if part == nil || part == "recovery" { try await recoveryTime() }
    } catch {
        print("storage benchmark failed: \(error)")
    }
}

private func storageThroughput() async throws {
    print(
        "== durable Observe throughput, fsync=always (server + client over loopback), vs redis SET appendfsync always")
    print("callers | engram Observe/s |  p50 ms |  p99 ms | redis SET/s | engram/redis")
    for callers in [1, 50] {
        let dir = temporaryDirectory("throughput-\(callers)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = StorageOptions(dataDirectory: dir)
        options.fsync =
            FsyncMode(rawValue: ProcessInfo.processInfo.environment["ENGRAM_BENCH_FSYNC"] ?? "always") ?? .always
        options.snapshotInterval = nil
        options.snapshotEveryRecords = nil
        let (rate, latencies) = try await withStorageServer(options) { storage, port in
            let (store, profiles) = try seedProfiles(storage.engine, count: 1000)
            let client = try makeClient(port: port, connections: min(callers, 4))
            defer { client.close() }
            _ = await observeLoad(
                client: client, store: store, profiles: profiles, callers: callers, seconds: 0.5, offset: 0)
            return await observeLoad(
                client: client, store: store, profiles: profiles, callers: callers, seconds: 5, offset: 1_000_000)
        }
        let redis = redisSet(clients: callers, requests: callers == 1 ? 3000 : 60000)
        let ratio = redis.map { String(format: "%.2f×", rate / $0) } ?? "n/a"
        print(
            String(
                format: "%7d | %16.0f | %7.2f | %7.2f | %11@ | %@", callers, rate, percentile(latencies, 0.5),
                percentile(latencies, 0.99),
                redis.map { String(format: "%.0f", $0) } ?? "n/a", ratio))
    }
}

/// The same durable Observe without the network: engine + log + fsync only.
private func inProcessThroughput() async throws {
    print("== durable Observe in-process (no network): engine + log + group commit")
    print("callers | fsync  | Observe/s | p50 ms | p99 ms")
    for mode in [FsyncMode.always, .none] {
        for callers in [1, 50] {
            let dir = temporaryDirectory("inprocess-\(callers)")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            var options = StorageOptions(dataDirectory: dir)
            options.fsync = mode
            options.snapshotInterval = nil
            options.snapshotEveryRecords = nil
            let storage = try Storage.open(options, logger: benchLogger)
            let (store, profiles) = try seedProfiles(storage.engine, count: 1000)
            let seconds = 3.0
            let start = now()
            let latencies = await withTaskGroup(of: [Double].self) { group in
                for caller in 0..<callers {
                    group.addTask {
                        var mine: [Double] = []
                        var i = caller
                        while now() - start < seconds {
                            let t0 = now()
                            guard
                                let result = try? storage.engine.observe(
                                    storeID: store, profileID: profiles[(i &* 7919) % profiles.count],
                                    observations: [
                                        ObservationInput(content: factText(i), source: "bench", occurredAt: 1)
                                    ]),
                                (try? await storage.waitUntilDurable(result.logPosition)) != nil
                            else { return mine }
                            mine.append((now() - t0) * 1000)
                            i += callers
                        }
                        return mine
                    }
                }
                var all: [Double] = []
                for await part in group { all += part }
                return all.sorted()
            }
            let elapsed = now() - start
            await storage.close(snapshot: false)
            print(
                String(
                    format: "%7d | %-6@ | %9.0f | %6.3f | %6.3f", callers, mode.rawValue,
                    Double(latencies.count) / elapsed,
                    percentile(latencies, 0.5), percentile(latencies, 0.99)))
        }
    }
}

private func snapshotLatency() async throws {
    print("== Observe p99 while snapshots are written (fsync=always, 8 callers, 200,000 observations already stored)")
    let dir = temporaryDirectory("latency")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var options = StorageOptions(dataDirectory: dir)
    options.fsync =
        FsyncMode(rawValue: ProcessInfo.processInfo.environment["ENGRAM_BENCH_FSYNC"] ?? "always") ?? .always
    options.snapshotInterval = nil
    options.snapshotEveryRecords = nil
    try await withStorageServer(options) { storage, port in
        let (store, profiles) = try seedProfiles(storage.engine, count: 10_000)
        // Fill in-process: 10,000 profiles × 20 facts.
        for (p, profile) in profiles.enumerated() {
            _ = try storage.engine.observe(
                storeID: store, profileID: profile,
                observations: (0..<20).map {
                    ObservationInput(content: factText(p * 20 + $0), source: "fill", occurredAt: 1)
                })
        }
        let client = try makeClient(port: port, connections: 4)
        defer { client.close() }
        _ = await observeLoad(
            client: client, store: store, profiles: profiles, callers: 8, seconds: 0.5, offset: 5_000_000)
        let quiet = await observeLoad(
            client: client, store: store, profiles: profiles, callers: 8, seconds: 5, offset: 6_000_000)
        let flag = BusyFlag()
        let snapshotter = Task {
            var durations: [Int64] = []
            while flag.busy.load(ordering: .relaxed) {
                if let info = try? await storage.snapshotNow() { durations.append(info.durationUs) }
            }
            return durations
        }
        let during = await observeLoad(
            client: client, store: store, profiles: profiles, callers: 8, seconds: 5, offset: 7_000_000)
        flag.busy.store(false, ordering: .relaxed)
        let durations = await snapshotter.value
        let p99q = percentile(quiet.latencies, 0.99)
        let p99s = percentile(during.latencies, 0.99)
        print(
            String(
                format: "without snapshot: %.0f calls/s, p50 %.2f ms, p99 %.2f ms", quiet.rate,
                percentile(quiet.latencies, 0.5), p99q))
        print(
            String(
                format:
                    "during snapshots: %.0f calls/s, p50 %.2f ms, p99 %.2f ms (%d snapshots back to back, each ≈ %.0f ms)",
                during.rate,
                percentile(during.latencies, 0.5), p99s, durations.count,
                Double(durations.reduce(0, +)) / Double(max(1, durations.count)) / 1000))
        print(String(format: "p99 ratio: %.2f× (goal ≤ 2×)", p99s / max(p99q, 0.001)))
    }
}

private func recoveryTime() async throws {
    print("== recovery of 1,000,000 observations (100,000 profiles × 10 facts)")
    // ENGRAM_BENCH_RECOVERY_DIR keeps the filled directory, and a second run only reopens
    // it: for profiling the recovery alone.
    let kept = ProcessInfo.processInfo.environment["ENGRAM_BENCH_RECOVERY_DIR"]
    let dir = kept ?? temporaryDirectory("recovery")
    defer { if kept == nil { try? FileManager.default.removeItem(atPath: dir) } }
    var options = StorageOptions(dataDirectory: dir)
    options.fsync = .none
    options.snapshotInterval = nil
    options.snapshotEveryRecords = nil
    if let kept, FileManager.default.fileExists(atPath: kept + "/snapshots") {
        print("reopening the kept directory \(kept)")
        try await reopen(options, expected: nil)
        return
    }
    let storage = try Storage.open(options, logger: benchLogger)
    let (store, profiles) = try seedProfiles(storage.engine, count: 100_000)
    let fillStart = now()
    await withTaskGroup(of: Void.self) { group in
        for t in 0..<2 {
            group.addTask {
                for p in stride(from: t, to: profiles.count, by: 2) {
                    _ = try? storage.engine.observe(
                        storeID: store, profileID: profiles[p],
                        observations: (0..<10).map {
                            ObservationInput(content: factText(p * 10 + $0), source: "fill", occurredAt: 1)
                        })
                }
            }
        }
    }
    let filled = now() - fillStart
    let snapStart = now()
    let info = try await storage.snapshotNow()
    let snapSeconds = now() - snapStart
    // A log tail after the snapshot: 10,000 more observations.
    for p in 0..<1000 {
        _ = try storage.engine.observe(
            storeID: store, profileID: profiles[p],
            observations: (0..<10).map {
                ObservationInput(content: factText(20_000_000 + p * 10 + $0), source: "tail", occurredAt: 1)
            })
    }
    try await storage.waitUntilDurable(storage.engine.view().logPosition)
    let expected = storage.engine.counts()
    await storage.close(snapshot: false)
    print(
        String(
            format: "fill: %.1f s; snapshot: %.1f s, %.0f MiB", filled, snapSeconds, Double(info.sizeBytes) / 1_048_576)
    )
    try await reopen(options, expected: expected)
}

/// Times `Storage.open` (snapshot + log tail) and checks the counts it recovered.
private func reopen(_ options: StorageOptions, expected: EngineCounts?) async throws {
    let openStart = now()
    var verbose = Logger(label: "engram-bench")
    verbose.logLevel = ProcessInfo.processInfo.environment["ENGRAM_BENCH_VERBOSE"] == nil ? .warning : .info
    let reopened = try Storage.open(options, logger: verbose)
    let openSeconds = now() - openStart
    let counts = reopened.engine.counts()
    print(
        String(
            format: "recovery (snapshot + 1,000-record log tail): %.2f s for %d observations (goal < 10 s)%@",
            openSeconds, counts.observations,
            expected == nil || counts == expected ? "" : " — COUNTS DIFFER"))
    // Restored profiles are indexed in the background; a recall to one not yet indexed
    // indexes it first. Profiles near the end of the last shard are indexed last.
    let engine = reopened.engine
    guard let store = engine.listStores().first?.id else { return }
    var ids: [String] = []
    struct Enough: Error {}
    try? engine.view().forEachProfile(in: store) { profile in
        ids.append(profile.id)
        if ids.count == 20_000 { throw Enough() }
    }
    let sample = Array(ids.suffix(200))
    let query = RecallOptions(query: "what does the customer prefer for delivery")
    func recallMicros() -> [Double] {
        sample.map { id in
            let start = now()
            _ = try? engine.recall(storeID: store, profileID: id, query)
            return (now() - start) * 1e6
        }.sorted()
    }
    let first = recallMicros()
    // The same, now indexed, profiles while the background threads go on, then after.
    var during: [Double] = []
    while reopened.isIndexing {
        during += recallMicros()
        try await Task.sleep(for: .milliseconds(2))
    }
    let indexedSeconds = now() - openStart
    var warm: [Double] = []
    for _ in 0..<max(1, min(50, during.count / sample.count)) { warm += recallMicros() }
    during.sort()
    warm.sort()
    func p(_ v: [Double], _ q: Double) -> Double { v.isEmpty ? .nan : v[min(v.count - 1, Int(Double(v.count) * q))] }
    print(
        String(
            format:
                "background indexing done %.2f s after the start; recall of a 10-fact profile: p50 %.0f µs the first time (before its background indexing); indexed, p50/p99 %.0f/%.0f µs while the background indexing runs, %.0f/%.0f µs after",
            indexedSeconds, p(first, 0.5), p(during, 0.5), p(during, 0.99), p(warm, 0.5), p(warm, 0.99)))
    await reopened.close(snapshot: false)
}
