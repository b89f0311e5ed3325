import EngramClient
import EngramServer
import EngramServerTestSupport
import EngramWire
import Foundation
import Testing

/// Every kind of bad input gets the right status, or a GOAWAY and a close when the stream can't
/// go on; a healthy connection alongside never notices.
@Suite("Bad input")
struct BadInputTests {
    /// Runs `attack` on a raw connection while a healthy client keeps working.
    private func isolated(_ server: TestServer, _ attack: (RawConnection) async throws -> Void) async throws {
        let healthy = try server.client()
        defer { healthy.close() }
        #expect(try await healthy.ping(.with { $0.payload = [1] }).payload == [1])
        let raw = try await server.raw()
        try await attack(raw)
        await raw.close()
        #expect(try await healthy.ping(.with { $0.payload = [2] }).payload == [2], "the healthy connection noticed")
    }

    @Test func garbageBytesGetGoAway() async throws {
        try await withServer { server in
            try await isolated(server) { raw in
                try await raw.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
                let (frames, closed) = try await raw.readUntil(timeout: .seconds(5)) { _, _ in false }
                #expect(
                    goAway(in: frames)?.code == StatusCode.resourceExhausted.rawValue
                        || goAway(in: frames)?.code == StatusCode.invalidArgument.rawValue)
                #expect(closed)
            }
        }
    }

    @Test func lengthOverTheMaximumGetsGoAwayFromTheHeaderAlone() async throws {
        try await withServer(configure: { $0.maxFrameBytes = 64 * 1024 }) { server in
            try await isolated(server) { raw in
                try await raw.hello()
                try await raw.send([0x00, 0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x02])  // 1 MiB claimed, nothing sent
                let (frames, closed) = try await raw.readUntil(timeout: .seconds(5)) { _, _ in false }
                let g = goAway(in: frames)
                #expect(g?.code == StatusCode.resourceExhausted.rawValue)
                #expect(g?.reason.contains("exceeds the maximum") == true)
                #expect(closed)
            }
        }
    }

    @Test func frameCutOffByAClosedSocket() async throws {
        try await withServer { server in
            try await isolated(server) { raw in
                try await raw.hello()
                let frame = requestFrame(.ping, id: 2, Wire.PingRequest()).encoded()
                try await raw.send(Array(frame.prefix(7)))
            }
        }
    }

    @Test func unknownFrameTypeGetsGoAway() async throws {
        try await withServer { server in
            try await isolated(server) { raw in
                try await raw.hello()
                try await raw.send([0, 0, 0, 12, 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
                let (frames, closed) = try await raw.readUntil(timeout: .seconds(5)) { _, _ in false }
                #expect(goAway(in: frames)?.code == StatusCode.invalidArgument.rawValue)
                #expect(goAway(in: frames)?.reason.contains("unknown frame type 99") == true)
                #expect(closed)
            }
        }
    }

    @Test func unknownMethodAndUndecodablePayloadKeepTheConnection() async throws {
        try await withServer { server in
            try await isolated(server) { raw in
                try await raw.hello()
                try await raw.send(Frame(type: .request, method: 999, requestID: 5))
                try await raw.send(
                    Frame(type: .request, method: Method.getStore.rawValue, requestID: 6, payload: [0x0A, 0x05, 0x61]))
                try await raw.send(
                    Frame(
                        type: .request, method: Method.getStore.rawValue, requestID: 7,
                        payload: [0x0A, 0x02, 0xC3, 0x28]))
                try await raw.send(Frame(type: .ping, payload: [7, 7]))
                let frames = try await raw.readFrames(count: 4, timeout: .seconds(5))
                let byID = Dictionary(
                    frames.filter { $0.type == .response }.map { ($0.requestID, $0) }, uniquingKeysWith: { a, _ in a })
                #expect(byID[5]?.meta == StatusCode.unimplemented.rawValue)
                #expect(byID[6]?.meta == StatusCode.invalidArgument.rawValue)
                #expect(decodeStatus(byID[6]!)?.message.contains("GetStoreRequest.store_id") == true)
                #expect(byID[7].flatMap(decodeStatus)?.fieldViolations.first?.field == "store_id")
                #expect(frames.contains { $0.type == .pong && $0.payload == [7, 7] })
            }
        }
    }

    @Test func requestBeforeHelloIsUnauthenticatedAndClosed() async throws {
        try await withServer { server in
            try await isolated(server) { raw in
                try await raw.send(requestFrame(.ping, id: 3, Wire.PingRequest()))
                let (frames, closed) = try await raw.readUntil(timeout: .seconds(5)) { _, _ in false }
                #expect(frames.first?.type == .response && frames.first?.meta == StatusCode.unauthenticated.rawValue)
                #expect(goAway(in: frames)?.code == StatusCode.unauthenticated.rawValue)
                #expect(closed)
            }
        }
    }

    @Test func helloMustArriveInTime() async throws {
        try await withServer(configure: { $0.helloTimeout = .milliseconds(200) }) { server in
            try await isolated(server) { raw in
                let (frames, closed) = try await raw.readUntil(timeout: .seconds(5)) { _, _ in false }
                #expect(goAway(in: frames)?.code == StatusCode.deadlineExceeded.rawValue)
                #expect(closed)
            }
        }
    }

    @Test func wrongProtocolVersionIsRefused() async throws {
        try await withServer { server in
            try await isolated(server) { raw in
                try await raw.send(requestFrame(.hello, id: 1, Wire.HelloRequest.with { $0.protocolVersion = 9 }))
                let (frames, closed) = try await raw.readUntil(timeout: .seconds(5)) { _, _ in false }
                #expect(frames.first?.meta == StatusCode.failedPrecondition.rawValue)
                #expect(closed)
            }
        }
    }

    @Test func fieldLimitsNameTheField() async throws {
        try await withServer { server in
            let client = try server.client()
            defer { client.close() }
            let store = try #require(try await client.createStore(.with { $0.displayName = "limits" }).store)
            let profile = try #require(
                try await client.resolveIdentity(
                    .with {
                        $0.storeId = store.id
                        $0.identifiers = [Wire.Identifier(type: "email", value: "a@example.com")]
                    }
                ).profile)
            let tooLong = await expectFailure(.invalidArgument) {
                try await client.observe(
                    .with {
                        $0.storeId = store.id
                        $0.profileId = profile.id
                        $0.observations = [
                            Wire.NewObservation.with {
                                $0.content = String(repeating: "x", count: 4097)
                                $0.source = "s"
                                $0.occurredAtUs = 1
                            }
                        ]
                    })
            }
            #expect(tooLong?.fieldViolations.first?.field == "observations[0].content")
            let badEmail = await expectFailure(.invalidArgument) {
                try await client.resolveIdentity(
                    .with {
                        $0.storeId = store.id
                        $0.identifiers = [
                            Wire.Identifier(type: "email", value: "a@example.com"),
                            Wire.Identifier(type: "email", value: "no-domain"),
                        ]
                    })
            }
            #expect(badEmail?.fieldViolations.first?.field.hasPrefix("identifiers[1]") == true)
            let badName = await expectFailure(.invalidArgument) {
                try await client.createStore(.with { $0.displayName = "has spaces" })
            }
            #expect(badName?.fieldViolations.first?.field == "display_name")
            await expectFailure(.invalidArgument) { try await client.listStores(.with { $0.pageSize = 5000 }) }
            let missing = await expectFailure(.invalidArgument) {
                try await client.getProfile(.with { $0.storeId = store.id })
            }
            #expect(missing?.fieldViolations.first?.field == "profile_id")
            await expectFailure(.notFound) { try await client.getStore(.with { $0.storeId = "st_missing" }) }
        }
    }

    @Test func oversizedResponsesAndRequestsAreRefused() async throws {
        try await withServer(configure: { $0.maxFrameBytes = 2048 }) { server in
            let client = try server.client()
            defer { client.close() }
            let store = try #require(try await client.createStore(.with { $0.displayName = "big" }).store)
            let profile = try #require(
                try await client.resolveIdentity(
                    .with {
                        $0.storeId = store.id
                        $0.identifiers = [Wire.Identifier(type: "email", value: "big@example.com")]
                    }
                ).profile)
            for i in 0..<3 {
                _ = try await client.observe(
                    .with {
                        $0.storeId = store.id
                        $0.profileId = profile.id
                        $0.observations = [
                            Wire.NewObservation.with {
                                $0.content = "\(i) " + String(repeating: "lorem ipsum ", count: 75)
                                $0.source = "s"
                                $0.occurredAtUs = 1
                            }
                        ]
                    })
            }
            let tooBig = await expectFailure(.resourceExhausted) {
                try await client.listObservations(
                    .with {
                        $0.storeId = store.id
                        $0.profileId = profile.id
                    })
            }
            #expect(tooBig?.message.contains("max_frame_bytes") == true)
            #expect(
                try await client.listObservations(
                    .with {
                        $0.storeId = store.id
                        $0.profileId = profile.id
                        $0.pageSize = 1
                    }
                ).observations.count == 1)
            // The client refuses to send a request over the server's announced maximum.
            await expectFailure(.resourceExhausted) {
                try await client.observe(
                    .with {
                        $0.storeId = store.id
                        $0.profileId = profile.id
                        $0.observations = [
                            Wire.NewObservation.with {
                                $0.content = String(repeating: "x", count: 3000)
                                $0.source = "s"
                                $0.occurredAtUs = 1
                            }
                        ]
                    })
            }
        }
    }

    @Test func connectionLimitGivesGoAway() async throws {
        try await withServer(configure: { $0.maxConnections = 2 }) { server in
            let a = try await server.raw()
            let b = try await server.raw()
            try await a.hello()
            try await b.hello()
            let c = try await server.raw()
            let (frames, closed) = try await c.readUntil(timeout: .seconds(5)) { _, _ in false }
            #expect(goAway(in: frames)?.code == StatusCode.resourceExhausted.rawValue)
            #expect(closed)
            await a.close()
            await b.close()
        }
    }

    @Test func backPressureStopsReadingPastTheInFlightLimit() async throws {
        try await withServer(configure: { $0.maxInFlight = 1 }, snapshotter: SlowSnapshotter(delay: .milliseconds(400)))
        { server in
            let raw = try await server.raw()
            try await raw.hello()
            try await raw.send(requestFrame(.snapshot, id: 10, Wire.SnapshotRequest()))
            try await raw.send(requestFrame(.ping, id: 11, Wire.PingRequest()))
            let frames = try await raw.readFrames(count: 2, timeout: .seconds(5))
            // The ping was not read until the snapshot freed the only slot.
            #expect(frames.map(\.requestID) == [10, 11])
            await raw.close()
        }
    }

    @Test func anIdleConnectionGetsGoAwayWhileABusyOneStays() async throws {
        try await withServer(configure: { $0.idleTimeout = .seconds(1) }) { server in
            let idle = try await server.raw()
            try await idle.hello()
            let busy = try await server.raw()
            try await busy.hello()
            // The busy connection speaks every 200 ms, for more than twice the timeout.
            for i in 0..<12 {
                try await Task.sleep(for: .milliseconds(200))
                try await busy.send(requestFrame(.ping, id: UInt32(100 + i), Wire.PingRequest()))
                let answer = try await busy.readFrames(count: 1, timeout: .seconds(5))
                #expect(answer.first?.requestID == UInt32(100 + i))
            }
            let (frames, closed) = try await idle.readUntil(timeout: .seconds(5)) { _, _ in false }
            let away = goAway(in: frames)
            #expect(away?.code == StatusCode.deadlineExceeded.rawValue)
            #expect(away?.reason == "idle timeout")
            #expect(closed)
            try await busy.send(requestFrame(.ping, id: 7, Wire.PingRequest()))
            #expect(try await busy.readFrames(count: 1, timeout: .seconds(5)).first?.requestID == 7)
            await busy.close()
        }
    }

    /// Requests that wait for a slot keep their deadlines, counted from receipt, and a CANCEL
    /// reaches them without waiting its turn: neither ever starts.
    @Test func queuedRequestsKeepTheirDeadlinesAndCanBeCancelled() async throws {
        try await withServer(configure: { $0.maxInFlight = 1 }, snapshotter: SlowSnapshotter(delay: .milliseconds(400)))
        { server in
            let raw = try await server.raw()
            try await raw.hello()
            // One write, so the server reads all four at once: the pings wait in its queue (a
            // client that sends later is simply not read until a slot frees: back-pressure).
            try await raw.send(
                requestFrame(.snapshot, id: 10, Wire.SnapshotRequest()).encoded()
                    + requestFrame(.ping, id: 11, Wire.PingRequest(), deadlineMs: 50).encoded()
                    + requestFrame(.ping, id: 12, Wire.PingRequest()).encoded()
                    + Frame(type: .cancel, method: 0, requestID: 12, payload: []).encoded())
            let frames = try await raw.readFrames(count: 3, timeout: .seconds(5))
            #expect(frames.map(\.requestID) == [12, 10, 11], "the cancel is answered before the slot frees")
            #expect(frames.map(\.meta) == [StatusCode.cancelled, .ok, .deadlineExceeded].map(\.rawValue))
            await raw.close()
        }
    }

    /// A Snapshot is a wait with no effect of its own: its deadline ends the wait even when
    /// the snapshot itself does not stop (storage's does not).
    @Test func aSnapshotPastItsDeadlineAnswersAtTheDeadline() async throws {
        try await withServer(snapshotter: StubbornSnapshotter()) { server in
            let client = try server.client()
            defer { client.close() }
            let started = ContinuousClock.now
            await expectFailure(.deadlineExceeded) { try await client.snapshot(deadline: .milliseconds(100)) }
            #expect(
                ContinuousClock.now - started < .milliseconds(1500), "answered at the deadline, not after the snapshot")
            #expect(try await client.ping(.with { $0.payload = [1] }).payload == [1])
        }
    }
}

/// A snapshot that ignores cancellation, as a real one writing a file does.
final class StubbornSnapshotter: Snapshotter {
    func snapshotNow() async throws -> SnapshotInfo {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().asyncAfter(deadline: .now() + 2) { c.resume() }
        }
        return SnapshotInfo(sequence: 1, path: "/tmp/stubborn.sqlite", sizeBytes: 1, durationUs: 1)
    }
}
