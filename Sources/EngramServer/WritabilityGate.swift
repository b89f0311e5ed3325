import EngramNIO
import NIOCore
import Synchronization

/// Lets a connection's loop wait while the socket's send buffer is full, so a client that
/// stops reading responses stops the server reading its requests, instead of growing memory.
final class WritabilityGate: Sendable {
    private let state = Mutex<(writable: Bool, waiter: CheckedContinuation<Void, Never>?)>((true, nil))

    func set(writable: Bool) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.writable = writable
            guard writable else { return nil }
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    func waitUntilWritable() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s -> Bool in
                if s.writable { return true }
                s.waiter = c
                return false
            }
            if ready { c.resume() }
        }
    }

    /// Releases a waiter when the connection closes.
    func close() { set(writable: true) }
}

/// Reports writability changes to a gate.
final class WritabilityHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = Any
    let gate: WritabilityGate

    init(gate: WritabilityGate) { self.gate = gate }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        gate.set(writable: context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        gate.close()
        context.fireChannelInactive()
    }
}
