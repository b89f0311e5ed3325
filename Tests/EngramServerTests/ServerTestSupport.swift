import EngramClient
import EngramCore
import EngramServer
import EngramServerTestSupport
import EngramTestSupport
import EngramWire
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Testing

/// A snapshotter that takes as long as a test wants, to make a slow request.
final class SlowSnapshotter: Snapshotter {
    let delay: Duration
    init(delay: Duration) { self.delay = delay }
    func snapshotNow() async throws -> SnapshotInfo {
        try await Task.sleep(for: delay)
        return SnapshotInfo(sequence: 7, path: "/tmp/test.sqlite", sizeBytes: 1, durationUs: 1)
    }
}

extension TestServer {
    func client(apiKey: String = "", connections: Int = 1) throws -> EngramClient {
        var configuration = EngramClient.Configuration(
            host: "127.0.0.1", port: port, apiKey: apiKey, clientName: "tests")
        configuration.connections = connections
        configuration.reconnectGiveUpAfter = .seconds(2)
        return try EngramClient(configuration: configuration)
    }

    func raw() async throws -> RawConnection {
        try await RawConnection.connect(port: port)
    }
}

/// A bare TCP connection that sends whatever bytes a test wants and reads frames back.
final class RawConnection: Sendable {
    let channel: any NIOCore.Channel
    let bytes: AsyncStream<[UInt8]>

    private init(channel: any NIOCore.Channel, bytes: AsyncStream<[UInt8]>) {
        self.channel = channel
        self.bytes = bytes
    }

    static func connect(port: Int) async throws -> RawConnection {
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(continuation))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, bytes: stream)
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    func send(_ frame: Frame) async throws { try await send(frame.encoded()) }

    func hello(apiKey: String = "") async throws {
        try await send(
            Frame(
                type: .request, method: Method.hello.rawValue, requestID: 1,
                payload: Wire.HelloRequest.with {
                    $0.protocolVersion = 1
                    $0.apiKey = apiKey
                }.serializedBytes()))
        let reply = try await readFrames(count: 1, timeout: .seconds(5))
        #expect(reply.first?.meta == 0)
    }

    /// Reads until `count` frames arrived, the peer closed, or the timeout passed.
    func readFrames(count: Int, timeout: Duration) async throws -> [Frame] {
        try await readUntil(timeout: timeout) { frames, _ in frames.count >= count }.frames
    }

    /// Reads frames until `done` says so, the peer closes (closed = true), or the timeout.
    func readUntil(timeout: Duration, _ done: @escaping @Sendable ([Frame], Bool) -> Bool) async throws -> (
        frames: [Frame], closed: Bool
    ) {
        let bytes = self.bytes
        return try await withThrowingTaskGroup(of: ([Frame], Bool)?.self) { group in
            group.addTask {
                var decoder = FrameDecoder(maxFrameBytes: 64 << 20)
                var frames: [Frame] = []
                for await chunk in bytes {
                    decoder.append(chunk)
                    while let f = try? decoder.next() { frames.append(f) }
                    if done(frames, false) { return (frames, false) }
                }
                return (frames, true)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            return first ?? ([], false)
        }
    }

    func close() async {
        try? await channel.close()
    }

    /// Forwards received bytes to the stream; finishes it when the peer closes.
    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let continuation: AsyncStream<[UInt8]>.Continuation
        init(_ continuation: AsyncStream<[UInt8]>.Continuation) { self.continuation = continuation }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            continuation.yield(Array(unwrapInboundIn(data).readableBytesView))
        }
        func channelInactive(context: ChannelHandlerContext) {
            continuation.finish()
            context.fireChannelInactive()
        }
    }
}

func requestFrame<M: ProtoMessage>(_ method: Method, id: UInt32, _ message: M, deadlineMs: UInt32 = 0) -> Frame {
    Frame(type: .request, method: method.rawValue, requestID: id, meta: deadlineMs, payload: message.serializedBytes())
}

func decodeStatus(_ frame: Frame) -> Wire.Status? {
    try? Wire.Status(serializedBytes: frame.payload)
}

func goAway(in frames: [Frame]) -> Wire.GoAway? {
    frames.first { $0.type == .goAway }.flatMap { try? Wire.GoAway(serializedBytes: $0.payload) }
}

/// Asserts a call fails with `code`, returning the error.
@discardableResult
func expectFailure<T>(
    _ code: StatusCode, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
) async -> EngramClientError? {
    do {
        _ = try await body()
        Issue.record("expected \(code), but the call succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let error as EngramClientError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
