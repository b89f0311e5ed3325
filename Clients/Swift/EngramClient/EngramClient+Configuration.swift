import NIOSSL

extension EngramClient {
    /// How to reach a server, and how to behave when it misbehaves.
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// Sent in Hello; empty for a server without keys.
        public var apiKey: String
        public var clientName: String
        /// TLS, when set (the server must be configured for it).
        public var tls: TLSConfiguration?
        /// Connections to spread calls over; each multiplexes many calls.
        public var connections: Int = 1
        public var connectTimeout: Duration = .seconds(5)
        /// A deadline for calls that don't give their own; nil = none.
        public var defaultDeadline: Duration?
        /// Reconnect backoff: the first wait, doubling up to the maximum, with jitter.
        public var reconnectInitialBackoff: Duration = .milliseconds(50)
        public var reconnectMaxBackoff: Duration = .seconds(5)
        /// How long a call keeps retrying to connect before failing with UNAVAILABLE.
        public var reconnectGiveUpAfter: Duration = .seconds(10)

        public init(
            host: String = "127.0.0.1", port: Int = 7411, apiKey: String = "", clientName: String = "engram-swift"
        ) {
            self.host = host
            self.port = port
            self.apiKey = apiKey
            self.clientName = clientName
        }
    }
}
