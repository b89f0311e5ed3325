import NIOCore
import Synchronization

/// What the server keeps of a live connection, from any thread: its channel, and what its
/// `ConnectionHandler` (which owns everything else, on the channel's event loop) publishes.
final class Connection: Sendable {
    let id: UInt64
    let channel: any Channel
    /// Requests in flight (running in a task, or waiting for the log): graceful shutdown waits
    /// for this to reach zero.
    let inFlight = Atomic<Int>(0)
    /// Answers handed to the event loop but not yet written: the last one written flushes, so
    /// answers that finish together leave in one system call.
    let pendingDeliveries = Atomic<Int>(0)
    /// The key it authenticated with (nil before Hello, or with authentication off).
    let credential = Mutex<Credential?>(nil)

    init(id: UInt64, channel: any Channel) {
        self.id = id
        self.channel = channel
    }

    /// Tells the client the server is going away; in-flight requests still complete.
    func drain() {
        channel.pipeline.fireUserInboundEventTriggered(ConnectionHandler.Drain())
    }

    /// Ends the connection with GOAWAY UNAUTHENTICATED: its key was revoked or changed. Done
    /// once the GOAWAY is written and the connection closing, so nothing else is served on it.
    func revoke() async {
        let channel = self.channel
        try? await channel.eventLoop.submit {
            channel.pipeline.fireUserInboundEventTriggered(ConnectionHandler.Revoke())
        }.get()
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
