import EngramCore
import EngramWire
import EngramNIO
import NIOCore
import NIOPosix
import Synchronization

/// Who is calling, and what.
struct RequestContext: Sendable {
    var principal: ConnectionState.Principal
    var method: Method
    var requestID: UInt32
    var allocator: ByteBufferAllocator
}

/// A request's answer: ready now, or after an await (durability, a snapshot).
enum Reply: Sendable {
    case done(ByteBuffer, StatusCode)
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
    let startedAtUs: Int64
    let liveConnections = Atomic<Int>(0)

    init(engine: Engine, durability: (any DurabilityWaiter)?, snapshotter: (any Snapshotter)?, status: (any ServerStatusSource)?,
         configuration: ServerConfiguration, startedAtUs: Int64) {
        self.engine = engine
        self.durability = durability
        self.snapshotter = snapshotter
        self.status = status
        self.configuration = configuration
        self.startedAtUs = startedAtUs
    }

    func dispatch(_ method: Method, payload: ByteBuffer, context: RequestContext) -> Reply {
        switch method {
        case .hello: return fail(ServiceError(.failedPrecondition, "Hello was already accepted on this connection"), context)
        case .ping: return read(PingRequest.self, payload, context, ping)
        case .serverInfo: return read(ServerInfoRequest.self, payload, context, serverInfo)
        case .snapshot: return snapshot(payload, context)
        case .createStore: return write(CreateStoreRequest.self, payload, context, createStore)
        case .getStore: return read(GetStoreRequest.self, payload, context, getStore)
        case .listStores: return read(ListStoresRequest.self, payload, context, listStores)
        case .updateStore: return write(UpdateStoreRequest.self, payload, context, updateStore)
        case .deleteStore: return write(DeleteStoreRequest.self, payload, context, deleteStore)
        case .getIdentitySettings: return read(GetIdentitySettingsRequest.self, payload, context, getIdentitySettings)
        case .putIdentitySettings: return write(PutIdentitySettingsRequest.self, payload, context, putIdentitySettings)
        case .resolveIdentity: return write(ResolveIdentityRequest.self, payload, context, resolveIdentity)
        case .lookupProfiles: return read(LookupProfilesRequest.self, payload, context, lookupProfiles)
        case .getProfile: return read(GetProfileRequest.self, payload, context, getProfile)
        case .updateTraits: return write(UpdateTraitsRequest.self, payload, context, updateTraits)
        case .deleteProfile: return write(DeleteProfileRequest.self, payload, context, deleteProfile)
        case .observe:
            guard engine.configuration.recall.embedder.isExpensive else {
                return write(ObserveRequest.self, payload, context, observe)
            }
            return offloaded { self.write(ObserveRequest.self, payload, context, self.observe) }
        case .listObservations: return read(ListObservationsRequest.self, payload, context, listObservations)
        case .listObservationRevisions: return read(ListObservationRevisionsRequest.self, payload, context, listObservationRevisions)
        case .deleteObservation: return write(DeleteObservationRequest.self, payload, context, deleteObservation)
        case .recall:
            let request: RecallRequest
            do throws(ServiceError) { request = try decode(RecallRequest.self, payload) } catch { return fail(error, context) }
            guard recallNeedsModel(request) else { return read(request, context, recall) }
            return offloaded { self.read(request, context, self.recall) }
        }
    }

    // MARK: Plumbing

    /// Runs a call that computes embeddings with a model (milliseconds of CPU) on NIO's
    /// blocking-work pool instead of the event loop, so other requests on the loop's
    /// connections are not held up behind it.
    private func offloaded(_ body: @escaping @Sendable () -> Reply) -> Reply {
        .later {
            switch try await NIOThreadPool.singleton.runIfActive(body) {
            case .done(let frame, let status): return (frame, status)
            case .later(let rest): return try await rest()
            }
        }
    }

    /// Whether a Recall may run the model: a ranked query whose vector is neither given
    /// nor cached.
    private func recallNeedsModel(_ request: RecallRequest) -> Bool {
        let embedder = engine.configuration.recall.embedder
        guard embedder.isExpensive, request.queryEmbedding.isEmpty else { return false }
        if !request.query.isEmpty { return !embedder.hasCachedQuery(request.query) }
        return !request.conversationId.isEmpty
    }

    private func decode<Request: ProtoMessage>(_ type: Request.Type, _ payload: ByteBuffer) throws(ServiceError) -> Request {
        let result: Result<Request, WireDecodingError> = payload.withUnsafeReadableBytes { raw in
            do throws(WireDecodingError) { return .success(try Request(decoding: raw)) } catch { return .failure(error) }
        }
        switch result {
        case .success(let r): return r
        case .failure(let e): throw ServiceError(e)
        }
    }

    private func encode<Response: ProtoMessage>(_ response: Response, _ context: RequestContext) -> ByteBuffer {
        context.allocator.frame(response, type: .response, method: context.method.rawValue, requestID: context.requestID)
    }

    func fail(_ error: ServiceError, _ context: RequestContext) -> Reply {
        .done(failureFrame(error, context), error.status.statusCode)
    }

    private func failureFrame(_ error: ServiceError, _ context: RequestContext) -> ByteBuffer {
        context.allocator.frame(error.status, type: .response, method: context.method.rawValue, requestID: context.requestID, meta: error.status.code)
    }

    /// A call that changes nothing: answered at once.
    private func read<Request: ProtoMessage, Response: ProtoMessage>(
        _ type: Request.Type, _ payload: ByteBuffer, _ context: RequestContext,
        _ body: (Request, RequestContext) throws(ServiceError) -> Response
    ) -> Reply {
        do throws(ServiceError) {
            return read(try decode(type, payload), context, body)
        } catch {
            return fail(error, context)
        }
    }

    /// A call that changes nothing, on a request already decoded.
    private func read<Request: ProtoMessage, Response: ProtoMessage>(
        _ request: Request, _ context: RequestContext, _ body: (Request, RequestContext) throws(ServiceError) -> Response
    ) -> Reply {
        do throws(ServiceError) {
            let response = try body(request, context)
            let frame = encode(response, context)
            guard frame.readableBytes <= configuration.maxFrameBytes else {
                throw ServiceError(
                    .resourceExhausted,
                    "the response would be \(frame.readableBytes) bytes, over max_frame_bytes \(configuration.maxFrameBytes); ask for a smaller page or limit")
            }
            return .done(frame, .ok)
        } catch {
            return fail(error, context)
        }
    }

    /// A mutation: applied now, acknowledged once the log holds it durably.
    private func write<Request: ProtoMessage, Response: ProtoMessage>(
        _ type: Request.Type, _ payload: ByteBuffer, _ context: RequestContext,
        _ body: (Request, RequestContext) throws(ServiceError) -> (Response, UInt64)
    ) -> Reply {
        do throws(ServiceError) {
            let (response, sequence) = try body(try decode(type, payload), context)
            let frame = encode(response, context)
            guard let durability, sequence > 0 else { return .done(frame, .ok) }
            return .later { [self] in
                do {
                    // The write is applied: a deadline or CANCEL must not turn it into an error,
                    // so the wait runs in a task of its own that cancellation does not reach.
                    try await Task { try await durability.waitUntilDurable(sequence) }.value
                    return (frame, .ok)
                } catch {
                    let e = ServiceError(.unavailable, "the write was applied in memory but could not be made durable: \(error)")
                    return (failureFrame(e, context), .unavailable)
                }
            }
        } catch {
            return fail(error, context)
        }
    }

    private func snapshot(_ payload: ByteBuffer, _ context: RequestContext) -> Reply {
        do throws(ServiceError) {
            _ = try decode(SnapshotRequest.self, payload)
            try context.requireAdmin()
            guard let snapshotter else {
                throw ServiceError(.failedPrecondition, "this server has no durable storage to snapshot")
            }
            return .later { [self] in
                do {
                    let info = try await snapshotter.snapshotNow()
                    var response = SnapshotResponse()
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

    // MARK: Operations

    private func ping(_ request: PingRequest, _ context: RequestContext) -> PingResponse {
        var response = PingResponse()
        response.payload = request.payload
        response.clientTimeUs = request.clientTimeUs
        response.serverTimeUs = EngineClockNow.microseconds()
        return response
    }

    private func serverInfo(_ request: ServerInfoRequest, _ context: RequestContext) -> ServerInfoResponse {
        var response = ServerInfoResponse()
        response.serverVersion = configuration.serverVersion
        response.protocolVersion = Frame.protocolVersion
        response.startedAtUs = startedAtUs
        response.uptimeUs = EngineClockNow.microseconds() - startedAtUs
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
        return response
    }
}
