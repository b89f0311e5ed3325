import EngramNIO
import EngramWire
import Logging
import NIOCore
import Synchronization

/// Serves one client connection on its channel's event loop: the handshake, then requests until
/// the peer leaves, the server drains, or a protocol error ends it.
///
/// A request the engine answers at once (nearly every one) is answered inside `channelRead`,
/// and everything a read produced is flushed together at `channelReadComplete`: the request
/// never leaves the event loop's thread, costs no task and no lock, and a burst of pipelined
/// requests costs one write. A write is acknowledged from the log writer's callback; calls that
/// wait for something else (a snapshot, a model's embedding) run as tasks. Both hand their
/// answer back to the loop.
///
/// Back-pressure: past `maxInFlight` waiting requests, or while the socket's send buffer is
/// full, frames already read wait in a queue and the handler stops asking the channel to read,
/// so a client that stops reading its answers stops the server reading its requests.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = InboundFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Fired through the pipeline to start a graceful drain.
    struct Drain: Sendable {}
    /// Fired through the pipeline when the connection's key was revoked by a keys reload.
    struct Revoke: Sendable {}

    let connection: Connection
    let dispatcher: Dispatcher
    let configuration: ServerConfiguration
    let logger: Logger
    let metrics: ServerMetrics
    /// False when the server is at its connection limit: the handler says so and closes.
    let admitted: Bool

    private var context: ChannelHandlerContext?
    private var state: ConnectionState
    /// Frames read while the connection could not take them (full, or not writable), with
    /// when they were read: a request's deadline counts from then.
    private var queued = CircularBuffer<(frame: InboundFrame, readAt: NIODeadline)>()
    /// A `read` held back while frames cannot be taken; passed on once they can.
    private var readHeld = false
    /// Inside a read burst: answers wait for `channelReadComplete`'s flush.
    private var reading = false
    private var needsFlush = false
    /// A GOAWAY that ends the connection was sent: later frames are ignored.
    private var closing = false
    private var started = false
    private var helloTimer: Scheduled<Void>?
    /// When a frame last came in or an answer last went out; the idle timer checks it, so
    /// the hot path only reads the clock (NIO's IdleStateHandler adds a promise per write).
    private var lastActivity = NIODeadline.now()
    private var idleTimer: Scheduled<Void>?

    init(
        connection: Connection, admitted: Bool, dispatcher: Dispatcher, configuration: ServerConfiguration,
        logger: Logger, metrics: ServerMetrics
    ) {
        self.connection = connection
        self.admitted = admitted
        self.dispatcher = dispatcher
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        self.state = ConnectionState(maxInFlight: configuration.maxInFlight)
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        guard admitted else {
            goAway(
                lastRequestID: 0, code: .resourceExhausted,
                reason: "the server's connection limit (\(configuration.maxConnections)) is reached")
            return
        }
        helloTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .init(configuration.helloTimeout)) {
            [self] in
            if state.phase == .awaitingHello {
                goAway(
                    lastRequestID: 0, code: .deadlineExceeded, reason: "no Hello within \(configuration.helloTimeout)")
            }
        }
        scheduleIdleCheck()
    }

    /// Closes the connection once nothing has come in or gone out for the idle timeout, while
    /// no request is in flight (a long snapshot is not idleness).
    private func scheduleIdleCheck() {
        guard let timeout = configuration.idleTimeout, let context, !closing else { return }
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: lastActivity + TimeAmount(timeout)) {
            [self] in
            guard !closing, self.context != nil else { return }
            let now = NIODeadline.now()
            if !state.inFlight.isEmpty {
                lastActivity = now
            } else if now - lastActivity >= TimeAmount(timeout) {
                goAway(lastRequestID: state.lastRequestID, code: .deadlineExceeded, reason: "idle timeout")
                return
            }
            scheduleIdleCheck()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        reading = true
        guard !closing else { return }
        let frame = unwrapInboundIn(data)
        if queued.isEmpty && canTakeFrames {
            handle(frame)
        } else if frame.type == .cancel {
            // A CANCEL does not wait its turn: it may stop a request that has not started.
            cancel(frame.requestID)
        } else {
            queued.append((frame, .now()))
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        reading = false
        lastActivity = .now()
        flushIfNeeded()
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if queued.isEmpty && canTakeFrames {
            context.read()
        } else {
            readHeld = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            resume()
            flushIfNeeded()
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        // The peer is gone or the connection ended: stop whatever is still running.
        for request in state.close() {
            request.task?.cancel()
            request.timer?.cancel()
        }
        helloTimer?.cancel()
        idleTimer?.cancel()
        queued.removeAll()
        publishInFlight()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is Revoke {
            guard !closing else { return }
            logger.info("API key revoked: closing its connection", metadata: ["connection": "\(connection.id)"])
            goAway(lastRequestID: state.lastRequestID, code: .unauthenticated, reason: "API key revoked")
            return
        }
        guard event is Drain else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        state.drain()
        guard !closing else { return }
        var message = Wire.GoAway()
        message.lastRequestId = state.lastRequestID
        message.code = StatusCode.unavailable.rawValue
        message.reason = "server shutting down"
        send(context.channel.allocator.frame(message, type: .goAway, method: 0, requestID: 0))
        flushIfNeeded()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? FrameError, !closing {
            let code: StatusCode = error.code == .frameTooLarge ? .resourceExhausted : .invalidArgument
            logger.debug("protocol error", metadata: ["connection": "\(connection.id)", "error": "\(error)"])
            goAway(lastRequestID: state.lastRequestID, code: code, reason: error.message)
        } else {
            logger.debug("connection failed", metadata: ["connection": "\(connection.id)", "error": "\(error)"])
            context.close(promise: nil)
        }
    }

    // MARK: Writing

    private var canTakeFrames: Bool {
        !state.isFull && (context?.channel.isWritable ?? false)
    }

    private func send(_ buffer: ByteBuffer) {
        guard let context else { return }
        context.write(wrapOutboundOut(buffer), promise: nil)
        needsFlush = true
    }

    /// Flushes what was written, unless a read burst is under way (its end flushes).
    private func flushIfNeeded() {
        guard needsFlush, !reading, let context else { return }
        needsFlush = false
        context.flush()
        if configuration.idleTimeout != nil { lastActivity = .now() }
    }

    /// Sends a GOAWAY, then closes the connection once it is written.
    private func goAway(lastRequestID: UInt32, code: StatusCode, reason: String) {
        guard let context, !closing else { return }
        closing = true
        queued.removeAll()
        var message = Wire.GoAway()
        message.lastRequestId = lastRequestID
        message.code = code.rawValue
        message.reason = reason
        let channel = context.channel
        needsFlush = false
        context.writeAndFlush(wrapOutboundOut(channel.allocator.frame(message, type: .goAway, method: 0, requestID: 0)))
            .whenComplete { _ in channel.close(promise: nil) }
    }

    /// Takes queued frames while it can, then reads again if a read was held back.
    private func resume() {
        guard let context, !closing else { return }
        while !closing, !queued.isEmpty, canTakeFrames {
            let (frame, readAt) = queued.removeFirst()
            if frame.type == .request, frame.meta > 0, state.phase == .ready,
                NIODeadline.now() - readAt >= .milliseconds(Int64(frame.meta))
            {
                // Its deadline passed while it waited for a slot: it never starts.
                stopUnstarted(
                    frame, .deadlineExceeded, "deadline of \(frame.meta) ms exceeded before the request started")
                continue
            }
            handle(frame)
        }
        if readHeld, !closing, queued.isEmpty, canTakeFrames {
            readHeld = false
            context.read()
        }
    }

    private func publishInFlight() {
        connection.inFlight.store(state.inFlight.count, ordering: .relaxed)
    }

    // MARK: Frames

    private func handle(_ frame: InboundFrame) {
        switch frame.type {
        case .request:
            handleRequest(frame)
        case .cancel:
            cancel(frame.requestID)
        case .ping:
            guard frame.payload.readableBytes <= Frame.maxPingPayload else {
                goAway(
                    lastRequestID: frame.requestID, code: .invalidArgument,
                    reason: "PING payload over \(Frame.maxPingPayload) bytes")
                return
            }
            if state.phase == .awaitingHello {
                goAway(
                    lastRequestID: 0, code: .unauthenticated,
                    reason: "the first frame on a connection must be a Hello request")
                return
            }
            guard let context else { return }
            send(context.channel.allocator.frame(type: .pong, payload: frame.payload))
        case .pong:
            break
        case .response, .goAway:
            goAway(
                lastRequestID: state.lastRequestID, code: .invalidArgument,
                reason: "a client may not send \(frame.type) frames")
        }
    }

    /// CANCEL: a request still queued is answered CANCELLED without starting; one running in a
    /// task is cancelled. A write waiting for the log has no task: it is applied, and its answer
    /// stands.
    private func cancel(_ requestID: UInt32) {
        if let index = queued.firstIndex(where: { $0.frame.type == .request && $0.frame.requestID == requestID }) {
            let (frame, _) = queued.remove(at: index)
            stopUnstarted(frame, .cancelled, "cancelled by the client")
            flushIfNeeded()
            return
        }
        state.inFlight[requestID]?.task?.cancel()
    }

    /// Answers a request that never started (cancelled or out of time while queued).
    private func stopUnstarted(_ frame: InboundFrame, _ code: StatusCode, _ message: String) {
        if let method = Method(rawValue: frame.method) {
            metrics.record(method: method, code: code, since: .now)
        }
        respond(frame, status: Wire.Status(code: code, message: message))
    }

    private func handleRequest(_ frame: InboundFrame) {
        guard let context else { return }
        switch state.receivedRequest(id: frame.requestID, method: frame.method) {
        case .hello:
            hello(frame)
            return
        case .reject(let code, let message):
            respond(frame, status: Wire.Status(code: code, message: message))
            return
        case .rejectAndClose(let code, let message):
            respond(frame, status: Wire.Status(code: code, message: message))
            goAway(lastRequestID: frame.requestID, code: code, reason: message)
            return
        case .serve:
            break
        }
        guard let method = Method(rawValue: frame.method) else {
            respond(frame, status: Wire.Status(code: .unimplemented, message: "unknown method \(frame.method)"))
            return
        }
        let request = RequestContext(
            principal: state.principal!, method: method, requestID: frame.requestID,
            allocator: context.channel.allocator)
        let started = ContinuousClock.now
        switch dispatcher.dispatch(method, payload: frame.payload, context: request) {
        case .done(let buffer, let code):
            metrics.record(method: method, code: code, since: started)
            send(buffer)
        case .durable(let buffer, let sequence):
            waitForLog(buffer, sequence: sequence, request: request, started: started)
        case .later(let operation):
            startTask(frame, method: method, started: started, operation)
        }
    }

    private func hello(_ frame: InboundFrame) {
        guard let context else { return }
        let request: Wire.HelloRequest
        do {
            request = try frame.payload.withUnsafeReadableBytes { raw in try Wire.HelloRequest(decoding: raw) }
        } catch {
            let message = "\(error)"
            respond(frame, status: Wire.Status(code: .invalidArgument, message: message))
            goAway(lastRequestID: frame.requestID, code: .invalidArgument, reason: message)
            return
        }
        guard request.protocolVersion == Frame.protocolVersion else {
            let message =
                "protocol_version \(request.protocolVersion) is not supported; this server speaks \(Frame.protocolVersion)"
            respond(
                frame,
                status: Wire.Status(
                    code: .failedPrecondition, message: message,
                    fieldViolations: [Wire.FieldViolation(field: "protocol_version", description: "must be 1")]))
            goAway(lastRequestID: frame.requestID, code: .failedPrecondition, reason: message)
            return
        }
        let principal: ConnectionState.Principal
        let keys = dispatcher.keyRing.current
        if keys.isEmpty {
            principal = .init(role: .admin, name: "anonymous")
        } else if let match = keys.authenticate(request.apiKey) {
            principal = .init(role: match.role, name: match.name, bucket: match.bucket)
            connection.credential.withLock {
                $0 = Credential(digest: APIKeys.hash(request.apiKey), role: match.role, name: match.name)
            }
        } else {
            metrics.authFailures.increment()
            logger.info(
                "rejected API key", metadata: ["connection": "\(connection.id)", "client": "\(request.clientName)"])
            respond(frame, status: Wire.Status(code: .unauthenticated, message: "invalid API key"))
            goAway(lastRequestID: frame.requestID, code: .unauthenticated, reason: "invalid API key")
            return
        }
        state.authenticated(principal)
        helloTimer?.cancel()
        helloTimer = nil
        var response = Wire.HelloResponse()
        response.protocolVersion = Frame.protocolVersion
        response.serverVersion = configuration.serverVersion
        response.maxFrameBytes = UInt32(configuration.maxFrameBytes)
        response.maxInFlight = UInt32(configuration.maxInFlight)
        response.idleTimeoutMs = configuration.idleTimeout.map { UInt32(clamping: $0.milliseconds) } ?? 0
        response.role = principal.role.description
        send(
            context.channel.allocator.frame(response, type: .response, method: frame.method, requestID: frame.requestID)
        )
        logger.debug(
            "client authenticated",
            metadata: [
                "connection": "\(connection.id)", "client": "\(request.clientName)", "role": "\(principal.role)",
            ])
    }

    private func respond(_ frame: InboundFrame, status: Wire.Status) {
        guard let context else { return }
        send(
            context.channel.allocator.frame(
                status, type: .response, method: frame.method, requestID: frame.requestID, meta: status.code))
    }

    // MARK: Answers that come later

    /// Answers a write once its log record is durable, from the log writer's callback: no task.
    /// CANCEL and deadlines do not reach it; the write is applied and its answer stands.
    private func waitForLog(
        _ buffer: ByteBuffer, sequence: UInt64, request: RequestContext, started: ContinuousClock.Instant
    ) {
        guard let context, let durability = dispatcher.durability else { return }
        state.started(id: request.requestID, request: InFlightRequest(task: nil, timer: nil))
        publishInFlight()
        let delivery = Delivery(handler: NIOLoopBound(self, eventLoop: context.eventLoop), connection: connection)
        let dispatcher = self.dispatcher
        durability.whenDurable(sequence) { error in
            if let error {
                delivery.finish(
                    request.requestID, request.method, started, dispatcher.notDurableFrame(error, request), .unavailable
                )
            } else {
                delivery.finish(request.requestID, request.method, started, buffer, .ok)
            }
        }
    }

    /// Runs a call that awaits something in a task of its own, cancelled by CANCEL, its
    /// deadline, or the connection closing.
    private func startTask(
        _ frame: InboundFrame, method: Method, started: ContinuousClock.Instant,
        _ operation: @escaping @Sendable () async throws -> (ByteBuffer, StatusCode)
    ) {
        guard let context else { return }
        let requestID = frame.requestID
        let deadline = frame.meta
        let allocator = context.channel.allocator
        let cancelledStatus = Mutex<StatusCode>(.cancelled)
        let delivery = Delivery(handler: NIOLoopBound(self, eventLoop: context.eventLoop), connection: connection)
        let run: @Sendable () async -> Void = {
            var result: (ByteBuffer, StatusCode)?
            if !Task.isCancelled { result = try? await operation() }
            let (buffer, code) =
                result
                ?? {
                    // Cancelled before it started, or it stopped waiting when cancelled.
                    let status = cancelledStatus.withLock { $0 }
                    let s = Wire.Status(
                        code: status,
                        message: status == .deadlineExceeded
                            ? "deadline of \(deadline) ms exceeded" : "cancelled by the client")
                    return (
                        allocator.frame(
                            s, type: .response, method: method.rawValue, requestID: requestID, meta: s.code),
                        status
                    )
                }()
            delivery.finish(requestID, method, started, buffer, code)
        }
        let task: Task<Void, Never>
        if configuration.runOnEventLoop {
            task = Task(executorPreference: EventLoopTaskExecutor(context.eventLoop), operation: run)
        } else {
            task = Task(operation: run)
        }
        var timer: Scheduled<Void>?
        if deadline > 0 {
            timer = context.eventLoop.scheduleTask(in: .milliseconds(Int64(deadline))) {
                cancelledStatus.withLock { $0 = .deadlineExceeded }
                task.cancel()
            }
        }
        state.started(id: requestID, request: InFlightRequest(task: task, timer: timer))
        publishInFlight()
    }

    /// Writes a finished request's answer, on the event loop.
    fileprivate func finish(
        _ requestID: UInt32, _ method: Method, _ started: ContinuousClock.Instant, _ buffer: ByteBuffer,
        _ code: StatusCode
    ) {
        metrics.record(method: method, code: code, since: started)
        // Leave the table before sending, so the client may reuse the id at once.
        let finished = state.finished(id: requestID)
        finished?.timer?.cancel()
        publishInFlight()
        guard finished != nil, !closing, state.phase != .closed else { return }
        send(buffer)
        resume()
    }

    fileprivate func flushDeliveries() { flushIfNeeded() }
}

/// Hands answers that finish off the event loop (a log writer's callback, a task) back to the
/// handler. The last of the answers handed over together flushes them all.
private struct Delivery: Sendable {
    let handler: NIOLoopBound<ConnectionHandler>
    let connection: Connection

    func finish(
        _ requestID: UInt32, _ method: Method, _ started: ContinuousClock.Instant, _ buffer: ByteBuffer,
        _ code: StatusCode
    ) {
        connection.pendingDeliveries.add(1, ordering: .relaxed)
        handler.eventLoop.execute { [handler, connection] in
            let h = handler.value
            h.finish(requestID, method, started, buffer, code)
            if connection.pendingDeliveries.subtract(1, ordering: .relaxed).newValue == 0 { h.flushDeliveries() }
        }
    }
}
