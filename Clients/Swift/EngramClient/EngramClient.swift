import EngramNIO
import EngramWire
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A client for an Engram server.
///
/// One client holds a small pool of connections (one by default), each multiplexing many
/// concurrent calls. Connections open on first use and reopen with jittered exponential backoff
/// after a failure or a server's GOAWAY. Every call takes an optional deadline, which the server
/// enforces too; cancelling the calling task sends CANCEL.
///
/// ```swift
/// let client = EngramClient(configuration: .init(host: "127.0.0.1", port: 7411))
/// let store = try await client.createStore(.with { $0.displayName = "support" }).store!
/// let profile = try await client.resolveIdentity(.with {
///     $0.storeId = store.id
///     $0.identifiers = [Identifier(type: "email", value: "alyssa@example.com")]
/// }).profile!
/// ```
public final class EngramClient: Sendable {
    public let configuration: Configuration
    private let slots: [Slot]
    private let next = Atomic<Int>(0)
    private let tls: NIOSSLContext?

    /// - Parameter eventLoopGroup: where connections live; NIO's shared group by default.
    public init(
        configuration: Configuration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws {
        self.configuration = configuration
        self.tls = try configuration.tls.map { try NIOSSLContext(configuration: $0) }
        let count = max(1, configuration.connections)
        self.slots = (0..<count).map { _ in Slot(eventLoop: eventLoopGroup.next()) }
    }

    /// An executor on the first connection's event loop. Tasks that prefer it
    /// (`withTaskExecutorPreference`) make calls without hopping threads: the lowest latency.
    public var preferredExecutor: any TaskExecutor { slots[0].executor }

    /// Opens every connection now instead of on first use; throws if the server can't be reached.
    public func connect() async throws {
        for slot in slots { _ = try await connection(slot) }
    }

    /// Closes every connection. Calls in flight fail with UNAVAILABLE.
    public func close() {
        for slot in slots { slot.close() }
    }

    /// The server's Hello answer (version and limits) for the first connection.
    public func serverHello() async throws -> Wire.HelloResponse {
        try await connection(slots[0]).hello
    }

    /// Calls any method of the method table (`Methods`); the descriptor fixes the request and
    /// response types. The named methods (`observe`, `recall`, …) are thin wrappers over this.
    public func call<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: MethodDescriptor<Request, Response>, _ request: Request, deadline: Duration? = nil
    ) async throws -> Response {
        let slot = slots[slots.count == 1 ? 0 : next.add(1, ordering: .relaxed).oldValue % slots.count]
        let conn = try await connection(slot)
        return try await conn.call(method.method, request, deadline: deadline ?? configuration.defaultDeadline)
    }

    private func connection(_ slot: Slot) async throws -> ClientConnection {
        if let ready = slot.usable() { return ready }
        return try await slot.connecting { [configuration, tls] in
            try await Self.connectWithBackoff(configuration, eventLoop: slot.eventLoop, tls: tls)
        }
    }

    static func connectWithBackoff(_ configuration: Configuration, eventLoop: any EventLoop, tls: NIOSSLContext?)
        async throws -> ClientConnection
    {
        let giveUp = ContinuousClock.now + configuration.reconnectGiveUpAfter
        var backoff = configuration.reconnectInitialBackoff
        while true {
            do {
                return try await ClientConnection.connect(to: configuration, on: eventLoop, tls: tls)
            } catch let error as EngramClientError where error.code != .unavailable {
                throw error  // bad key or protocol version: retrying won't help
            } catch {
                let jittered = backoff * Double.random(in: 0.5...1.0)
                guard ContinuousClock.now + jittered < giveUp else {
                    throw EngramClientError.unavailable(
                        "cannot connect to \(configuration.host):\(configuration.port): \(error)")
                }
                try await Task.sleep(for: jittered)
                backoff = min(backoff * 2, configuration.reconnectMaxBackoff)
            }
        }
    }
}

/// One pooled connection: ready, being opened (shared by every caller that needs it), or absent.
final class Slot: Sendable {
    let eventLoop: any EventLoop
    let executor: EventLoopTaskExecutor
    private let state = Mutex<(ready: ClientConnection?, opening: Task<ClientConnection, any Error>?)>((nil, nil))

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.executor = EventLoopTaskExecutor(eventLoop)
    }

    func usable() -> ClientConnection? {
        state.withLock { s in
            guard let c = s.ready, c.isUsable else { return nil }
            return c
        }
    }

    func connecting(_ open: @escaping @Sendable () async throws -> ClientConnection) async throws -> ClientConnection {
        let task = state.withLock { s -> Task<ClientConnection, any Error> in
            if let t = s.opening { return t }
            s.ready?.close()  // unusable: closed or draining
            s.ready = nil
            let t = Task { try await open() }
            s.opening = t
            return t
        }
        do {
            let c = try await task.value
            state.withLock { s in
                if s.opening == task {
                    s.ready = c
                    s.opening = nil
                }
            }
            return c
        } catch {
            state.withLock { s in if s.opening == task { s.opening = nil } }
            throw error
        }
    }

    func close() {
        state.withLock { s in
            s.ready?.close()
            s.ready = nil
            s.opening?.cancel()
            s.opening = nil
        }
    }
}
