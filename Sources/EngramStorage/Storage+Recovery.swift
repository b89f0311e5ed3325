import Dispatch
import EngramCore
import Glibc
import Logging
import Metrics
import Synchronization

extension Storage {
    /// Opens the data directory, recovers the engine from the newest readable snapshot and the
    /// log after it, and starts the log writer.
    ///
    /// Throws `StorageError` with code `badDirectory` (missing parent, not a directory, not
    /// writable), `locked` (another server holds the directory), `corruptLog` (a damaged
    /// record mid-log; the message names file, offset and `--accept-log-loss`), or
    /// `corruptSnapshot` (no snapshot is readable and the log no longer reaches back to
    /// the beginning).
    public static func open(_ options: StorageOptions, logger: Logger) throws(StorageError) -> Storage {
        guard options.segmentBytes >= 4096 else {
            throw StorageError(.invalidOption, "--segment-bytes must be at least 4096")
        }
        let directory = try DataDirectory(path: options.dataDirectory)
        // Recover on a thread of its own: the engine rebuilds profiles with concurrentPerform,
        // which runs serially when called from a thread of Swift's cooperative pool.
        let result = Mutex<Result<Storage, StorageError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        startThread(name: "engram-recovery") {
            let outcome = Result { () throws(StorageError) -> Storage in
                try recover(options, directory: directory, logger: logger)
            }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        switch result.withLock({ $0! }) {
        case .success(let storage):
            storage.startIndexing()
            storage.startReembedding()
            return storage
        case .failure(let error):
            directory.unlock()
            throw error
        }
    }

    private static func recover(_ options: StorageOptions, directory: DataDirectory, logger: Logger)
        throws(StorageError) -> Storage
    {
        let started = ContinuousClock.now
        // Leftovers of a snapshot that was being written when the process stopped.
        for name in try FileIO.list(directory.snapshotsPath) where name.hasSuffix(".tmp") {
            try FileIO.remove(directory.snapshotsPath + "/" + name)
        }
        let candidates = try FileIO.list(directory.snapshotsPath)
            .compactMap { name in
                SnapshotFile.sequence(ofName: name).map { (sequence: $0, path: directory.snapshotsPath + "/" + name) }
            }
            .sorted { $0.sequence > $1.sequence }
        let segments = try LogRecovery.segments(in: directory.logPath)
        let logStart = segments.first?.firstSequence

        // The newest snapshot that reads back whole and that the log continues from.
        var restored: (snapshot: EngineSnapshot, info: StorageSnapshotInfo)?
        var problems: [String] = []
        for candidate in candidates {
            if let logStart, logStart > candidate.sequence + 1 {
                problems.append("\(candidate.path): the log no longer reaches back to it (it starts at \(logStart))")
                continue
            }
            do throws(StorageError) {
                let snapshot = try SnapshotFile.read(candidate.path)
                guard snapshot.logPosition == candidate.sequence else {
                    throw StorageError(
                        .corruptSnapshot,
                        "\(candidate.path) holds sequence \(snapshot.logPosition), not \(candidate.sequence) as named")
                }
                let info = StorageSnapshotInfo(
                    sequence: candidate.sequence, path: candidate.path,
                    sizeBytes: UInt64(FileIO.fileSize(candidate.path) ?? 0),
                    durationUs: 0, completedAtUs: 0)
                restored = (snapshot, info)
                break
            } catch {
                logger.warning(
                    "snapshot unreadable; falling back to the one before it",
                    metadata: ["path": "\(candidate.path)", "error": "\(error.message)"])
                problems.append(error.message)
                // Keep it out of the way: the next snapshot's clean-up deletes it.
                try? FileIO.rename(candidate.path, candidate.path + ".corrupt")
            }
        }
        if restored == nil, !candidates.isEmpty, (logStart ?? 1) > 1 {
            throw StorageError(
                .corruptSnapshot,
                "no snapshot in \(directory.snapshotsPath) can be used and the log starts at sequence \(logStart ?? 0), so the state cannot be rebuilt: "
                    + problems.joined(separator: "; "))
        }
        if restored == nil, let logStart, logStart > 1 {
            throw StorageError(
                .corruptSnapshot,
                "there is no snapshot in \(directory.snapshotsPath) but the log starts at sequence \(logStart): records 1...\(logStart - 1) are missing"
            )
        }

        let snapshotRead = ContinuousClock.now
        let factory = options.metricsFactory ?? MetricsSystem.factory
        let log = WriteAheadLog(
            directory: directory.logPath, mode: options.fsync, fsyncInterval: options.fsyncInterval,
            segmentBytes: options.segmentBytes,
            faults: options.faults, metrics: LogMetrics(factory: factory), logger: logger)
        let engine =
            restored.map { Engine(restoring: $0.snapshot, configuration: options.engine, journal: log) }
            ?? Engine(configuration: options.engine, journal: log)
        let snapshotLoaded = ContinuousClock.now
        let recovery = LogRecovery(directory: directory.logPath, acceptLogLoss: options.acceptLogLoss, logger: logger)
        let replayed = try recovery.replay(after: restored?.info.sequence ?? 0) {
            (sequence, command) throws(EngineError) in
            try engine.replay(command, logPosition: sequence)
            switch command {
            case .deleteProfile, .deleteStore, .deleteObservation, .expire: log.noteErasure(sequence)
            default: break
            }
        }
        try log.start(nextSequence: replayed.lastSequence + 1)
        let done = ContinuousClock.now
        logger.info(
            "storage recovered",
            metadata: [
                "data_dir": "\(directory.path)", "snapshot": "\(restored?.info.path ?? "none")",
                "snapshot_sequence": "\(restored?.info.sequence ?? 0)", "log_records_replayed": "\(replayed.records)",
                "next_sequence": "\(replayed.lastSequence + 1)", "snapshot_read": "\(snapshotRead - started)",
                "engine_restore": "\(snapshotLoaded - snapshotRead)",
                "replay": "\(done - snapshotLoaded)", "fsync": "\(options.fsync)",
            ])
        let metrics = StorageMetrics(factory: factory)
        metrics.recoveryDuration.record((done - started).seconds)
        metrics.recoveryRecords.record(Int64(replayed.records))
        if let restored { metrics.snapshotBytes.record(Int64(restored.info.sizeBytes)) }
        return Storage(
            engine: engine, options: options, directory: directory, log: log, newest: restored?.info,
            metrics: metrics, logger: logger)
    }
}
