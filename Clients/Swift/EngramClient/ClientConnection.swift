import EngramNIO
import EngramWire
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// One connection to a server, after a successful Hello. Many calls share it.
final class ClientConnection: Sendable {
    let channel: any NIOCore.Channel
    let hello: Wire.HelloResponse
    private let nextID = Atomic<UInt32>(2)
    private let goingAway: GoAwayFlag

    private init(channel: any NIOCore.Channel, hello: Wire.HelloResponse, goingAway: GoAwayFlag) {
        self.channel = channel
        self.hello = hello
        self.goingAway = goingAway
    }

    /// Whether new calls may use this connection.
    var isUsable: Bool { channel.isActive && !goingAway.flag.load(ordering: .relaxed) }

    static func connect(
        to configuration: EngramClient.Configuration, on eventLoop: any EventLoop, tls: NIOSSLContext?
    ) async throws -> ClientConnection {
        let goingAway = GoAwayFlag()
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(
                TimeAmount.nanoseconds(
                    Int64(configuration.connectTimeout.components.seconds) * 1_000_000_000
                        + configuration.connectTimeout.components.attoseconds / 1_000_000_000)
            )
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let tls {
                        try sync.addHandler(
                            NIOSSLClientHandler(context: tls, serverHostname: Self.sniName(configuration.host)))
                    }
                    try sync.addHandler(ByteToMessageHandler(FrameByteDecoder(maxFrameBytes: 64 * 1024 * 1024)))
                    try sync.addHandler(ClientHandler(onGoAway: { _ in goingAway.set() }))
                }
            }
        let channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        var request = Wire.HelloRequest()
        request.protocolVersion = Frame.protocolVersion
        request.apiKey = configuration.apiKey
        request.clientName = configuration.clientName
        let frame = channel.allocator.frame(request, type: .request, method: Method.hello.rawValue, requestID: 1)
        let promise = channel.eventLoop.makePromise(of: InboundFrame.self)
        Self.send(
            .request(id: 1, frame: frame, response: promise, timeout: .seconds(10)), on: channel, failing: promise)
        do {
            let reply = try await promise.futureResult.get()
            let hello: Wire.HelloResponse = try Self.decodeReply(reply)
            return ClientConnection(channel: channel, hello: hello, goingAway: goingAway)
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    /// Sends one request and waits for its response frame.
    func call<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: Method, _ request: Request, deadline: Duration?
    ) async throws -> Response {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let deadlineMs =
            deadline.map {
                UInt32(
                    clamping: max(1, $0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000))
            } ?? 0
        let frame = channel.allocator.frame(
            request, type: .request, method: method.rawValue, requestID: id, meta: deadlineMs)
        if hello.maxFrameBytes > 0 && frame.readableBytes > Int(hello.maxFrameBytes) {
            throw EngramClientError(
                code: .resourceExhausted,
                message:
                    "request of \(frame.readableBytes) bytes exceeds the server's max_frame_bytes \(hello.maxFrameBytes)"
            )
        }
        let promise = channel.eventLoop.makePromise(of: InboundFrame.self)
        // Wait a little past the server's deadline for its DEADLINE_EXCEEDED before giving up.
        let timeout = deadline.map { _ in TimeAmount.milliseconds(Int64(deadlineMs) + 250) }
        let channel = self.channel
        let reply = try await withTaskCancellationHandler {
            Self.send(
                .request(id: id, frame: frame, response: promise, timeout: timeout), on: channel, failing: promise)
            return try await promise.futureResult.get()
        } onCancel: {
            channel.writeAndFlush(ClientOutbound.cancel(id: id), promise: nil)
        }
        return try Self.decodeReply(reply)
    }

    func close() {
        channel.close(promise: nil)
    }

    /// Writes a request; if the write fails (say the TLS handshake already failed and closed
    /// the channel, so no handler is left to answer), the call fails too instead of waiting
    /// forever. A response promise completed twice keeps its first result.
    private static func send(
        _ outbound: ClientOutbound, on channel: any NIOCore.Channel, failing response: EventLoopPromise<InboundFrame>
    ) {
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { error in
            response.fail(EngramClientError.unavailable("could not send the request: \(error)"))
        }
        channel.writeAndFlush(outbound, promise: written)
    }

    static func decodeReply<Response: ProtoMessage>(_ frame: InboundFrame) throws -> Response {
        if frame.meta != 0 {
            let status =
                frame.payload.withUnsafeReadableBytes { try? Wire.Status(decoding: $0) }
                ?? Wire.Status(code: StatusCode(rawValue: frame.meta), message: "undecodable status payload")
            var error = EngramClientError(status)
            error.code = StatusCode(rawValue: frame.meta)
            throw error
        }
        do {
            return try frame.payload.withUnsafeReadableBytes { raw in try Response(decoding: raw) }
        } catch {
            throw EngramClientError(code: .internal, message: "the server's response did not decode: \(error)")
        }
    }

    private static func sniName(_ host: String) -> String? {
        // SNI takes names, not addresses.
        host.first.map { $0.isLetter } == true ? host : nil
    }
}

/// Set when the server announces it is going away; shared with the channel's handler.
final class GoAwayFlag: Sendable {
    let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .relaxed) }
}
