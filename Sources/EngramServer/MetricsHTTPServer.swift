import EngramNIO
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Serves `/metrics` (Prometheus text format), `/healthz` (liveness: the process answers) and
/// `/readyz` (readiness: 503 with the reason while the server should not be sent traffic, such
/// as while storage cannot write) over plain HTTP on its own port.
public final class MetricsHTTPServer: Service, Sendable {
    let host: String
    let port: Int
    let render: @Sendable () -> [UInt8]
    let notReady: @Sendable () -> String?
    let logger: Logger
    private let bound = BoundAddress()

    /// - Parameters:
    ///   - render: the metrics page, e.g. a Prometheus registry's `emitToBuffer()`.
    ///   - notReady: why the server is not ready (`/readyz` answers 503 with it), or nil.
    public init(
        host: String, port: Int, logger: Logger, notReady: @escaping @Sendable () -> String? = { nil },
        render: @escaping @Sendable () -> [UInt8]
    ) {
        self.host = host
        self.port = port
        self.render = render
        self.notReady = notReady
        self.logger = logger
    }

    /// The address it listens on, once it does; throws if it could not listen.
    public func localAddress() async throws -> SocketAddress {
        try await bound.wait()
    }

    public func run() async throws {
        let render = self.render
        let notReady = self.notReady
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                        try channel.pipeline.syncOperations.addHandler(
                            MetricsHTTPHandler(render: render, notReady: notReady))
                    }
                }
                .bind(host: host, port: port).get()
        } catch {
            bound.failed(ServerError("cannot serve metrics on \(host):\(port): \(error)"))
            throw error
        }
        logger.info("metrics listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
        if let address = channel.localAddress { bound.bound(address) }
        await withGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }
}

final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let render: @Sendable () -> [UInt8]
    let notReady: @Sendable () -> String?
    private var uri = ""
    private var keepAlive = true

    init(render: @escaping @Sendable () -> [UInt8], notReady: @escaping @Sendable () -> String?) {
        self.render = render
        self.notReady = notReady
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            uri = head.uri
            keepAlive = head.isKeepAlive
        case .body: break
        case .end:
            let (status, body, type): (HTTPResponseStatus, [UInt8], String)
            switch uri.split(separator: "?").first {
            case "/metrics": (status, body, type) = (.ok, render(), "text/plain; version=0.0.4")
            case "/healthz": (status, body, type) = (.ok, Array("ok\n".utf8), "text/plain")
            case "/readyz":
                if let reason = notReady() {
                    (status, body, type) = (.serviceUnavailable, Array("not ready: \(reason)\n".utf8), "text/plain")
                } else {
                    (status, body, type) = (.ok, Array("ready\n".utf8), "text/plain")
                }
            default: (status, body, type) = (.notFound, Array("not found\n".utf8), "text/plain")
            }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: type)
            headers.add(name: "Content-Length", value: String(body.count))
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
                promise: nil)
            context.write(
                wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            if keepAlive {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            } else {
                // "Connection: close" (or HTTP/1.0): the response ends the connection.
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }
}
