import EngramCore
import EngramNIO
import EngramWire
import NIOCore
import NIOPosix
import Synchronization

/// Who is calling, and what.
struct RequestContext: Sendable {
    var principal: ConnectionState.Principal
    var method: Method
    var requestID: UInt32
    var allocator: ByteBufferAllocator
    /// Set for an in-process caller (the HTTP door): the request and response travel as values.
    var exchange: InProcessExchange? = nil
}

/// The request and response of one in-process call as values, so a door that already holds
/// the request message (and wants the response message) skips protobuf's bytes both ways:
/// the same route, access check and handler run, only the encoding is left out.
final class InProcessExchange: Sendable {
    let request: any ProtoMessage
    private let answer = Mutex<(any ProtoMessage)?>(nil)

    init(request: any ProtoMessage) { self.request = request }

    func put(_ response: any ProtoMessage) { answer.withLock { $0 = response } }
    func response<Response: ProtoMessage>(as: Response.Type) -> Response? { answer.withLock { $0 as? Response } }
}

/// A request's answer: ready now, once the log holds a write, or after an await (a snapshot,
/// a model's embedding).
enum Reply: Sendable {
    case done(ByteBuffer, StatusCode)
    /// A write applied in memory: the answer goes out once log record `sequence` is durable.
    case durable(ByteBuffer, sequence: UInt64)
    case later(@Sendable () async throws -> (ByteBuffer, StatusCode))
}

/// Decodes requests, checks rights, calls the engine, and encodes responses. Engine calls are
/// short and synchronous, so they run inline on the connection's event loop; only waits (for the
/// log's fsync, a snapshot) become tasks, and calls that run a neural embedder go to NIO's
/// thread pool.
final class Dispatcher: Sendable {
    let engine: Engine
    let durability: (any DurabilityWaiter)?
    let snapshotter: (any Snapshotter)?
    let status: (any ServerStatusSource)?
    let configuration: ServerConfiguration
    /// The API keys in force: `configuration.keys` at start, then whatever a reload put in.
    let keyRing: KeyRing
    let startedAtUs: Int64
    let liveConnections = Atomic<Int>(0)
    let responseSizes = FrameSizeHints()

    init(
        engine: Engine, durability: (any DurabilityWaiter)?, snapshotter: (any Snapshotter)?,
        status: (any ServerStatusSource)?,
        configuration: ServerConfiguration, startedAtUs: Int64
    ) {
        self.engine = engine
        self.durability = durability
        self.snapshotter = snapshotter
        self.status = status
        self.configuration = configuration
        self.keyRing = KeyRing(configuration.keys)
        self.startedAtUs = startedAtUs
    }

    /// Serves one request: the method table's route decodes it, checks access, and runs the
    /// method's handler.
    func dispatch(_ method: Method, payload: ByteBuffer, context: RequestContext) -> Reply {
        guard let route = Self.routes.route(for: method) else {
            return fail(ServiceError(.unimplemented, "method \(method) has no handler in this server"), context)
        }
        return route(self, payload, context)
    }

    /// One handler per method of the table (`Methods`).
    static let routes: Router = {
        var r = Router()
        r.add(Methods.hello) { d, _, c in
            d.fail(ServiceError(.failedPrecondition, "Hello was already accepted on this connection"), c)
        }
        r.add(Methods.ping) { d, q, c in d.answer(q, c) { q, c throws(ServiceError) in d.ping(q, c) } }
        r.add(Methods.serverInfo) { d, q, c in d.answer(q, c) { q, c throws(ServiceError) in d.serverInfo(q, c) } }
        r.add(Methods.snapshot) { d, _, c in d.snapshot(c) }
        r.add(Methods.createStore) { d, q, c in d.commit(q, c, d.createStore) }
        r.add(Methods.getStore) { d, q, c in d.answer(q, c, d.getStore) }
        r.add(Methods.listStores) { d, q, c in d.answer(q, c, d.listStores) }
        r.add(Methods.updateStore) { d, q, c in d.commit(q, c, d.updateStore) }
        r.add(Methods.deleteStore) { d, q, c in d.commit(q, c, d.deleteStore) }
        r.add(Methods.getIdentitySettings) { d, q, c in d.answer(q, c, d.getIdentitySettings) }
        r.add(Methods.putIdentitySettings) { d, q, c in d.commit(q, c, d.putIdentitySettings) }
        r.add(Methods.resolveIdentity) { d, q, c in d.commit(q, c, d.resolveIdentity) }
        r.add(Methods.lookupProfiles) { d, q, c in d.answer(q, c, d.lookupProfiles) }
        r.add(Methods.getProfile) { d, q, c in d.answer(q, c, d.getProfile) }
        r.add(Methods.updateTraits) { d, q, c in d.commit(q, c, d.updateTraits) }
        r.add(Methods.deleteProfile) { d, q, c in d.commit(q, c, d.deleteProfile) }
        r.add(Methods.listProfiles) { d, q, c in d.answer(q, c, d.listProfiles) }
        r.add(Methods.observe) { d, q, c in
            guard d.engine.configuration.recall.embedder.isExpensive else { return d.commit(q, c, d.observe) }
            return d.offloaded(c) { d.commit(q, c, d.observe) }
        }
        r.add(Methods.listObservations) { d, q, c in d.answer(q, c, d.listObservations) }
        r.add(Methods.listObservationRevisions) { d, q, c in d.answer(q, c, d.listObservationRevisions) }
        r.add(Methods.deleteObservation) { d, q, c in d.commit(q, c, d.deleteObservation) }
        r.add(Methods.listSummaries) { d, q, c in d.answer(q, c, d.listSummaries) }
        r.add(Methods.appendCommunications) { d, q, c in d.commit(q, c, d.appendCommunications) }
        r.add(Methods.closeConversation) { d, q, c in d.commit(q, c, d.closeConversation) }
        r.add(Methods.getConversation) { d, q, c in d.answer(q, c, d.getConversation) }
        r.add(Methods.listConversations) { d, q, c in d.answer(q, c, d.listConversations) }
        r.add(Methods.listCommunications) { d, q, c in d.answer(q, c, d.listCommunications) }
        r.add(Methods.recall) { d, q, c in
            guard d.recallNeedsModel(q) else { return d.answer(q, c, d.recall) }
            return d.offloaded(c) { d.answer(q, c, d.recall) }
        }
        r.add(Methods.createKnowledgeBase) { d, q, c in d.commit(q, c, d.createKnowledgeBase) }
        r.add(Methods.getKnowledgeBase) { d, q, c in d.answer(q, c, d.getKnowledgeBase) }
        r.add(Methods.listKnowledgeBases) { d, q, c in d.answer(q, c, d.listKnowledgeBases) }
        r.add(Methods.updateKnowledgeBase) { d, q, c in d.commit(q, c, d.updateKnowledgeBase) }
        r.add(Methods.deleteKnowledgeBase) { d, q, c in d.commit(q, c, d.deleteKnowledgeBase) }
        // Cutting and embedding a document of up to 16 MiB: never on the event loop.
        r.add(Methods.addKnowledge) { d, q, c in d.offloaded(c) { d.commit(q, c, d.addKnowledge) } }
        r.add(Methods.getKnowledge) { d, q, c in d.answer(q, c, d.getKnowledge) }
        r.add(Methods.listKnowledge) { d, q, c in d.answer(q, c, d.listKnowledge) }
        r.add(Methods.updateKnowledge) { d, q, c in d.offloaded(c) { d.commit(q, c, d.updateKnowledge) } }
        r.add(Methods.deleteKnowledge) { d, q, c in d.commit(q, c, d.deleteKnowledge) }
        r.add(Methods.listChunks) { d, q, c in d.answer(q, c, d.listChunks) }
        r.add(Methods.searchKnowledge) { d, q, c in
            guard d.searchNeedsModel(q) else { return d.answer(q, c, d.searchKnowledge) }
            return d.offloaded(c) { d.answer(q, c, d.searchKnowledge) }
        }
        r.requireEveryMethod()
        return r
    }()

    // MARK: Plumbing

    /// Runs a call that computes embeddings with a model (milliseconds of CPU) on NIO's
    /// blocking-work pool instead of the event loop, so other requests on the loop's
    /// connections are not held up behind it.
    func offloaded(_ context: RequestContext, _ body: @escaping @Sendable () -> Reply) -> Reply {
        .later { [self] in
            switch try await NIOThreadPool.singleton.runIfActive(body) {
            case .done(let frame, let status): return (frame, status)
            case .durable(let frame, let sequence): return await afterDurable(frame, sequence, context)
            case .later(let rest): return try await rest()
            }
        }
    }

    /// Whether a Recall may run the model: a ranked query whose vector is neither given
    /// nor cached.
    func recallNeedsModel(_ request: Wire.RecallRequest) -> Bool {
        let embedder = engine.configuration.recall.embedder
        guard embedder.isExpensive, request.queryEmbedding.isEmpty else { return false }
        if !request.query.isEmpty { return !embedder.hasCachedQuery(request.query) }
        return !request.conversationId.isEmpty
    }

    func decode<Request: ProtoMessage>(_ type: Request.Type, _ payload: ByteBuffer) throws(ServiceError) -> Request {
        let result: Result<Request, WireDecodingError> = payload.withUnsafeReadableBytes { raw in
            do throws(WireDecodingError) { return .success(try Request(decoding: raw)) } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let r): return r
        case .failure(let e): throw ServiceError(e)
        }
    }

    private func encode<Response: ProtoMessage>(_ response: Response, _ context: RequestContext) -> ByteBuffer {
        if let exchange = context.exchange {
            exchange.put(response)
            return ByteBuffer()
        }
        let method = context.method.rawValue
        let frame = context.allocator.frame(
            response, type: .response, method: method, requestID: context.requestID,
            sizeHint: responseSizes.hint(method))
        responseSizes.record(method, bytes: frame.readableBytes)
        return frame
    }

    func fail(_ error: ServiceError, _ context: RequestContext) -> Reply {
        .done(failureFrame(error, context), error.status.statusCode)
    }

    private func failureFrame(_ error: ServiceError, _ context: RequestContext) -> ByteBuffer {
        context.allocator.frame(
            error.status, type: .response, method: context.method.rawValue, requestID: context.requestID,
            meta: error.status.code)
    }

    /// A call that changes nothing: answered at once.
    func answer<Request: ProtoMessage, Response: ProtoMessage>(
        _ request: Request, _ context: RequestContext,
        _ body: (Request, RequestContext) throws(ServiceError) -> Response
    ) -> Reply {
        do throws(ServiceError) {
            let response = try body(request, context)
            let frame = encode(response, context)
            guard frame.readableBytes <= configuration.maxFrameBytes else {
                throw ServiceError(
                    .resourceExhausted,
                    "the response would be \(frame.readableBytes) bytes, over max_frame_bytes \(configuration.maxFrameBytes); ask for a smaller page or limit"
                )
            }
            return .done(frame, .ok)
        } catch {
            return fail(error, context)
        }
    }

    /// A mutation: applied now, acknowledged once the log holds it durably.
    func commit<Request: ProtoMessage, Response: ProtoMessage>(
        _ request: Request, _ context: RequestContext,
        _ body: (Request, RequestContext) throws(ServiceError) -> (Response, UInt64)
    ) -> Reply {
        do throws(ServiceError) {
            let (response, sequence) = try body(request, context)
            let frame = encode(response, context)
            // A call that changed nothing answers the position it read; usually durable already.
            guard let durability, sequence > 0, !durability.isDurable(sequence) else { return .done(frame, .ok) }
            return .durable(frame, sequence: sequence)
        } catch {
            return fail(error, context)
        }
    }

    /// Waits for a write's log record from a task (an offloaded call); the connection handler
    /// waits for `.durable` replies with a callback instead.
    private func afterDurable(_ frame: ByteBuffer, _ sequence: UInt64, _ context: RequestContext) async -> (
        ByteBuffer, StatusCode
    ) {
        guard let durability else { return (frame, .ok) }
        do {
            // The write is applied: a deadline or CANCEL must not turn it into an error, so the
            // wait runs in a task of its own that cancellation does not reach.
            try await Task { try await durability.waitUntilDurable(sequence) }.value
            return (frame, .ok)
        } catch {
            return (notDurableFrame(error, context), .unavailable)
        }
    }

    /// The answer to a write whose log record could not be made durable.
    func notDurableFrame(_ error: any Error, _ context: RequestContext) -> ByteBuffer {
        failureFrame(
            ServiceError(.unavailable, "the write was applied in memory but could not be made durable: \(error)"),
            context)
    }

    private func snapshot(_ context: RequestContext) -> Reply {
        do throws(ServiceError) {
            guard let snapshotter else {
                throw ServiceError(.failedPrecondition, "this server has no durable storage to snapshot")
            }
            return .later { [self] in
                do {
                    let info = try await Self.stoppable { try await snapshotter.snapshotNow() }
                    var response = Wire.SnapshotResponse()
                    response.sequence = info.sequence
                    response.path = info.path
                    response.sizeBytes = info.sizeBytes
                    response.durationUs = info.durationUs
                    return (encode(response, context), .ok)
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    let e = ServiceError(.dataLoss, "snapshot failed: \(error)")
                    return (failureFrame(e, context), .dataLoss)
                }
            }
        } catch {
            return fail(error, context)
        }
    }

    /// Awaits `body`, but returns (throwing `CancellationError`) as soon as the calling task is
    /// cancelled, whether or not `body` notices: a Snapshot waits for a file it has no effect on
    /// until it is done, and its deadline or CANCEL must end the wait (FRAMING.md), while the
    /// snapshot itself finishes in the background.
    static func stoppable<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let waiter = OneShot<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, any Error>) in
                waiter.set(c)
                Task {
                    let result: Result<T, any Error>
                    do { result = .success(try await body()) } catch { result = .failure(error) }
                    waiter.resume(with: result)
                }
                // Cancelled before the continuation was stored: the handler found nothing.
                if Task.isCancelled { waiter.resume(with: .failure(CancellationError())) }
            }
        } onCancel: {
            waiter.resume(with: .failure(CancellationError()))
        }
    }

    /// A continuation resumed by whichever comes first; later resumes do nothing.
    private final class OneShot<T: Sendable>: Sendable {
        private let continuation = Mutex<CheckedContinuation<T, any Error>?>(nil)

        func set(_ c: CheckedContinuation<T, any Error>) { continuation.withLock { $0 = c } }

        func resume(with result: Result<T, any Error>) {
            continuation.withLock { c in
                defer { c = nil }
                return c
            }?.resume(with: result)
        }
    }

    // MARK: Operations

    func ping(_ request: Wire.PingRequest, _ context: RequestContext) -> Wire.PingResponse {
        var response = Wire.PingResponse()
        response.payload = request.payload
        response.clientTimeUs = request.clientTimeUs
        response.serverTimeUs = engine.now()
        return response
    }

    func serverInfo(_ request: Wire.ServerInfoRequest, _ context: RequestContext) -> Wire.ServerInfoResponse {
        var response = Wire.ServerInfoResponse()
        response.serverVersion = configuration.serverVersion
        response.protocolVersion = Frame.protocolVersion
        response.startedAtUs = startedAtUs
        response.uptimeUs = engine.now() - startedAtUs
        response.shardCount = UInt32(engine.configuration.shardCount)
        if case .admin = context.principal.role {
            let counts = engine.counts()
            response.storeCount = UInt64(counts.stores)
            response.profileCount = UInt64(counts.profiles)
            response.observationCount = UInt64(counts.observations)
            response.connectionCount = UInt64(liveConnections.load(ordering: .relaxed))
        }
        let storage = status?.storageStatus() ?? StorageStatus()
        response.logSequence = storage.logSequence
        response.snapshotSequence = storage.snapshotSequence
        response.snapshotAtUs = storage.snapshotAtUs
        response.fsyncMode = storage.fsyncMode
        let embedder = engine.configuration.recall.embedder
        response.embedder = embedder.name
        response.embeddingDimension = UInt32(embedder.dimension)
        response.embedderVersion = embedder.version
        let progress = engine.reembedProgress
        response.reembedPendingProfiles = UInt64(progress.pendingProfiles)
        response.reembedDoneProfiles = UInt64(progress.doneProfiles)
        response.reembedVectors = UInt64(progress.vectors)
        let extraction = engine.extractionStats()
        response.extractionPending = UInt64(extraction.pending)
        response.extractionRunning = UInt64(extraction.running)
        response.extractionCompleted = UInt64(extraction.completed)
        response.extractionFailed = UInt64(extraction.failed)
        response.extractionMeanLatencyUs = extraction.meanLatency
        response.extractionMaxLatencyUs = extraction.maxLatency
        return response
    }
}
