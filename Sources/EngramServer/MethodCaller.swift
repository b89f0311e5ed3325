import EngramNIO
import EngramWire
import NIOCore

/// Calls methods of the table in-process, for a door other than the binary protocol (HTTP/JSON).
///
/// A call goes through the same route a frame does: the request is encoded as the wire would
/// carry it, then the method's route decodes it, checks the descriptor's access rule and runs
/// the handler; a write is answered once the log holds it. So no door re-implements a rule of
/// the engine, and what a door serves is exactly what the log replays.
package struct MethodCaller: Sendable {
    let dispatcher: Dispatcher
    let metrics: ServerMetrics
    private let allocator = ByteBufferAllocator()

    /// Whether the server was started with API keys (without them, every caller is an admin and
    /// the server listens on loopback only).
    package var requiresKeys: Bool { !dispatcher.keyRing.current.isEmpty }

    /// The caller a key stands for, or nil when keys are configured and this is none of them.
    package func principal(apiKey: String?) -> ConnectionState.Principal? {
        let keys = dispatcher.keyRing.current
        if keys.isEmpty { return .init(role: .admin, name: "anonymous") }
        guard let apiKey, let match = keys.authenticate(apiKey) else {
            metrics.authFailures.increment()
            return nil
        }
        return .init(role: match.role, name: match.name, bucket: match.bucket)
    }

    /// Runs `method` with `request` as `principal`: the response, or the Status the binary
    /// protocol would have answered with.
    package func call<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: MethodDescriptor<Request, Response>, _ request: Request, as principal: ConnectionState.Principal
    ) async -> Result<Response, Wire.Status> {
        let started = ContinuousClock.now
        // The route takes the request as it is and leaves the response in the exchange: no
        // protobuf bytes either way (errors still come back as a Status frame).
        let exchange = InProcessExchange(request: request)
        let context = RequestContext(
            principal: principal, method: method.method, requestID: 1, allocator: allocator, exchange: exchange)
        let payload = ByteBuffer()
        let (answer, code): (ByteBuffer, StatusCode)
        switch dispatcher.dispatch(method.method, payload: payload, context: context) {
        case .done(let buffer, let status):
            (answer, code) = (buffer, status)
        case .durable(let buffer, let sequence):
            (answer, code) = await waitForLog(buffer, sequence, context)
        case .later(let operation):
            do {
                (answer, code) = try await operation()
            } catch is CancellationError {
                metrics.record(method: method.method, code: .cancelled, since: started)
                return .failure(Wire.Status(code: .cancelled, message: "the request was cancelled"))
            } catch {
                metrics.record(method: method.method, code: .internal, since: started)
                return .failure(Wire.Status(code: .internal, message: "\(error)"))
            }
        }
        metrics.record(method: method.method, code: code, since: started)
        if code == .ok, let response = exchange.response(as: Response.self) { return .success(response) }
        return Self.decode(answer, code: code, as: Response.self)
    }

    private func waitForLog(_ frame: ByteBuffer, _ sequence: UInt64, _ context: RequestContext) async -> (
        ByteBuffer, StatusCode
    ) {
        guard let durability = dispatcher.durability else { return (frame, .ok) }
        // The write is applied: the caller going away must not turn it into an error, so the
        // wait runs in a task of its own that cancellation does not reach.
        let failure: (any Error)? = await Task {
            await withCheckedContinuation { (c: CheckedContinuation<(any Error)?, Never>) in
                durability.whenDurable(sequence) { error in c.resume(returning: error) }
            }
        }.value
        guard let failure else { return (frame, .ok) }
        return (dispatcher.notDurableFrame(failure, context), .unavailable)
    }

    private static func decode<Response: ProtoMessage>(_ frame: ByteBuffer, code: StatusCode, as: Response.Type)
        -> Result<Response, Wire.Status>
    {
        var payload = frame
        payload.moveReaderIndex(forwardBy: Frame.headerSize)
        do {
            return try payload.withUnsafeReadableBytes { raw in
                if code == .ok { return .success(try Response(decoding: raw)) }
                return .failure(try Wire.Status(decoding: raw))
            }
        } catch {
            return .failure(Wire.Status(code: .internal, message: "the server's own answer did not decode: \(error)"))
        }
    }
}

extension EngramServer {
    /// The in-process door onto this server's method table, for the HTTP/JSON server.
    package var caller: MethodCaller { MethodCaller(dispatcher: dispatcher, metrics: metrics) }
}
