import EngramNIO
import EngramWire
import NIOCore

/// What the client asks its channel to do. Always handled on the channel's event loop, so the
/// table of pending calls needs no lock.
package enum ClientOutbound: Sendable {
    case request(id: UInt32, frame: ByteBuffer, response: EventLoopPromise<InboundFrame>, timeout: TimeAmount?)
    case cancel(id: UInt32)
}

/// Matches responses to calls by request id, answers the server's PINGs, and fails every
/// pending call when the connection goes away.
package final class ClientHandler: ChannelDuplexHandler {
    package typealias InboundIn = InboundFrame
    package typealias OutboundIn = ClientOutbound
    package typealias OutboundOut = ByteBuffer

    private var pending: [UInt32: (promise: EventLoopPromise<InboundFrame>, timer: Scheduled<Void>?)] = [:]
    private var closedReason: String?
    private let onGoAway: @Sendable (Wire.GoAway) -> Void

    package init(onGoAway: @escaping @Sendable (Wire.GoAway) -> Void) {
        self.onGoAway = onGoAway
    }

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .request(let id, let frame, let response, let timeout):
            if let closedReason {
                response.fail(EngramClientError.unavailable(closedReason))
                promise?.fail(EngramClientError.unavailable(closedReason))
                return
            }
            var timer: Scheduled<Void>?
            if let timeout {
                let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
                timer = context.eventLoop.scheduleTask(in: timeout) {
                    guard let entry = handler.value.pending.removeValue(forKey: id) else { return }
                    entry.promise.fail(
                        EngramClientError(code: .deadlineExceeded, message: "no response before the deadline"))
                }
            }
            pending[id] = (response, timer)
            context.write(wrapOutboundOut(frame), promise: promise)
        case .cancel(let id):
            guard let entry = pending.removeValue(forKey: id) else {
                promise?.succeed()
                return
            }
            entry.timer?.cancel()
            entry.promise.fail(EngramClientError(code: .cancelled, message: "cancelled by the caller"))
            let cancel = context.channel.allocator.frame(type: .cancel, requestID: id)
            context.write(wrapOutboundOut(cancel), promise: promise)
        }
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.type {
        case .response:
            if let entry = pending.removeValue(forKey: frame.requestID) {
                entry.timer?.cancel()
                entry.promise.succeed(frame)
            }
        case .ping:
            context.writeAndFlush(
                wrapOutboundOut(context.channel.allocator.frame(type: .pong, payload: frame.payload)), promise: nil)
        case .goAway:
            let message = frame.payload.withUnsafeReadableBytes { try? Wire.GoAway(decoding: $0) } ?? Wire.GoAway()
            onGoAway(message)
            if message.statusCode != .unavailable {
                // Anything but a graceful drain means the server is closing now.
                failAll("server sent GOAWAY: \(message.reason)")
            }
        case .pong, .request, .cancel:
            break
        }
    }

    package func channelInactive(context: ChannelHandlerContext) {
        failAll("connection closed")
        context.fireChannelInactive()
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll("connection failed: \(error)")
        context.close(promise: nil)
    }

    private func failAll(_ reason: String) {
        closedReason = closedReason ?? reason
        let entries = pending
        pending = [:]
        for (_, entry) in entries {
            entry.timer?.cancel()
            entry.promise.fail(EngramClientError.unavailable(reason))
        }
    }
}

extension Wire.GoAway {
    var statusCode: StatusCode { StatusCode(rawValue: code) }
}
