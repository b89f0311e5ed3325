import EngramClient
import EngramNIO
import EngramTestSupport
import EngramWire
import NIOCore
import NIOEmbedded
import Testing

/// The Swift client's handler on an `EmbeddedChannel`: no socket, no server. It matches
/// responses to calls by request id, answers PINGs, turns cancellation into a CANCEL frame,
/// enforces deadlines, and fails every pending call when the connection goes away.
@Suite struct ClientHandlerTests {
    let goAways = Locked<[Wire.GoAway]>([])

    func channel() throws -> EmbeddedChannel {
        let goAways = self.goAways
        let channel = EmbeddedChannel(
            handler: ClientHandler(onGoAway: { message in goAways.withLock { $0.append(message) } }))
        return channel
    }

    func request(_ channel: EmbeddedChannel, id: UInt32, timeout: TimeAmount? = nil) throws -> (
        EventLoopFuture<InboundFrame>, ByteBuffer
    ) {
        let promise = channel.eventLoop.makePromise(of: InboundFrame.self)
        let frame = channel.allocator.frame(
            Wire.PingRequest(), type: .request, method: Methods.ping.id, requestID: id)
        // A write the handler refuses (after GOAWAY) fails both the write and the call.
        _ = try? channel.writeOutbound(
            ClientOutbound.request(id: id, frame: frame, response: promise, timeout: timeout))
        return (promise.futureResult, frame)
    }

    func response(id: UInt32, payload: [UInt8] = [7]) -> InboundFrame {
        InboundFrame(
            type: .response, method: Methods.ping.id, requestID: id, meta: 0, payload: ByteBuffer(bytes: payload))
    }

    func result(_ future: EventLoopFuture<InboundFrame>) -> Result<InboundFrame, any Error>? {
        let result = Locked<Result<InboundFrame, any Error>?>(nil)
        future.whenComplete { outcome in result.withLock { $0 = outcome } }
        return result.withLock { $0 }
    }

    func failureCode(_ future: EventLoopFuture<InboundFrame>) -> StatusCode? {
        guard case .failure(let error as EngramClientError)? = result(future) else { return nil }
        return error.code
    }

    @Test func responsesAreMatchedByRequestIDInAnyOrder() throws {
        let channel = try channel()
        let (first, sent) = try request(channel, id: 1)
        let (second, _) = try request(channel, id: 2)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == sent)
        try channel.writeInbound(response(id: 9))  // unknown: ignored
        try channel.writeInbound(response(id: 2, payload: [2]))
        #expect(result(first) == nil, "call 1 is still pending")
        guard case .success(let frame)? = result(second) else {
            Issue.record("call 2 not answered")
            return
        }
        #expect(frame.payload == ByteBuffer(bytes: [2]))
        try channel.writeInbound(response(id: 1, payload: [1]))
        guard case .success(let frame1)? = result(first) else {
            Issue.record("call 1 not answered")
            return
        }
        #expect(frame1.payload == ByteBuffer(bytes: [1]))
        _ = try channel.finish()
    }

    @Test func pingIsAnsweredWithAPongEchoingItsPayload() throws {
        let channel = try channel()
        try channel.writeInbound(
            InboundFrame(type: .ping, method: 0, requestID: 0, meta: 0, payload: ByteBuffer(bytes: [1, 2, 3, 4])))
        let pong = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(Array(pong.readableBytesView) == Frame(type: .pong, payload: [1, 2, 3, 4]).encoded())
        _ = try channel.finish()
    }

    @Test func cancellingFailsTheCallAndSendsCancel() throws {
        let channel = try channel()
        let (call, _) = try request(channel, id: 5)
        _ = try channel.readOutbound(as: ByteBuffer.self)
        try channel.writeOutbound(ClientOutbound.cancel(id: 5))
        #expect(failureCode(call) == .cancelled)
        let cancel = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(Array(cancel.readableBytesView) == Frame(type: .cancel, requestID: 5).encoded())
        // A late response to the cancelled call is dropped; cancelling twice writes nothing.
        try channel.writeInbound(response(id: 5))
        try channel.writeOutbound(ClientOutbound.cancel(id: 5))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        _ = try channel.finish()
    }

    @Test func aCallPastItsDeadlineFailsWithDeadlineExceeded() throws {
        let channel = try channel()
        let (call, _) = try request(channel, id: 3, timeout: .milliseconds(50))
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(49))
        #expect(result(call) == nil)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(failureCode(call) == .deadlineExceeded)
        _ = try channel.finish()
    }

    @Test func goAwayFailsPendingCallsAndLaterOnesAtOnce() throws {
        let channel = try channel()
        let (call, _) = try request(channel, id: 1)
        var goAway = Wire.GoAway()
        goAway.code = StatusCode.resourceExhausted.rawValue
        goAway.reason = "too many connections"
        try channel.writeInbound(
            InboundFrame(
                type: .goAway, method: 0, requestID: 0, meta: 0,
                payload: ByteBuffer(bytes: goAway.serializedBytes())))
        #expect(goAways.withLock { $0 } == [goAway])
        #expect(failureCode(call) == .unavailable)
        let (later, _) = try request(channel, id: 2)
        #expect(failureCode(later) == .unavailable)
        _ = try channel.finish()
    }

    @Test func aDrainingGoAwayLetsPendingCallsFinish() throws {
        let channel = try channel()
        let (call, _) = try request(channel, id: 1)
        var goAway = Wire.GoAway()
        goAway.code = StatusCode.unavailable.rawValue
        try channel.writeInbound(
            InboundFrame(
                type: .goAway, method: 0, requestID: 0, meta: 0,
                payload: ByteBuffer(bytes: goAway.serializedBytes())))
        #expect(result(call) == nil)
        try channel.writeInbound(response(id: 1))
        guard case .success? = result(call) else {
            Issue.record("drained call not answered")
            return
        }
        _ = try channel.finish()
    }

    @Test func aClosedConnectionFailsEveryPendingCall() throws {
        let channel = try channel()
        let calls = try (1...3).map { try request(channel, id: $0).0 }
        _ = try channel.finish(acceptAlreadyClosed: true)
        for call in calls { #expect(failureCode(call) == .unavailable) }
    }
}
