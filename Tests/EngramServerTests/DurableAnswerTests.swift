import EngramClient
import EngramCore
import EngramServer
import EngramServerTestSupport
import EngramTestSupport
import EngramWire
import Synchronization
import Testing

/// Numbers every command, as the write-ahead log does.
private final class CountingJournal: CommandJournal {
    let next = Atomic<UInt64>(0)
    func append(_ command: Command) -> UInt64 { next.add(1, ordering: .relaxed).newValue }
}

/// A log whose records become durable (or fail) only when the test says so.
private final class GatedDurability: DurabilityWaiter {
    private let state = Mutex<(durable: UInt64, waiting: [(UInt64, @Sendable ((any Error)?) -> Void)])>((0, []))

    func waitUntilDurable(_ sequence: UInt64) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            whenDurable(sequence) { error in
                if let error { c.resume(throwing: error) } else { c.resume() }
            }
        }
    }

    func isDurable(_ sequence: UInt64) -> Bool { state.withLock { $0.durable >= sequence } }

    func whenDurable(_ sequence: UInt64, _ body: @escaping @Sendable ((any Error)?) -> Void) {
        let now = state.withLock { s -> Bool in
            if s.durable >= sequence { return true }
            s.waiting.append((sequence, body))
            return false
        }
        if now { body(nil) }
    }

    var waiting: Int { state.withLock { $0.waiting.count } }

    /// Makes everything appended so far durable, or fails it.
    func settle(through sequence: UInt64, failing error: (any Error)? = nil) {
        let ready = state.withLock { s -> [@Sendable ((any Error)?) -> Void] in
            if error == nil { s.durable = max(s.durable, sequence) }
            let ready = s.waiting.filter { $0.0 <= sequence }.map(\.1)
            s.waiting.removeAll { $0.0 <= sequence }
            return ready
        }
        for body in ready { body(error) }
    }
}

private struct DiskGone: Error, CustomStringConvertible {
    var description: String { "the disk is gone" }
}

@Suite("Writes are answered once the log holds them")
struct DurableAnswerTests {
    private func waitUntil(_ condition: @Sendable () -> Bool) async throws {
        for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        #expect(condition())
    }

    @Test func aWriteWaitsForItsRecordWhileReadsGoOn() async throws {
        let journal = CountingJournal()
        let log = GatedDurability()
        try await withServer(durability: log, engine: Engine(journal: journal)) { server in
            let client = try server.client()
            defer { client.close() }
            let create = Task { try await client.createStore(.with { $0.displayName = "waits" }) }
            try await waitUntil { log.waiting == 1 }
            // The write is applied but not acknowledged; a read on the same connection is answered.
            #expect(try await client.ping().serverTimeUs > 0)
            #expect(try await client.listStores(.init()).stores.map(\.displayName) == ["waits"])
            log.settle(through: journal.next.load(ordering: .relaxed))
            #expect(try await create.value.store?.displayName == "waits")
        }
    }

    @Test func aWriteThatCannotBeMadeDurableIsUnavailable() async throws {
        let journal = CountingJournal()
        let log = GatedDurability()
        try await withServer(durability: log, engine: Engine(journal: journal)) { server in
            let client = try server.client()
            defer { client.close() }
            let create = Task { try await client.createStore(.with { $0.displayName = "lost" }) }
            try await waitUntil { log.waiting == 1 }
            log.settle(through: journal.next.load(ordering: .relaxed), failing: DiskGone())
            let failure = await expectFailure(.unavailable) { _ = try await create.value }
            #expect(failure?.message.contains("could not be made durable: the disk is gone") == true)
            // The connection goes on.
            #expect(try await client.ping().serverTimeUs > 0)
        }
    }

    @Test func cancellingAWriteWaitingForTheLogStillAnswersIt() async throws {
        let journal = CountingJournal()
        let log = GatedDurability()
        try await withServer(durability: log, engine: Engine(journal: journal)) { server in
            let raw = try await server.raw()
            try await raw.hello()
            try await raw.send(
                requestFrame(.createStore, id: 5, Wire.CreateStoreRequest.with { $0.displayName = "kept" }))
            try await waitUntil { log.waiting == 1 }
            try await raw.send(Frame(type: .cancel, method: 0, requestID: 5, payload: []))
            try await raw.send(requestFrame(.ping, id: 6, Wire.PingRequest()))
            let pong = try await raw.readFrames(count: 1, timeout: .seconds(5))
            #expect(pong.map(\.requestID) == [6])
            log.settle(through: journal.next.load(ordering: .relaxed))
            let answer = try await raw.readFrames(count: 1, timeout: .seconds(5))
            #expect(answer.map(\.requestID) == [5])
            #expect(answer.first?.meta == 0, "the write was applied: its answer is OK, not CANCELLED")
            await raw.close()
        }
    }

    @Test func writesWaitingForTheLogHoldInFlightSlots() async throws {
        let journal = CountingJournal()
        let log = GatedDurability()
        try await withServer(configure: { $0.maxInFlight = 1 }, durability: log, engine: Engine(journal: journal)) {
            server in
            let raw = try await server.raw()
            try await raw.hello()
            try await raw.send(
                requestFrame(.createStore, id: 10, Wire.CreateStoreRequest.with { $0.displayName = "a" }))
            try await raw.send(requestFrame(.ping, id: 11, Wire.PingRequest()))
            try await waitUntil { log.waiting == 1 }
            try await Task.sleep(for: .milliseconds(200))
            log.settle(through: journal.next.load(ordering: .relaxed))
            // The only slot was held: the ping, sent second, was not served before the write's
            // answer, though that waited for the log.
            let frames = try await raw.readFrames(count: 2, timeout: .seconds(5))
            #expect(frames.map(\.requestID) == [10, 11])
            await raw.close()
        }
    }
}
