import EngramNIO
import EngramWire
import Logging
import NIOCore
import Synchronization

/// Serves one client connection: the handshake, then requests until the peer leaves, the
/// server drains, or a protocol error ends it. Runs as one task, on the channel's event loop.
final class Connection: Sendable {
    let id: UInt64
    let channel: any Channel
    let outbox: Outbox
    let gate: WritabilityGate
    let dispatcher: Dispatcher
    let configuration: ServerConfiguration
    let logger: Logger
    let metrics: ServerMetrics
    private let state: Mutex<ConnectionState>
    /// Resumed when an in-flight slot frees up while the loop waits for one.
    private let slotWaiter = Mutex<CheckedContinuation<Void, Never>?>(nil)

    init(
        id: UInt64, channel: any Channel, gate: WritabilityGate, dispatcher: Dispatcher,
        configuration: ServerConfiguration, logger: Logger, metrics: ServerMetrics
    ) {
        self.id = id
        self.channel = channel
        self.outbox = Outbox(channel: channel)
        self.gate = gate
        self.dispatcher = dispatcher
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        self.state = Mutex(ConnectionState(maxInFlight: configuration.maxInFlight))
    }

    func serve(_ inbound: NIOAsyncChannelInboundStream<InboundFrame>) async {
        let helloTimer = channel.eventLoop.scheduleTask(in: .init(configuration.helloTimeout)) { [self] in
            if state.withLock({ $0.phase == .awaitingHello }) {
                outbox.goAway(
                    lastRequestID: 0, code: .deadlineExceeded, reason: "no Hello within \(configuration.helloTimeout)")
            }
        }
        defer { helloTimer.cancel() }
        do {
            var frames = inbound.makeAsyncIterator()
            while true {
                if state.withLock({ $0.isFull }) { await waitForSlot() }
                if !channel.isWritable { await gate.waitUntilWritable() }
                guard let frame = try await frames.next() else { break }
                if !handle(frame) { break }
            }
        } catch let error as FrameError {
            let code: StatusCode = error.code == .frameTooLarge ? .resourceExhausted : .invalidArgument
            logger.debug("protocol error", metadata: ["connection": "\(id)", "error": "\(error)"])
            outbox.goAway(lastRequestID: state.withLock { $0.lastRequestID }, code: code, reason: error.message)
        } catch {
            logger.debug("connection read failed", metadata: ["connection": "\(id)", "error": "\(error)"])
        }
        // The peer is gone or the connection is ending: cancel whatever is still running.
        for request in state.withLock({ $0.close() }) {
            request.task.cancel()
            request.timer?.cancel()
        }
        releaseSlotWaiter()
        // Let a GOAWAY reach the client before the channel is torn down.
        if let closing = outbox.closing { try? await closing.get() }
    }

    /// Tells the client the server is going away; in-flight requests still complete.
    func drain() {
        let last = state.withLock { s -> UInt32 in
            s.drain()
            return s.lastRequestID
        }
        var message = Wire.GoAway()
        message.lastRequestId = last
        message.code = StatusCode.unavailable.rawValue
        message.reason = "server shutting down"
        outbox.send(channel.allocator.frame(message, type: .goAway, method: 0, requestID: 0))
    }

    var inFlightCount: Int { state.withLock { $0.inFlight.count } }

    // MARK: Frames

    /// Handles one frame; false ends the connection.
    private func handle(_ frame: InboundFrame) -> Bool {
        switch frame.type {
        case .request:
            return handleRequest(frame)
        case .cancel:
            let task = state.withLock { $0.inFlight[frame.requestID]?.task }
            task?.cancel()
            return true
        case .ping:
            guard frame.payload.readableBytes <= Frame.maxPingPayload else {
                outbox.goAway(
                    lastRequestID: frame.requestID, code: .invalidArgument,
                    reason: "PING payload over \(Frame.maxPingPayload) bytes")
                return false
            }
            if state.withLock({ $0.phase == .awaitingHello }) {
                outbox.goAway(
                    lastRequestID: 0, code: .unauthenticated,
                    reason: "the first frame on a connection must be a Hello request")
                return false
            }
            outbox.send(channel.allocator.frame(type: .pong, payload: frame.payload))
            return true
        case .pong:
            return true
        case .response, .goAway:
            outbox.goAway(
                lastRequestID: state.withLock { $0.lastRequestID }, code: .invalidArgument,
                reason: "a client may not send \(frame.type) frames")
            return false
        }
    }

    private func handleRequest(_ frame: InboundFrame) -> Bool {
        let decision = state.withLock { $0.receivedRequest(id: frame.requestID, method: frame.method) }
        switch decision {
        case .hello:
            return hello(frame)
        case .reject(let code, let message):
            respond(frame, status: Wire.Status(code: code, message: message))
            return true
        case .rejectAndClose(let code, let message):
            respond(frame, status: Wire.Status(code: code, message: message))
            outbox.goAway(lastRequestID: frame.requestID, code: code, reason: message)
            return false
        case .serve:
            break
        }
        guard let method = Method(rawValue: frame.method) else {
            respond(frame, status: Wire.Status(code: .unimplemented, message: "unknown method \(frame.method)"))
            return true
        }
        let principal = state.withLock { $0.principal }!
        let context = RequestContext(
            principal: principal, method: method, requestID: frame.requestID, allocator: channel.allocator)
        let started = ContinuousClock.now
        let reply = dispatcher.dispatch(method, payload: frame.payload, context: context)
        switch reply {
        case .done(let buffer, let code):
            metrics.record(method: method, code: code, since: started)
            outbox.send(buffer)
        case .later(let operation):
            startTask(frame, method: method, started: started, operation)
        }
        return true
    }

    private func hello(_ frame: InboundFrame) -> Bool {
        let request: Wire.HelloRequest
        do {
            request = try frame.payload.withUnsafeReadableBytes { raw in try Wire.HelloRequest(decoding: raw) }
        } catch {
            let message = "\(error)"
            respond(frame, status: Wire.Status(code: .invalidArgument, message: message))
            outbox.goAway(lastRequestID: frame.requestID, code: .invalidArgument, reason: message)
            return false
        }
        guard request.protocolVersion == Frame.protocolVersion else {
            let message =
                "protocol_version \(request.protocolVersion) is not supported; this server speaks \(Frame.protocolVersion)"
            respond(
                frame,
                status: Wire.Status(
                    code: .failedPrecondition, message: message,
                    fieldViolations: [Wire.FieldViolation(field: "protocol_version", description: "must be 1")]))
            outbox.goAway(lastRequestID: frame.requestID, code: .failedPrecondition, reason: message)
            return false
        }
        let principal: ConnectionState.Principal
        if configuration.keys.isEmpty {
            principal = .init(role: .admin, name: "anonymous")
        } else if let match = configuration.keys.authenticate(request.apiKey) {
            principal = .init(role: match.role, name: match.name)
        } else {
            metrics.authFailures.increment()
            logger.info("rejected API key", metadata: ["connection": "\(id)", "client": "\(request.clientName)"])
            respond(frame, status: Wire.Status(code: .unauthenticated, message: "invalid API key"))
            outbox.goAway(lastRequestID: frame.requestID, code: .unauthenticated, reason: "invalid API key")
            return false
        }
        state.withLock { $0.authenticated(principal) }
        var response = Wire.HelloResponse()
        response.protocolVersion = Frame.protocolVersion
        response.serverVersion = configuration.serverVersion
        response.maxFrameBytes = UInt32(configuration.maxFrameBytes)
        response.maxInFlight = UInt32(configuration.maxInFlight)
        response.idleTimeoutMs = configuration.idleTimeout.map { UInt32(clamping: $0.milliseconds) } ?? 0
        response.role = principal.role.description
        outbox.send(
            channel.allocator.frame(response, type: .response, method: frame.method, requestID: frame.requestID))
        logger.debug(
            "client authenticated",
            metadata: ["connection": "\(id)", "client": "\(request.clientName)", "role": "\(principal.role)"])
        return true
    }

    private func respond(_ frame: InboundFrame, status: Wire.Status) {
        outbox.send(
            channel.allocator.frame(
                status, type: .response, method: frame.method, requestID: frame.requestID, meta: status.code))
    }

    // MARK: Requests in their own task

    private func startTask(
        _ frame: InboundFrame, method: Method, started: ContinuousClock.Instant,
        _ operation: @escaping @Sendable () async throws -> (ByteBuffer, StatusCode)
    ) {
        let requestID = frame.requestID
        let deadline = frame.meta
        let cancelledStatus = Mutex<StatusCode>(.cancelled)
        let run: @Sendable () async -> Void = { [self] in
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
                        channel.allocator.frame(
                            s, type: .response, method: method.rawValue, requestID: requestID, meta: s.code), status
                    )
                }()
            metrics.record(method: method, code: code, since: started)
            // Leave the table before sending, so the client may reuse the id at once.
            state.withLock { $0.finished(id: requestID) }?.timer?.cancel()
            outbox.send(buffer)
            releaseSlotWaiter()
        }
        let task: Task<Void, Never>
        if configuration.runOnEventLoop {
            task = Task(executorPreference: EventLoopTaskExecutor(channel.eventLoop), operation: run)
        } else {
            task = Task(operation: run)
        }
        var timer: Scheduled<Void>?
        if deadline > 0 {
            timer = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(deadline))) {
                cancelledStatus.withLock { $0 = .deadlineExceeded }
                task.cancel()
            }
        }
        state.withLock { $0.started(id: requestID, request: InFlightRequest(task: task, timer: timer)) }
    }

    private func waitForSlot() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let full = state.withLock { $0.isFull }
            if !full {
                c.resume()
                return
            }
            slotWaiter.withLock { $0 = c }
            // A slot may have freed between the check and the store.
            if !state.withLock({ $0.isFull }) { releaseSlotWaiter() }
        }
    }

    private func releaseSlotWaiter() {
        slotWaiter.withLock { w -> CheckedContinuation<Void, Never>? in
            defer { w = nil }
            return w
        }?.resume()
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (s, a) = components
        return s * 1000 + a / 1_000_000_000_000_000
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (s, a) = duration.components
        self = .nanoseconds(s * 1_000_000_000 + a / 1_000_000_000)
    }
}
