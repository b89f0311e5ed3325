import EngramCore
import Glibc
import Logging

/// Reads the write-ahead log back at start-up and hands each record after the snapshot to
/// the caller, checking checksums and sequence continuity.
///
/// - A damaged record at the very end of the newest segment (a header or payload cut short,
///   a checksum mismatch on the last record, or a zero-filled tail) is a write the crash
///   interrupted: it is cut off, with one log line.
/// - A damaged record anywhere else stops recovery with an error naming the file and offset,
///   unless `acceptLogLoss` is set: then the log is cut there and everything after it dropped.
struct LogRecovery {
    let directory: String
    let acceptLogLoss: Bool
    let logger: Logger

    /// A segment file on disk.
    struct SegmentFile: Sendable, Hashable {
        var firstSequence: UInt64
        var name: String
    }

    /// Segment files, oldest first.
    static func segments(in directory: String) throws(StorageError) -> [SegmentFile] {
        try FileIO.list(directory).compactMap { name in
            LogFormat.firstSequence(ofSegment: name).map { SegmentFile(firstSequence: $0, name: name) }
        }.sorted { $0.firstSequence < $1.firstSequence }
    }

    /// Calls `apply` with every record whose sequence is above `snapshotSequence`, in order,
    /// and returns the last sequence number the log (or the snapshot) holds.
    func replay(
        after snapshotSequence: UInt64, _ apply: (UInt64, Command) throws(EngineError) -> Void
    ) throws(StorageError) -> (lastSequence: UInt64, records: Int) {
        let all = try Self.segments(in: directory)
        // Skip segments that end before the snapshot: the next one starts at or below it.
        var startIndex = 0
        for (i, segment) in all.enumerated() where segment.firstSequence <= snapshotSequence &+ 1 { startIndex = i }
        let segments = Array(all[startIndex...])
        if let first = segments.first, first.firstSequence > snapshotSequence &+ 1 {
            throw StorageError(
                .corruptLog,
                "the log starts at sequence \(first.firstSequence) (\(directory)/\(first.name)) but the snapshot ends at \(snapshotSequence): records \(snapshotSequence &+ 1)...\(first.firstSequence &- 1) are missing"
            )
        }
        var expected: UInt64? = nil
        var last = snapshotSequence
        var count = 0
        for (index, segment) in segments.enumerated() {
            let path = directory + "/" + segment.name
            let isLast = index == segments.count - 1
            if let expected, segment.firstSequence != expected {
                let problem = StorageError(
                    .corruptLog,
                    "\(path) starts at sequence \(segment.firstSequence) but the previous segment ends at \(expected - 1)"
                )
                try handleDamage(
                    problem, path: path, offset: 0, laterSegments: Array(segments[index...]), cutFile: false)
                return (last, count)
            }
            let bytes = try FileIO.readAll(path)
            let outcome = try bytes.withBytes { (raw) throws(StorageError) -> ScanOutcome in
                try scan(raw, segment: segment, path: path, after: snapshotSequence, apply)
            }
            count += outcome.records
            if outcome.lastSequence > 0 { last = max(last, outcome.lastSequence) }
            expected = outcome.lastSequence > 0 ? outcome.lastSequence &+ 1 : segment.firstSequence
            if let damage = outcome.damage {
                let tail = bytes.count - damage.offset
                if isLast && damage.looksTorn {
                    logger.warning(
                        "write-ahead log: cut off a torn record at the end of the log (a write the crash interrupted; it was never acknowledged)",
                        metadata: [
                            "file": "\(path)", "offset": "\(damage.offset)", "bytes": "\(tail)",
                            "reason": "\(damage.reason)",
                        ])
                    try cut(path: path, at: damage.offset)
                    return (last, count)
                }
                let problem = StorageError(
                    .corruptLog,
                    "corrupt record in \(path) at offset \(damage.offset): \(damage.reason). Records after it cannot be trusted; start with --accept-log-loss to drop everything from this point on (ENGRAM_ACCEPT_LOG_LOSS=1)"
                )
                try handleDamage(
                    problem, path: path, offset: damage.offset, laterSegments: Array(segments[(index + 1)...]),
                    cutFile: true)
                return (last, count)
            }
        }
        return (last, count)
    }

    /// Mid-log damage: an error, or with `acceptLogLoss`, cut the log at the damage.
    private func handleDamage(
        _ problem: StorageError, path: String, offset: Int, laterSegments: [SegmentFile], cutFile: Bool
    ) throws(StorageError) {
        guard acceptLogLoss else { throw problem }
        logger.error(
            "write-ahead log damaged; --accept-log-loss given: dropping the rest of the log",
            metadata: ["problem": "\(problem.message)", "segments_dropped": "\(laterSegments.count)"])
        if cutFile { try cut(path: path, at: offset) }
        for segment in laterSegments { try FileIO.remove(directory + "/" + segment.name) }
        try FileIO.syncDirectory(directory, faults: nil)
    }

    private func cut(path: String, at offset: Int) throws(StorageError) {
        let fd = try FileIO.open(path, O_WRONLY)
        defer { close(fd) }
        if offset < LogFormat.headerBytes {
            // Not even the header made it: the segment never held a record.
            try FileIO.remove(path)
        } else {
            try FileIO.truncate(fd, to: Int64(offset), path: path)
            try FileIO.fsync(fd, path: path, faults: nil)
        }
    }

    struct Damage {
        var offset: Int
        var reason: String
        /// Whether it looks like an interrupted final write rather than damage.
        var looksTorn: Bool
    }

    struct ScanOutcome {
        var lastSequence: UInt64 = 0
        var records = 0
        var damage: Damage?
    }

    /// Checks one segment's header and records; applies those after `snapshotSequence`.
    func scan(
        _ raw: UnsafeRawBufferPointer, segment: SegmentFile, path: String, after snapshotSequence: UInt64,
        _ apply: (UInt64, Command) throws(EngineError) -> Void
    ) throws(StorageError) -> ScanOutcome {
        var outcome = ScanOutcome()
        let size = raw.count
        guard size >= LogFormat.headerBytes else {
            outcome.damage = Damage(
                offset: 0, reason: "the \(size)-byte file is shorter than a segment header", looksTorn: true)
            return outcome
        }
        guard Array(raw[0..<8]) == LogFormat.magic else {
            outcome.damage = Damage(
                offset: 0, reason: "not a log segment (bad magic)", looksTorn: Self.allZero(raw, from: 0))
            return outcome
        }
        let version = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard version == LogFormat.version else {
            throw StorageError(
                .corruptLog, "\(path): log format version \(version); this build reads \(LogFormat.version)")
        }
        let first = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        guard first == segment.firstSequence else {
            outcome.damage = Damage(
                offset: 16, reason: "header says first sequence \(first), file name says \(segment.firstSequence)",
                looksTorn: false)
            return outcome
        }
        var offset = LogFormat.headerBytes
        var expected = first
        while offset < size {
            guard size - offset >= LogFormat.recordHeaderBytes else {
                outcome.damage = Damage(
                    offset: offset, reason: "record header cut short (\(size - offset) bytes)", looksTorn: true)
                return outcome
            }
            let crc = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let length = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
            let sequence = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
            let payloadStart = offset + LogFormat.recordHeaderBytes
            if Int(length) > LogFormat.maxPayloadBytes {
                outcome.damage = Damage(
                    offset: offset, reason: "implausible record length \(length)",
                    looksTorn: Self.allZero(raw, from: offset))
                return outcome
            }
            if Int(length) > size - payloadStart {
                // A write cut short, unless a whole record follows: then the length itself was
                // damaged, and calling it torn would drop acknowledged records.
                outcome.damage = Damage(
                    offset: offset, reason: "record of \(length) bytes runs past the end of the file",
                    // Wrapping: a damaged header may claim the largest sequence (found by fuzzing).
                    looksTorn: !Self.wholeRecordFollows(raw, after: offset, sequence: expected &+ 1))
                return outcome
            }
            let end = payloadStart + Int(length)
            let payload = UnsafeRawBufferPointer(rebasing: raw[payloadStart..<end])
            guard LogFormat.checksum(payload: payload, sequence: sequence, length: length) == crc else {
                outcome.damage = Damage(
                    offset: offset, reason: "checksum mismatch",
                    looksTorn: end == size || Self.allZero(raw, from: offset))
                return outcome
            }
            guard sequence == expected else {
                outcome.damage = Damage(
                    offset: offset, reason: "sequence \(sequence) where \(expected) was expected", looksTorn: false)
                return outcome
            }
            if sequence > snapshotSequence {
                let command: Command
                do {
                    command = try Command(decoding: payload)
                } catch {
                    outcome.damage = Damage(offset: offset, reason: "undecodable command: \(error)", looksTorn: false)
                    return outcome
                }
                do {
                    try apply(sequence, command)
                } catch {
                    throw StorageError(
                        .replayFailed,
                        "replaying record \(sequence) in \(path) at offset \(offset) failed: \(error.message)")
                }
                outcome.records += 1
            }
            outcome.lastSequence = sequence
            expected = sequence &+ 1
            offset = end
        }
        return outcome
    }

    /// Whether a whole record with `sequence` (its checksum right) starts anywhere after
    /// `offset`. Only run on damage, so a byte-by-byte search is affordable.
    static func wholeRecordFollows(_ raw: UnsafeRawBufferPointer, after offset: Int, sequence: UInt64) -> Bool {
        var p = offset + 1
        while p + LogFormat.recordHeaderBytes <= raw.count {
            let candidate = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: p + 8, as: UInt64.self))
            if candidate == sequence {
                let crc = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: p, as: UInt32.self))
                let length = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: p + 4, as: UInt32.self))
                let start = p + LogFormat.recordHeaderBytes
                if Int(length) <= raw.count - start,
                    LogFormat.checksum(
                        payload: UnsafeRawBufferPointer(rebasing: raw[start..<start + Int(length)]), sequence: sequence,
                        length: length) == crc
                {
                    return true
                }
            }
            p += 1
        }
        return false
    }

    static func allZero(_ raw: UnsafeRawBufferPointer, from offset: Int) -> Bool {
        raw[offset...].allSatisfy { $0 == 0 }
    }
}
