import EngramCore
import NIOSSL

/// Everything the server needs besides the engine.
public struct ServerConfiguration: Sendable {
    /// The address to bind. Anything but loopback requires API keys.
    public var host: String = "127.0.0.1"
    /// The extractors this server can run; a store may choose only these. engramd adds `.llm`
    /// when it is given an LLM endpoint.
    public var extractors: Set<ExtractorKind> = [.rules, .none]
    /// 0 picks a free port (tests); the protocol's default is 7411.
    public var port: Int = 7411
    /// The largest frame either side may send, header included.
    public var maxFrameBytes: Int = 4 * 1024 * 1024
    /// Requests in flight per connection before the server stops reading from it.
    public var maxInFlight: Int = 256
    /// Connections past this get a GOAWAY with RESOURCE_EXHAUSTED.
    public var maxConnections: Int = 10_000
    /// Hello must arrive within this long of connecting.
    public var helloTimeout: Duration = .seconds(5)
    /// A connection with no frame in either direction for this long is closed; nil = never.
    public var idleTimeout: Duration? = .seconds(300)
    /// How long a graceful shutdown waits for in-flight requests.
    public var shutdownTimeout: Duration = .seconds(10)
    /// API keys. Empty means no authentication, which is only allowed on loopback.
    public var keys: APIKeys = APIKeys()
    /// TLS, when set.
    public var tls: TLSConfiguration?
    /// Event-loop threads; 0 means one per core.
    public var eventLoopThreads: Int = 0
    /// Run requests that need a task (a snapshot, a model's embedding) on their channel's event
    /// loop (the default). Off, they run on Swift's global pool: kept to measure the hop.
    public var runOnEventLoop: Bool = true
    public var serverVersion: String = EngramVersion.current

    public init() {}
}

public enum EngramVersion {
    public static let current = "0.1.0"
}
