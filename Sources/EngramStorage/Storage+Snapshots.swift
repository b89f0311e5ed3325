import EngramCore
import Glibc
import Logging

extension Storage {
    /// Writes a snapshot now and returns it; calls keep being served meanwhile. Snapshots run
    /// one at a time; a request made while one is being written waits and takes its own.
    ///
    /// The log is rolled first, so every record appended before this call lies in a segment the
    /// new snapshot covers; when the snapshot is complete those segments are deleted, and so
    /// are older snapshots if a DeleteProfile or DeleteStore was logged since the newest one.
    /// That is what bounds erasure: once a snapshot started after a deletion completes, no
    /// file in the data directory holds the deleted content.
    public func snapshotNow() async throws -> StorageSnapshotInfo {
        guard !closed.load(ordering: .relaxed) else { throw StorageError(.closed, "storage is closed") }
        return try await snapshotNow(whileClosing: false)
    }

    func snapshotNow(whileClosing: Bool) async throws -> StorageSnapshotInfo {
        await gate.acquire()
        defer { gate.release() }
        let started = ContinuousClock.now
        do {
            let info = try await takeSnapshot(started: started)
            snapshots.withLock {
                $0.lastAttempt = .now
                $0.lastAttemptFailed = false
            }
            return info
        } catch {
            snapshots.withLock {
                $0.lastAttempt = .now
                $0.lastAttemptFailed = true
            }
            metrics.snapshotFailures.increment()
            throw error
        }
    }

    private func takeSnapshot(started: ContinuousClock.Instant) async throws -> StorageSnapshotInfo {
        _ = try await log.roll()
        let view = engine.view()
        let erasedBefore = log.lastErasureSequence
        let sequence = view.logPosition
        let (previous, olderMayHoldErased) = snapshots.withLock { ($0.newest, $0.olderMayHoldErased) }
        let info: StorageSnapshotInfo
        if let previous, previous.sequence == sequence {
            info = previous  // nothing changed since
        } else {
            let path = directory.snapshotsPath + "/" + SnapshotFile.name(sequence: sequence)
            let temporary = path + ".tmp"
            let faults = options.faults
            let now = options.engine.clock()
            let size: Int64 = try await withCheckedThrowingContinuation { c in
                startThread(name: "engram-snapshot") {
                    // No lowered priority here: a continuation resumed from a SCHED_IDLE thread
                    // can make the runtime start pool threads that inherit the policy, which
                    // starved whole processes on a busy machine.
                    do {
                        c.resume(
                            returning: try SnapshotFile.write(view, to: temporary, createdAtUs: now, faults: faults))
                    } catch {
                        FileIO.removeQuietly(temporary)
                        c.resume(throwing: error)
                    }
                }
            }
            do {
                try FileIO.rename(temporary, path)
                try FileIO.syncDirectory(directory.snapshotsPath, faults: faults)
            } catch {
                FileIO.removeQuietly(temporary)
                throw error
            }
            let elapsed = ContinuousClock.now - started
            metrics.snapshotDuration.recordNanoseconds(elapsed.nanoseconds)
            metrics.snapshotBytes.record(size)
            info = StorageSnapshotInfo(
                sequence: sequence, path: path, sizeBytes: UInt64(size),
                durationUs: elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000,
                completedAtUs: options.engine.clock())
            logger.info(
                "snapshot written",
                metadata: [
                    "sequence": "\(sequence)", "bytes": "\(size)", "ms": "\(info.durationUs / 1000)", "path": "\(path)",
                ])
        }
        // Keep the snapshot before this one (a fallback if this one is ever unreadable) only if
        // it cannot hold erased content.
        let erasedSincePrevious = olderMayHoldErased || erasedBefore > (previous?.sequence ?? 0)
        let keepPrevious = previous.flatMap { $0.sequence == info.sequence || erasedSincePrevious ? nil : $0 }
        snapshots.withLock {
            $0.newest = info
            $0.olderMayHoldErased = false
        }
        try removeUnneeded(keeping: info, previous: keepPrevious)
        return info
    }

    /// Deletes snapshot files other than the kept ones and log segments wholly covered by the
    /// oldest kept snapshot.
    func removeUnneeded(keeping newest: StorageSnapshotInfo, previous: StorageSnapshotInfo?) throws(StorageError) {
        let keep = Set([newest.path, previous?.path].compactMap { $0 })
        var removed = 0
        for name in try FileIO.list(directory.snapshotsPath) {
            let path = directory.snapshotsPath + "/" + name
            // A .tmp file newer than ours belongs to no one now: snapshots run one at a time.
            if !keep.contains(path) {
                try FileIO.remove(path)
                removed += 1
            }
        }
        if removed > 0 { try FileIO.syncDirectory(directory.snapshotsPath, faults: options.faults) }
        let covered = previous?.sequence ?? newest.sequence
        let segments = try LogRecovery.segments(in: directory.logPath)
        var removedSegments = 0
        for (segment, next) in zip(segments, segments.dropFirst()) where next.firstSequence - 1 <= covered {
            try FileIO.remove(directory.logPath + "/" + segment.name)
            removedSegments += 1
        }
        if removedSegments > 0 { try FileIO.syncDirectory(directory.logPath, faults: options.faults) }
        if removed > 0 || removedSegments > 0 {
            logger.debug(
                "removed files the newest snapshot covers",
                metadata: ["snapshots": "\(removed)", "segments": "\(removedSegments)"])
        }
    }
}

extension FileIO {
    static func removeQuietly(_ path: String) {
        _ = unlink(path)
    }
}
