import EngramNIO
import EngramServer
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Where and how the HTTP/JSON door listens.
public struct HTTPConfiguration: Sendable {
    /// The address to bind; without API keys, loopback only (as for the binary port).
    public var host: String = "127.0.0.1"
    /// 0 picks a free port (tests); engramd's default is 7412.
    public var port: Int = 7412
    /// The largest request body accepted.
    public var maxBodyBytes: Int = 4 * 1024 * 1024
    /// A keep-alive connection idle this long is closed.
    public var idleTimeout: Duration = .seconds(300)
    /// Connections served at once; past it the server stops accepting until one closes.
    public var maxConnections: Int = 10_000
    /// Whether failing to listen stops engramd. When false (the port was not asked for, only
    /// defaulted), the failure is logged and the binary protocol serves on without HTTP.
    public var required: Bool = true
    public init() {}
}

/// Engram's HTTP/JSON API on Hummingbird 2: paths and JSON shaped like the hosted product's,
/// each route mapped onto a method of the binary protocol's table through the server's
/// in-process caller, so access rules, validation and durability are the same on both doors.
/// A swift-service-lifecycle `Service`.
public final class EngramHTTPServer: Service, Sendable {
    public let configuration: HTTPConfiguration
    let caller: MethodCaller
    let logger: Logger
    private let bound = BoundAddress()

    public init(configuration: HTTPConfiguration, server: EngramServer, logger: Logger) {
        self.configuration = configuration
        self.caller = server.caller
        self.logger = logger
    }

    /// The routes, for tests that call them without a socket.
    public func makeRouter() -> Router<EngramRequestContext> {
        let api = API(caller: caller)
        let router = Router(context: EngramRequestContext.self)
        router.add(middleware: ErrorMiddleware(logger: logger))
        router.add(middleware: AuthenticationMiddleware(caller: caller, maxBodyBytes: configuration.maxBodyBytes))
        api.addRoutes(to: router)
        return router
    }

    /// The address the server is listening on, once it is; throws if it could not start.
    public func localAddress() async throws -> SocketAddress {
        try await bound.wait()
    }

    public func run() async throws {
        if !caller.requiresKeys, !EngramServer.isLoopback(configuration.host) {
            let error = ServerError(
                "refusing to serve HTTP on \(configuration.host) without API keys: configure a keys file, or bind to 127.0.0.1"
            )
            bound.failed(error)
            throw error
        }
        // The group lives exactly as long as run(). Each request's task runs on the loop of its
        // connection (HTTPRequestHandler): no hop to Swift's global pool and back per request.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        defer { group.shutdownGracefully { _ in } }
        let responder = makeRouter().buildResponder()
        let connections = OpenConnections()
        let dates = HTTPDateCache()
        let (logger, maxBody, maxConnections) = (logger, configuration.maxBodyBytes, configuration.maxConnections)
        let idle = configuration.idleTimeout.components
        let idleTimeout = TimeAmount.nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000)
        do {
            let listener = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ConnectionLimiter(limit: maxConnections, connections: connections, logger: logger))
                    }
                }
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let sync = channel.pipeline.syncOperations
                        try sync.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
                        try sync.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                        try sync.addHandler(
                            HTTPRequestHandler(
                                responder: responder, maxBodyBytes: maxBody, logger: logger, dates: dates))
                    }
                }
                .bind(host: configuration.host, port: configuration.port).get()
            if let address = listener.localAddress {
                logger.info("engramd HTTP listening", metadata: ["address": "\(address)"])
                bound.bound(address)
            }
            try await withGracefulShutdownHandler {
                try await listener.closeFuture.get()
            } onGracefulShutdown: {
                listener.close(promise: nil)
                connections.finishAll()
            }
            // Answers under way are written, then their connections close.
            for _ in 0..<500 where connections.count > 0 { try? await Task.sleep(for: .milliseconds(20)) }
        } catch {
            let failure = ServerError(
                "cannot serve HTTP on \(configuration.host):\(configuration.port): \(error)")
            bound.failed(failure)
            guard configuration.required else {
                logger.warning(
                    "the HTTP/JSON API is off: its default port could not be bound (set --http-port to choose one, 0 for none)",
                    metadata: ["error": "\(error)"])
                // Stay a running service until shutdown: returning would stop engramd.
                try? await gracefulShutdown()
                return
            }
            throw failure
        }
    }

}

/// A request's context: who is calling (set by `AuthenticationMiddleware`).
public struct EngramRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    var principal: ConnectionState.Principal?
    var maxBody: Int = 4 * 1024 * 1024

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    public var maxUploadSize: Int { maxBody }
}
