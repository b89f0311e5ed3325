import EngramCore
import EngramNIO
import EngramWire
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization

/// Why the server would not start.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Serves an engine over Engram's wire protocol (Protocol/FRAMING.md).
///
/// Each accepted connection is served by a `ConnectionHandler` on its channel's event loop, so a
/// request never changes threads, and is one child task of a discarding task group. It is a
/// swift-service-lifecycle `Service`: on graceful shutdown it stops accepting, sends every client
/// a GOAWAY, lets in-flight requests finish (bounded by `shutdownTimeout`), and returns.
public final class EngramServer: Service, Sendable {
    public let configuration: ServerConfiguration
    let dispatcher: Dispatcher
    let logger: Logger
    let threads: Int
    let metrics = ServerMetrics()
    private let connections = Mutex<[UInt64: Connection]>([:])
    private let nextConnectionID = Atomic<UInt64>(1)
    private let bound = BoundAddress()
    private let serverChannel = Mutex<(any NIOCore.Channel)?>(nil)

    /// - Parameters:
    ///   - durability: waits until a log position is on disk before a mutation is acknowledged;
    ///     nil acknowledges at once.
    public init(
        configuration: ServerConfiguration, engine: Engine, durability: (any DurabilityWaiter)? = nil,
        snapshotter: (any Snapshotter)? = nil, status: (any ServerStatusSource)? = nil, logger: Logger
    ) {
        self.configuration = configuration
        self.logger = logger
        self.threads = configuration.eventLoopThreads > 0 ? configuration.eventLoopThreads : System.coreCount
        let startedAt = engine.now()
        self.dispatcher = Dispatcher(
            engine: engine, durability: durability, snapshotter: snapshotter, status: status,
            configuration: configuration, startedAtUs: startedAt)
    }

    /// The address the server is listening on, once it is; throws if binding failed.
    public func localAddress() async throws -> SocketAddress {
        try await bound.wait()
    }

    public func run() async throws {
        // The group lives exactly as long as run(): it is shut down here, off its own threads.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        defer { group.shutdownGracefully { _ in } }
        do {
            try await serve(on: group)
        } catch {
            bound.failed(error as? ServerError ?? ServerError("\(error)"))
            throw error
        }
    }

    private func serve(on group: MultiThreadedEventLoopGroup) async throws {
        if configuration.keys.isEmpty {
            guard Self.isLoopback(configuration.host) else {
                throw ServerError(
                    "refusing to listen on \(configuration.host) without API keys: configure a keys file, or bind to 127.0.0.1"
                )
            }
            logger.notice("no API keys configured: authentication is off and the server listens on loopback only")
        }
        let tlsContext = try configuration.tls.map { try NIOSSLContext(configuration: $0) }
        let maxFrameBytes = configuration.maxFrameBytes
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let (connection, admitted) = self.admit(channel)
                    let sync = channel.pipeline.syncOperations
                    if let tlsContext { try sync.addHandler(NIOSSLServerHandler(context: tlsContext)) }
                    try sync.addHandler(ByteToMessageHandler(FrameByteDecoder(maxFrameBytes: maxFrameBytes)))
                    try sync.addHandler(
                        ConnectionHandler(
                            connection: connection, admitted: admitted, dispatcher: self.dispatcher,
                            configuration: self.configuration, logger: self.logger, metrics: self.metrics))
                    return connection
                }
            }
        serverChannel.withLock { $0 = listener.channel }
        let address = listener.channel.localAddress!
        bound.bound(address)
        logger.info(
            "engramd listening",
            metadata: ["address": "\(address)", "tls": "\(tlsContext != nil)", "keys": "\(configuration.keys.count)"])

        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { tasks in
                try await listener.executeThenClose { inbound in
                    // Connections are served by their handlers on their event loops; each still
                    // has a child task, which lives as long as it does.
                    for try await connection in inbound {
                        tasks.addTask { try? await connection.channel.closeFuture.get() }
                    }
                }
            }
        } onGracefulShutdown: {
            self.beginShutdown()
        }
        logger.info("engramd stopped")
    }

    /// Stops accepting, tells every client to go away, and closes connections once their
    /// in-flight requests are done or the shutdown timeout passes.
    private func beginShutdown() {
        logger.info("graceful shutdown: draining connections")
        serverChannel.withLock { $0 }?.close(promise: nil)
        let live = connections.withLock { Array($0.values) }
        for c in live { c.drain() }
        let deadline = ContinuousClock.now + configuration.shutdownTimeout
        Task {
            while ContinuousClock.now < deadline {
                let busy = connections.withLock { $0.values.contains { $0.inFlight.load(ordering: .relaxed) > 0 } }
                if !busy { break }
                try? await Task.sleep(for: .milliseconds(5))
            }
            for c in connections.withLock({ Array($0.values) }) {
                c.channel.close(promise: nil)
            }
        }
    }

    /// Registers a new connection, unless the server is at its connection limit (then the
    /// connection's handler sends a GOAWAY and closes). Runs on the channel's event loop as it
    /// is accepted, before any of its bytes are read.
    private func admit(_ channel: any NIOCore.Channel) -> (Connection, admitted: Bool) {
        let id = nextConnectionID.add(1, ordering: .relaxed).oldValue
        let connection = Connection(id: id, channel: channel)
        let admitted = connections.withLock { table -> Bool in
            guard table.count < configuration.maxConnections else { return false }
            table[id] = connection
            return true
        }
        guard admitted else {
            metrics.connectionsRejected.increment()
            logger.warning("connection limit reached", metadata: ["limit": "\(configuration.maxConnections)"])
            return (connection, false)
        }
        metrics.connections.record(dispatcher.liveConnections.add(1, ordering: .relaxed).newValue)
        logger.debug(
            "connection opened",
            metadata: ["connection": "\(id)", "peer": "\(channel.remoteAddress.map { "\($0)" } ?? "?")"])
        channel.closeFuture.whenComplete { [self] _ in
            connections.withLock { _ = $0.removeValue(forKey: id) }
            metrics.connections.record(dispatcher.liveConnections.subtract(1, ordering: .relaxed).newValue)
            logger.debug("connection closed", metadata: ["connection": "\(id)"])
        }
        return (connection, true)
    }

    /// Puts `keys` in force (engramd calls it on SIGHUP with the keys file read again). New
    /// connections and HTTP calls authenticate against them at once; an open connection whose
    /// key is gone, or now has another role or name, gets GOAWAY UNAUTHENTICATED and is
    /// closed; when this returns, their GOAWAYs are sent and nothing more is served on them.
    /// A server started without keys cannot be given some, nor one with keys be left with none:
    /// that would change who may connect. Returns how many connections were closed.
    @discardableResult
    public func reloadKeys(_ keys: APIKeys) async throws(ServerError) -> Int {
        let current = dispatcher.keyRing.current
        guard current.isEmpty == keys.isEmpty else {
            throw ServerError(
                current.isEmpty
                    ? "the server was started without API keys; restart it to turn authentication on"
                    : "the new keys file holds no keys; keeping the current \(current.count)")
        }
        dispatcher.keyRing.replace(with: keys)
        var revoked = 0
        for connection in connections.withLock({ Array($0.values) }) {
            guard let credential = connection.credential.withLock({ $0 }) else { continue }
            if !keys.stillGrants(digest: credential.digest, role: credential.role, name: credential.name) {
                await connection.revoke()
                revoked += 1
            }
        }
        logger.notice("API keys reloaded", metadata: ["keys": "\(keys.count)", "connections_closed": "\(revoked)"])
        return revoked
    }

    package static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
