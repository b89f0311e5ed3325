import EngramCore
import EngramServer
import EngramTestSupport
import ServiceLifecycle

/// A running in-process server on a free loopback port (an engine in memory, no storage),
/// stopped gracefully when `body` returns or throws.
package func withServer(
    configure: (inout ServerConfiguration) -> Void = { _ in },
    snapshotter: (any Snapshotter)? = nil,
    durability: (any DurabilityWaiter)? = nil,
    engine: Engine = Engine(),
    _ body: (TestServer) async throws -> Void
) async throws {
    var configuration = ServerConfiguration()
    configuration.port = 0
    configuration.eventLoopThreads = 2
    configure(&configuration)
    let server = EngramServer(
        configuration: configuration, engine: engine, durability: durability, snapshotter: snapshotter,
        logger: quietLogger)
    let group = ServiceGroup(configuration: .init(services: [.init(service: server)], logger: quietLogger))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let port = try await server.localAddress().port!
        let test = TestServer(server: server, group: group, port: port, engine: engine)
        do {
            try await body(test)
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

/// The server a test runs against: its port, its engine, and the service group that stops it.
package struct TestServer: Sendable {
    package let server: EngramServer
    package let group: ServiceGroup
    package let port: Int
    package let engine: Engine

    package init(server: EngramServer, group: ServiceGroup, port: Int, engine: Engine) {
        self.server = server
        self.group = group
        self.port = port
        self.engine = engine
    }
}
