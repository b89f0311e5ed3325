import EngramClient
import EngramCore
import EngramNIO
import EngramServer
import EngramWire
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Round-trip latency of Ping on one connection, against an in-process server, next to a
/// Redis PING measured with the same NIO client code.
func runServerBenchmark() async {
    print("== server: Ping round trip on one connection (release build, loopback) ==")
    fflush(nil)
    let iterations = 20_000
    let result = await withBenchServer { port in
        let client = try EngramClient(configuration: .init(host: "127.0.0.1", port: port))
        defer { client.close() }
        try await client.connect()
        let request = Wire.PingRequest.with { $0.payload = [1, 2, 3, 4, 5, 6, 7, 8] }
        // The client prefers its connection's event loop, so it does not hop threads either.
        let samples = try await withTaskExecutorPreference(client.preferredExecutor) {
            try await measureRoundTrips(iterations) { _ = try await client.ping(request) }
        }
        return samples
    }
    report("engram Ping (Swift client)", result)
    await recallThroughput()
    if let redis = await redisPingRoundTrips(iterations) {
        report("redis-server PING (same NIO client code)", redis)
    } else {
        print("redis reference: SKIPPED (redis-server not found; apt-get install redis-server)")
    }
    fflush(nil)
}

func measureRoundTrips(_ n: Int, _ body: () async throws -> Void) async rethrows -> [Double] {
    for _ in 0..<(n / 10) { try await body() }
    var samples: [Double] = []
    samples.reserveCapacity(n)
    for _ in 0..<n {
        let start = ContinuousClock.now
        try await body()
        let d = ContinuousClock.now - start
        samples.append(Double(d.components.attoseconds) / 1e12 + Double(d.components.seconds) * 1e6)
    }
    return samples
}

func report(_ name: String, _ samples: [Double]?) {
    guard let samples, !samples.isEmpty else {
        print("\(name): FAILED")
        return
    }
    let sorted = samples.sorted()
    func p(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
    print(
        name.padding(toLength: 48, withPad: " ", startingAt: 0)
            + String(format: " p50 %6.1f µs   p99 %6.1f µs   p99.9 %6.1f µs", p(0.5), p(0.99), p(0.999)))
}

func withBenchServer<T: Sendable>(
    engine: Engine = Engine(), _ body: @Sendable (Int) async throws -> T
) async -> T? {
    var configuration = ServerConfiguration()
    configuration.port = 0
    let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
    let server = EngramServer(configuration: configuration, engine: engine, logger: logger)
    let group = ServiceGroup(configuration: .init(services: [.init(service: server)], logger: logger))
    return await withTaskGroup(of: T?.self) { tasks in
        tasks.addTask {
            try? await group.run()
            return nil
        }
        var result: T?
        do {
            let port = try await server.localAddress().port!
            result = try await body(port)
        } catch {
            print("benchmark failed: \(error)")
        }
        await group.triggerGracefulShutdown()
        for await _ in tasks {}
        return result
    }
}

/// PING round trips against a throwaway redis-server on a free port.
func redisPingRoundTrips(_ n: Int) async -> [Double]? {
    let binary = "/usr/bin/redis-server"
    guard FileManager.default.isExecutableFile(atPath: binary) else { return nil }
    let port = Int.random(in: 20_000..<40_000)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = ["--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    // SIGKILL: the process may inherit a blocked SIGTERM from a service-lifecycle parent.
    defer { kill(process.processIdentifier, SIGKILL) }
    for _ in 0..<50 {
        try? await Task.sleep(for: .milliseconds(50))
        if let samples = try? await RedisPinger.run(port: port, n: n) { return samples }
    }
    return nil
}

/// A minimal RESP client: sends PING, waits for +PONG.
enum RedisPinger {
    static func run(port: Int, n: Int) async throws -> [Double] {
        let replies = ReplyQueue()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(PongHandler(replies))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        defer { channel.close(promise: nil) }
        let executor = EventLoopTaskExecutor(channel.eventLoop)
        let ping = ByteBuffer(string: "PING\r\n")
        return try await withTaskExecutorPreference(executor) {
            try await measureRoundTrips(n) {
                let promise = channel.eventLoop.makePromise(of: Void.self)
                replies.push(promise)
                channel.writeAndFlush(ping, promise: nil)
                try await promise.futureResult.get()
            }
        }
    }

    final class ReplyQueue: Sendable {
        let pending = Mutex<[EventLoopPromise<Void>]>([])
        func push(_ p: EventLoopPromise<Void>) { pending.withLock { $0.append(p) } }
        func pop() -> EventLoopPromise<Void>? { pending.withLock { $0.isEmpty ? nil : $0.removeFirst() } }
    }

    final class PongHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let replies: ReplyQueue
        init(_ replies: ReplyQueue) { self.replies = replies }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            // "+PONG\r\n" is 7 bytes; complete one waiter per reply.
            for _ in 0..<max(1, buffer.readableBytes / 7) { replies.pop()?.succeed() }
        }
    }
}

/// Recall throughput with 50 requests in flight on one connection, against one profile of 200
/// observations, over loopback.
func recallThroughput() async {
    let engine = Engine()
    let words = [
        "billing", "invoice", "refund", "email", "phone", "delivery", "late", "order", "account", "password",
        "upgrade", "plan", "discount", "card", "charged", "twice", "address", "moved", "prefers", "morning",
    ]
    var rng = SystemRandomNumberGenerator()
    guard let store = try? engine.createStore(displayName: "bench").store.id,
        let profile = try? engine.resolveIdentity(
            storeID: store, identifiers: [IdentifierInput(type: "email", value: "b@example.com")]
        ).profileID
    else { return }
    for i in 0..<200 {
        let text = (0..<10).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
        _ = try? engine.observe(
            storeID: store, profileID: profile,
            observations: [
                ObservationInput(
                    content: "fact \(i): \(text)", source: "bench",
                    occurredAt: 1_700_000_000_000_000 + Int64(i) * 1_000_000)
            ])
    }
    let result: (Int, Duration, [Double])? = await withBenchServer(engine: engine) { port in
        let client = try EngramClient(configuration: .init(host: "127.0.0.1", port: port))
        defer { client.close() }
        try await client.connect()
        let request = Wire.RecallRequest.with {
            $0.storeId = store
            $0.profileId = profile
            $0.query = "charged twice on my card, want a refund"
            $0.observationsLimit = 10
        }
        let until = ContinuousClock.now + .seconds(3)
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<50 {
                group.addTask {
                    var mine: [Double] = []
                    while ContinuousClock.now < until {
                        let t = ContinuousClock.now
                        _ = try await client.recall(request)
                        let d = ContinuousClock.now - t
                        mine.append(Double(d.components.attoseconds) / 1e12 + Double(d.components.seconds) * 1e6)
                    }
                    return mine
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all
        }
        return (latencies.count, ContinuousClock.now - start, latencies)
    }
    guard let (count, elapsed, latencies) = result else { return }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print(String(format: "engram Recall, 200 observations, 50 in flight:    %8.0f req/s", Double(count) / seconds))
    report("  its latency", latencies)
}
