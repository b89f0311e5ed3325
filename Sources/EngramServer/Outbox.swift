import EngramNIO
import EngramWire
import NIOCore
import Synchronization

/// Writes responses to a connection, coalescing everything written in one event-loop tick into
/// a single flush (one system call for a burst of pipelined responses).
final class Outbox: Sendable {
    let channel: any Channel
    private let flushScheduled = Atomic<Bool>(false)
    private let closingState = Mutex<EventLoopFuture<Void>?>(nil)

    init(channel: any Channel) {
        self.channel = channel
    }

    func send(_ buffer: ByteBuffer) {
        guard channel.eventLoop.inEventLoop else {
            // Keep every write and flush decision on the loop, so a flush never runs between
            // another thread's write being queued and being applied.
            channel.eventLoop.execute { self.send(buffer) }
            return
        }
        channel.write(buffer, promise: nil)
        if !flushScheduled.exchange(true, ordering: .relaxed) {
            channel.eventLoop.execute {
                self.flushScheduled.store(false, ordering: .relaxed)
                self.channel.flush()
            }
        }
    }

    /// Sends a GOAWAY, then closes the connection once it is written. The returned future
    /// completes when the channel is closed.
    @discardableResult
    func goAway(lastRequestID: UInt32, code: StatusCode, reason: String) -> EventLoopFuture<Void> {
        var message = Wire.GoAway()
        message.lastRequestId = lastRequestID
        message.code = code.rawValue
        message.reason = reason
        let buffer = channel.allocator.frame(message, type: .goAway, method: 0, requestID: 0)
        let channel = self.channel
        channel.writeAndFlush(buffer).whenComplete { _ in channel.close(promise: nil) }
        closingState.withLock { $0 = channel.closeFuture }
        return channel.closeFuture
    }

    /// Set once a GOAWAY was sent: completes when the connection is closed.
    var closing: EventLoopFuture<Void>? { closingState.withLock { $0 } }
}
