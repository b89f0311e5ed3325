import EngramCore
import EngramTestSupport
import Foundation
import Synchronization
import Testing

@testable import EngramStorage

@Suite("Write-ahead log")
struct LogTests {
    /// Appends commands straight to a log, then reads them back.
    /// With `oneBatchEach`, each record is made durable before the next is appended, so every
    /// batch holds one record and segments roll at a predictable point.
    func writeLog(
        _ directory: String, mode: FsyncMode = .always, segmentBytes: Int = 1 << 20, count: Int, seed: UInt64 = 1,
        oneBatchEach: Bool = false
    ) async throws -> [Command] {
        let log = WriteAheadLog(directory: directory, mode: mode, segmentBytes: segmentBytes, logger: quietLogger)
        try log.start(nextSequence: 1)
        var rng = SeededGenerator(seed: seed)
        var commands: [Command] = []
        for _ in 0..<count {
            let command = randomCommand(&rng)
            commands.append(command)
            let sequence = log.append(command)
            #expect(sequence == UInt64(commands.count))
            if oneBatchEach { try await log.waitUntilDurable(sequence) }
        }
        try await log.waitUntilDurable(UInt64(count))
        await log.close()
        return commands
    }

    func readLog(_ directory: String, acceptLogLoss: Bool = false, logger: CapturingLogHandler? = nil)
        throws(StorageError) -> [Command]
    {
        let recovery = LogRecovery(
            directory: directory, acceptLogLoss: acceptLogLoss,
            logger: logger.map { handler in .init(label: "t", factory: { _ in handler }) } ?? quietLogger)
        var commands: [Command] = []
        _ = try recovery.replay(after: 0) { (_, command) throws(EngineError) in commands.append(command) }
        return commands
    }

    @Test func recordsReadBackInOrderAcrossSegments() async throws {
        try await withTemporaryDirectory { dir in
            let written = try await writeLog(dir, segmentBytes: 8192, count: 500, oneBatchEach: true)
            let segments = try LogRecovery.segments(in: dir)
            #expect(segments.count > 3, "small segments roll")
            #expect(try readLog(dir) == written)
        }
    }

    @Test func concurrentAppendsAreGroupCommitted() async throws {
        try await withTemporaryDirectory { dir in
            let log = WriteAheadLog(directory: dir, mode: .always, logger: quietLogger)
            try log.start(nextSequence: 1)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for t in 0..<50 {
                    group.addTask {
                        for i in 0..<20 {
                            let sequence = log.append(.deleteStore(.init(storeID: "s\(t)-\(i)", at: Int64(i))))
                            try await log.waitUntilDurable(sequence)
                            #expect(log.acknowledgedSequence >= sequence)
                        }
                    }
                }
                try await group.waitForAll()
            }
            await log.close()
            let commands = try readLog(dir)
            #expect(commands.count == 1000)
            #expect(Set(commands.map(\.storeID)).count == 1000)
        }
    }

    @Test func tornLastRecordIsCutOffWithOneLogLine() async throws {
        try await withTemporaryDirectory { dir in
            let written = try await writeLog(dir, count: 20)
            let segment = dir + "/" + (try LogRecovery.segments(in: dir).first!.name)
            let size = FileIO.fileSize(segment)!
            // A crash mid-write: the last record lost its final bytes.
            truncate(segment, off_t(size - 5))
            let handler = CapturingLogHandler()
            let read = try readLog(dir, logger: handler)
            #expect(read == Array(written.dropLast()))
            let torn = handler.lines.filter { $0.contains("torn record") }
            #expect(torn.count == 1)
            #expect(torn.first?.contains(segment) == true)
            // The cut is permanent: reading again finds a clean log.
            let again = CapturingLogHandler()
            #expect(try readLog(dir, logger: again) == read)
            #expect(again.lines.isEmpty)
        }
    }

    @Test func zeroFilledTailIsTreatedAsTorn() async throws {
        try await withTemporaryDirectory { dir in
            let written = try await writeLog(dir, count: 10)
            let segment = dir + "/" + (try LogRecovery.segments(in: dir).first!.name)
            let handle = FileHandle(forWritingAtPath: segment)!
            handle.seekToEndOfFile()
            handle.write(Data(count: 4096))
            try handle.close()
            #expect(try readLog(dir) == written)
        }
    }

    @Test func corruptRecordMidLogStopsWithFileOffsetAndFlag() async throws {
        try await withTemporaryDirectory { dir in
            let written = try await writeLog(dir, count: 30)
            let segment = dir + "/" + (try LogRecovery.segments(in: dir).first!.name)
            var bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
            // Find record 10's offset by walking the headers.
            var offset = LogFormat.headerBytes
            for _ in 0..<9 {
                let length = bytes[offset + 4..<offset + 8].enumerated().reduce(0) {
                    $0 | Int($1.element) << (8 * $1.offset)
                }
                offset += LogFormat.recordHeaderBytes + length
            }
            bytes[offset + LogFormat.recordHeaderBytes + 2] ^= 0x55
            try bytes.write(to: URL(fileURLWithPath: segment))

            #expect {
                _ = try readLog(dir)
            } throws: { error in
                guard let error = error as? StorageError else { return false }
                return error.code == .corruptLog && error.message.contains(segment)
                    && error.message.contains("offset \(offset)")
                    && error.message.contains("--accept-log-loss")
            }
            // Accepting the loss keeps the nine records before it and cuts the rest.
            #expect(try readLog(dir, acceptLogLoss: true) == Array(written.prefix(9)))
            #expect(try readLog(dir) == Array(written.prefix(9)))
        }
    }

    @Test func missingSegmentIsAGap() async throws {
        try await withTemporaryDirectory { dir in
            _ = try await writeLog(dir, segmentBytes: 4096, count: 200, oneBatchEach: true)
            let segments = try LogRecovery.segments(in: dir)
            #expect(segments.count >= 3)
            try FileManager.default.removeItem(atPath: dir + "/" + segments[1].name)
            #expect(throws: StorageError.self) { try readLog(dir) }
        }
    }

    @Test func diskFullFailsWaitersThenRecovers() async throws {
        try await withTemporaryDirectory { dir in
            let faults = StorageFaults()
            let log = WriteAheadLog(directory: dir, mode: .always, faults: faults, logger: quietLogger)
            try log.start(nextSequence: 1)
            let first = log.append(.deleteStore(.init(storeID: "before", at: 1)))
            try await log.waitUntilDurable(first)
            faults.writeErrno.store(ENOSPC, ordering: .relaxed)
            let second = log.append(.deleteStore(.init(storeID: "during", at: 2)))
            await #expect {
                try await log.waitUntilDurable(second)
            } throws: { ($0 as? StorageError)?.code == .diskFull }
            #expect(log.currentFailure?.code == .diskFull)
            faults.writeErrno.store(0, ordering: .relaxed)
            // An attempt that began before the space returned may still fail once.
            var stored: [String] = []
            for attempt in 0..<2 {
                let id = "after\(attempt)"
                do {
                    try await log.waitUntilDurable(log.append(.deleteStore(.init(storeID: id, at: 3))))
                    stored.append(id)
                    break
                } catch {
                    stored.append(id)
                }
            }
            #expect(log.currentFailure == nil)
            await log.close()
            // The half-written batch was cut back; every record is there once, in order.
            #expect(try readLog(dir).map(\.storeID) == ["before", "during"] + stored)
        }
    }

    @Test func callbacksRunOnceARecordIsDurableOrCannotBe() async throws {
        try await withTemporaryDirectory { dir in
            let faults = StorageFaults()
            let log = WriteAheadLog(directory: dir, mode: .always, faults: faults, logger: quietLogger)
            try log.start(nextSequence: 1)
            let first = log.append(.deleteStore(.init(storeID: "first", at: 1)))
            let firstResult = await withCheckedContinuation { c in log.whenDurable(first) { c.resume(returning: $0) } }
            #expect(firstResult == nil)
            #expect(log.acknowledgedSequence >= first)
            // Already durable: called at once, on the caller's thread.
            let calledAtOnce = Mutex(false)
            log.whenDurable(first) { error in calledAtOnce.withLock { $0 = error == nil } }
            #expect(calledAtOnce.withLock { $0 })

            faults.writeErrno.store(ENOSPC, ordering: .relaxed)
            let second = log.append(.deleteStore(.init(storeID: "second", at: 2)))
            let failed = await withCheckedContinuation { c in log.whenDurable(second) { c.resume(returning: $0) } }
            #expect((failed as? StorageError)?.code == .diskFull)
            faults.writeErrno.store(0, ordering: .relaxed)
            await log.close()
            let closed = await withCheckedContinuation { c in log.whenDurable(second + 1) { c.resume(returning: $0) } }
            #expect((closed as? StorageError)?.code == .closed)
            // The failed record was retried and kept.
            #expect(try readLog(dir).map(\.storeID) == ["first", "second"])
        }
    }
}
