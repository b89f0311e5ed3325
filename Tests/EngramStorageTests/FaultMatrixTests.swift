import EngramCore
import EngramTestSupport
import Foundation
import Testing

@testable import EngramStorage

/// Damage at every place it can land: a log segment cut at every byte offset and flipped at
/// every byte, a snapshot cut and flipped at offsets spread over the whole file. Recovery must
/// either give back exactly the records (or state) that were whole on disk, saying what it
/// cut, or refuse with an error naming the file. Never a silent loss, never a wrong state.
@Suite("Fault matrix: torn and corrupt logs and snapshots")
struct FaultMatrixTests {
    /// A one-segment log of `count` random records: the segment's name and bytes, the commands,
    /// and the byte offset at which each record ends.
    func writeSegment(count: Int, seed: UInt64) async throws -> (
        name: String, bytes: [UInt8], commands: [Command], ends: [Int]
    ) {
        try await withTemporaryDirectory { dir in
            let log = WriteAheadLog(directory: dir, mode: .always, logger: quietLogger)
            try log.start(nextSequence: 1)
            var rng = SeededGenerator(seed: seed)
            var commands: [Command] = []
            for _ in 0..<count {
                let command = randomCommand(&rng)
                commands.append(command)
                try await log.waitUntilDurable(log.append(command))
            }
            await log.close()
            let name = try LogRecovery.segments(in: dir).first!.name
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
            var ends: [Int] = []
            var offset = LogFormat.headerBytes
            while offset < bytes.count {
                let length = (0..<4).reduce(0) { $0 | Int(bytes[offset + 4 + $1]) << (8 * $1) }
                offset += LogFormat.recordHeaderBytes + length
                ends.append(offset)
            }
            #expect(ends.count == count && ends.last == bytes.count)
            return (name, bytes, commands, ends)
        }
    }

    /// Recovers a log directory holding one segment with `bytes`.
    func recover(name: String, bytes: [UInt8]) async throws -> (
        result: Result<[Command], StorageError>, lines: [String], path: String
    ) {
        try await withTemporaryDirectory { dir in
            let path = dir + "/" + name
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let handler = CapturingLogHandler()
            let recovery = LogRecovery(
                directory: dir, acceptLogLoss: false, logger: .init(label: "t", factory: { _ in handler }))
            var commands: [Command] = []
            do throws(StorageError) {
                _ = try recovery.replay(after: 0) { (_, command) throws(EngineError) in commands.append(command) }
                return (.success(commands), handler.lines, path)
            } catch {
                return (.failure(error), handler.lines, path)
            }
        }
    }

    @Test func aLogCutAtEveryByteKeepsEveryWholeRecord() async throws {
        let log = try await writeSegment(count: 8, seed: 11)
        for cut in 0...log.bytes.count {
            let (result, lines, path) = try await recover(name: log.name, bytes: Array(log.bytes.prefix(cut)))
            let whole = log.ends.filter { $0 <= cut }.count
            switch result {
            case .success(let commands):
                #expect(commands == Array(log.commands.prefix(whole)), "cut at \(cut)")
                // A cut inside a record or inside the header (an empty file too) is a torn
                // write, said once.
                let atBoundary = cut == LogFormat.headerBytes || log.ends.contains(cut)
                let said = lines.filter { $0.contains("torn record") && $0.contains(path) }.count
                #expect(said == (atBoundary ? 0 : 1), "cut at \(cut): \(lines)")
            case .failure(let error):
                // Only a segment too short for its own header may be refused, by name.
                #expect(cut < LogFormat.headerBytes, "cut at \(cut): \(error)")
                #expect(error.message.contains(path), "cut at \(cut): \(error)")
            }
        }
    }

    @Test func aByteFlippedAnywhereInALogIsFoundAndNamed() async throws {
        let log = try await writeSegment(count: 8, seed: 12)
        var refused = 0
        var tornTails = 0
        var reserved = 0
        for offset in 0..<log.bytes.count {
            var bytes = log.bytes
            bytes[offset] ^= UInt8(1 << (offset % 8))
            let (result, lines, path) = try await recover(name: log.name, bytes: bytes)
            let record = log.ends.firstIndex { offset < $0 } ?? 0
            let recordStart = record == 0 ? LogFormat.headerBytes : log.ends[record - 1]
            // The header's 4 reserved bytes are never read: a flip there loses nothing.
            if (12..<16).contains(offset) {
                #expect((try? result.get()) == log.commands, "flip at \(offset)")
                reserved += 1
                continue
            }
            switch result {
            case .success(let commands):
                // Only the last record may go, as a torn write, and it must be said.
                #expect(offset >= LogFormat.headerBytes && record == log.ends.count - 1, "flip at \(offset)")
                #expect(commands == Array(log.commands.prefix(record)), "flip at \(offset)")
                #expect(lines.contains { $0.contains("torn record") && $0.contains(path) }, "flip at \(offset)")
                tornTails += 1
            case .failure(let error):
                #expect(error.code == .corruptLog, "flip at \(offset): \(error)")
                #expect(error.message.contains(path) || error.message.contains(log.name), "flip at \(offset): \(error)")
                if offset >= LogFormat.headerBytes {
                    #expect(error.message.contains("offset \(recordStart)"), "flip at \(offset): \(error)")
                }
                refused += 1
            }
        }
        #expect(refused + tornTails + reserved == log.bytes.count)
        #expect(refused > tornTails)
        print(
            "log fault matrix: \(log.bytes.count) single-bit flips in an \(log.ends.count)-record segment: \(refused) refused naming file and offset, \(tornTails) cut as a torn last record, \(reserved) in reserved bytes (nothing lost)"
        )
    }

    /// Reads `bytes` as a snapshot at `path`: true if refused (naming the file), false if it
    /// read back as `expected`; any other state fails the test.
    func snapshotRefused(_ bytes: [UInt8], at path: String, expected: EngineSnapshot, _ what: String) throws -> Bool {
        try? FileManager.default.removeItem(atPath: path)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do throws(StorageError) {
            let read = try SnapshotFile.read(path)
            #expect(read == expected, "\(what): a damaged snapshot read as another state")
            return false
        } catch {
            #expect(error.message.contains(path), "\(what): \(error)")
            return true
        }
    }

    @Test func aSnapshotCutOrFlippedAnywhereIsRefusedOrReadsTheSameState() async throws {
        try await withTemporaryDirectory { dir in
            let path = try writeRandomSnapshot(seed: 13, in: dir)
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let expected = try SnapshotFile.read(path)
            let copy = dir + "/damaged.sqlite"
            var outcomes: [Bool] = []
            // Cut at 64 places, and one byte flipped at 400 places, spread over the file.
            for i in 0..<64 {
                outcomes.append(
                    try snapshotRefused(
                        Array(original.prefix(original.count * i / 64)), at: copy, expected: expected, "cut \(i)/64"))
            }
            var rng = SeededGenerator(seed: 14)
            for _ in 0..<400 {
                var bytes = original
                let offset = Int(rng.next() % UInt64(bytes.count))
                bytes[offset] ^= UInt8(1 << (rng.next() % 8))
                outcomes.append(try snapshotRefused(bytes, at: copy, expected: expected, "flip at \(offset)"))
            }
            #expect(outcomes.count == 464)
            #expect(outcomes.contains(true))
            print(
                "snapshot fault matrix: \(outcomes.filter { $0 }.count) of 464 damaged copies refused, the others read the same state"
            )
        }
    }
}
