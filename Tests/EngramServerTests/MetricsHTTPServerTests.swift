import EngramServer
import EngramTestSupport
import Foundation
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import Testing

@Suite struct MetricsHTTPServerTests {
    struct TimedOut: Error {}

    /// One GET over a plain socket (the server closes after it: `Connection: close`); the status
    /// and the body. Fails after 10 s instead of hanging the suite.
    private func get(_ path: String, port: Int) async throws -> (status: Int, body: String) {
        try await withThrowingTaskGroup(of: (Int, String)?.self) { group in
            group.addTask { try await self.fetch(path, port: port) }
            group.addTask {
                try await Task.sleep(for: .seconds(10))
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            guard let first else { throw TimedOut() }
            return first
        }
    }

    private func fetch(_ path: String, port: Int) async throws -> (Int, String) {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(
                ByteBuffer(string: "GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
            var text = ""
            for try await chunk in inbound { text += String(buffer: chunk) }
            let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
            let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
            return (status, body)
        }
    }

    @Test func healthzIsLivenessAndReadyzFollowsStorage() async throws {
        let failure = Mutex<String?>(nil)
        let server = MetricsHTTPServer(
            host: "127.0.0.1", port: 0, logger: quietLogger, notReady: { failure.withLock { $0 } }
        ) { Array("engram_requests_total 3\n".utf8) }
        let group = ServiceGroup(configuration: .init(services: [.init(service: server)], logger: quietLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try #require(try await server.localAddress().port)
            #expect(try await get("/healthz", port: port) == (200, "ok\n"))
            #expect(try await get("/readyz", port: port) == (200, "ready\n"))
            #expect(try await get("/metrics", port: port).body.contains("engram_requests_total 3"))
            failure.withLock { $0 = "disk full" }
            let notReady = try await get("/readyz", port: port)
            #expect(notReady.status == 503 && notReady.body.contains("disk full"))
            #expect(try await get("/healthz", port: port).status == 200, "alive while not ready")
            #expect(try await get("/nothing", port: port).status == 404)

            // A port that is taken: run fails, and the address answers with the error (it used
            // to wait for ever).
            let second = MetricsHTTPServer(host: "127.0.0.1", port: port, logger: quietLogger) { [] }
            await #expect(throws: (any Error).self) { try await second.run() }
            await #expect(throws: ServerError.self) { try await second.localAddress() }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
