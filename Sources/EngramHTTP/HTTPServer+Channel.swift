import EngramNIO
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One HTTP/1.1 connection: NIO's codec and pipelining helper, then this handler, which gathers
/// a request (head and body, the body up to its limit), runs the router's responder for it in a
/// task on the connection's event loop, and writes the answer with a `Content-Length`.
///
/// Hummingbird's own server bridges every connection to an async sequence (`NIOAsyncChannel`):
/// a request's head, body and end each woke the connection's task, and the answer's parts went
/// back through an async writer. On one keep-alive connection that bridge cost ~70 µs of CPU per
/// request (an empty `GET /healthz`: 115 µs against 42 µs for a plain NIO handler, release
/// build), more than the rest of a Recall's HTTP handling. The routes, middleware, request and
/// response types stay Hummingbird's; only the connection is served this way.
final class HTTPRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let responder: RouterResponder<EngramRequestContext>
    private let maxBodyBytes: Int
    private let logger: Logger
    private let dates: HTTPDateCache

    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    /// The body went past the limit: the request is answered 413 and the connection closed.
    private var tooLarge = false
    /// A request is being answered: the pipelining helper holds the next until its end is written.
    private var answering = false
    /// The connection idled out while answering: close once the answer is out.
    private var closeWhenDone = false

    init(responder: RouterResponder<EngramRequestContext>, maxBodyBytes: Int, logger: Logger, dates: HTTPDateCache) {
        self.responder = responder
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
        self.dates = dates
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            head = request
            body.clear()
            tooLarge = false
            if request.headers.first(name: "expect")?.lowercased() == "100-continue" {
                context.writeAndFlush(
                    wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: .continue))), promise: nil)
            }
        case .body(let part):
            // Past the limit the rest is read and dropped; the answer is a 413.
            if tooLarge || body.readableBytes + part.readableBytes > maxBodyBytes {
                tooLarge = true
                body.clear()
            } else {
                var part = part
                body.writeBuffer(&part)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            if tooLarge {
                var error = APIError(.invalidArgument, "the request body is over \(maxBodyBytes) bytes")
                error.status = .contentTooLarge
                refuse(error, version: head.version, context: context)
            } else {
                answer(head, body: body, context: context)
            }
            body = ByteBuffer()
        }
    }

    /// A request that cannot be read: NIO's protocol error handler has answered 400; close.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Answers `error` in the API's JSON shape, and closes the connection.
    private func refuse(_ error: APIError, version: HTTPVersion, context: ChannelHandlerContext) {
        answering = true
        var response = HTTPResponse(status: error.status)
        response.headerFields[.contentType] = "application/json; charset=utf-8"
        write(response, error.encodedBody, version: version, keepAlive: false, context: context)
    }

    /// Sent by a shutdown: close now, or after the answer under way.
    struct Finish: Sendable {}

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent || event is Finish {
            // An idle keep-alive connection closes; one whose request is still running (a long
            // AddKnowledge) closes after its answer.
            if answering { closeWhenDone = true } else { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func answer(_ old: HTTPRequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
        answering = true
        let keepAlive = old.isKeepAlive
        let version = old.version
        // A HEAD answer has the headers a GET would have, and no body (RFC 9110 9.3.2).
        let headOnly = old.method == .HEAD
        guard let head = try? HTTPRequest(old, secure: false, splitCookie: false) else {
            refuse(
                APIError(.invalidArgument, "the request line or its headers are not valid HTTP"), version: version,
                context: context)
            return
        }
        let request = Request(head: head, body: RequestBody(buffer: body))
        let requestContext = EngramRequestContext(
            source: ApplicationRequestContextSource(channel: context.channel, logger: logger))
        let loop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: loop)
        let responder = self.responder
        let logger = self.logger
        // The task runs on this connection's loop: the route's engine call is inline there, and
        // the answer is written from the same thread with no hop.
        Task(executorPreference: EventLoopTaskExecutor(loop)) {
            var response: Response
            do {
                response = try await responder.respond(to: request, context: requestContext)
            } catch let error as any HTTPResponseError {
                response =
                    (try? error.response(from: request, context: requestContext))
                    ?? Response(status: error.status)
            } catch {
                logger.error("HTTP request failed", metadata: ["error": "\(error)"])
                response = Response(status: .internalServerError)
            }
            let collected = BodyCollector()
            do {
                try await response.body.write(collected)
            } catch {
                logger.error("HTTP response body failed", metadata: ["error": "\(error)"])
                response = Response(status: .internalServerError)
                collected.buffer.clear()
            }
            let (head, payload) = (response.head, collected.buffer)
            let send: @Sendable () -> Void = {
                let (handler, context) = bound.value
                handler.write(
                    head, payload, version: version, keepAlive: keepAlive, headOnly: headOnly, context: context)
            }
            // The task's executor is the loop, so this is normally a direct write.
            if loop.inEventLoop { send() } else { loop.execute(send) }
        }
    }

    private func write(
        _ response: HTTPResponse, _ payload: ByteBuffer, version: HTTPVersion, keepAlive: Bool,
        headOnly: Bool = false, context: ChannelHandlerContext
    ) {
        var head = HTTPResponseHead(response)
        head.version = version
        head.headers.replaceOrAdd(name: "content-length", value: String(payload.readableBytes))
        head.headers.replaceOrAdd(name: "date", value: dates.current)
        let close = !keepAlive || closeWhenDone
        if close {
            head.headers.replaceOrAdd(name: "connection", value: "close")
        } else if version == .http1_0 {
            head.headers.replaceOrAdd(name: "connection", value: "keep-alive")
        }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if payload.readableBytes > 0, !headOnly {
            context.write(wrapOutboundOut(.body(.byteBuffer(payload))), promise: nil)
        }
        answering = false
        if close {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

}

/// Gathers a response body into one buffer (every answer of the API is one buffer already).
private final class BodyCollector: ResponseBodyWriter {
    var buffer = ByteBuffer()

    func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        if self.buffer.readableBytes == 0 {
            self.buffer = buffer
        } else {
            self.buffer.writeBuffer(&buffer)
        }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

/// The `Date` header's text, made at most once a second.
final class HTTPDateCache: Sendable {
    private let state = Mutex<(second: Int64, text: String)>((0, ""))

    var current: String {
        let now = Date()
        let second = Int64(now.timeIntervalSince1970)
        return state.withLock { state in
            if state.second != second { state = (second, Self.imf(second)) }
            return state.text
        }
    }

    /// RFC 9110's IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func imf(_ second: Int64) -> String {
        let days = second >= 0 ? second / 86_400 : (second - 86_399) / 86_400
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][Int(((days % 7) + 7) % 7)]
        var iso: [UInt8] = []
        RFC3339.write(second * 1_000_000, into: &iso)
        let text = String(decoding: iso, as: UTF8.self)  // YYYY-MM-DDTHH:MM:SSZ
        let parts = text.split(separator: "T")
        let date = parts[0].split(separator: "-")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let month = months[(Int(date[1]) ?? 1) - 1]
        return "\(weekday), \(date[2]) \(month) \(date[0]) \(parts[1].dropLast()) GMT"
    }
}

/// Counts a listener's open connections and stops accepting while `limit` are open.
final class ConnectionLimiter: ChannelInboundHandler {
    typealias InboundIn = any Channel

    private let limit: Int
    private let connections: OpenConnections
    private let logger: Logger
    private var open = 0
    private var paused = false

    init(limit: Int, connections: OpenConnections, logger: Logger) {
        self.limit = limit
        self.connections = connections
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = unwrapInboundIn(data)
        connections.add(child)
        open += 1
        let loop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: loop)
        child.closeFuture.hop(to: loop).whenComplete { _ in
            let (handler, context) = bound.value
            handler.open -= 1
            if handler.paused, handler.open < handler.limit {
                handler.paused = false
                context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
                context.read()
            }
        }
        if open >= limit, !paused {
            paused = true
            logger.warning(
                "HTTP connection limit reached; not accepting until one closes", metadata: ["limit": "\(limit)"])
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        }
        context.fireChannelRead(data)
    }
}

/// The HTTP door's open connections, so a shutdown can finish each (at once when idle, after
/// its answer when a request is running).
final class OpenConnections: Sendable {
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    var count: Int { channels.withLock { $0.count } }

    func add(_ channel: any Channel) {
        channels.withLock { $0[ObjectIdentifier(channel)] = channel }
        channel.closeFuture.whenComplete { [self] _ in
            _ = channels.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
        }
    }

    func finishAll() {
        for channel in channels.withLock({ Array($0.values) }) {
            channel.pipeline.fireUserInboundEventTriggered(HTTPRequestHandler.Finish())
        }
    }
}
