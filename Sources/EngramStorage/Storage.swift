import EngramCore
import Logging
import Synchronization

/// Engram's durability: an engine recovered from the data directory, its write-ahead log,
/// and its snapshots.
///
/// ```swift
/// let storage = try Storage.open(StorageOptions(dataDirectory: "./engram-data"), logger: logger)
/// let result = try storage.engine.observe(...)        // appended to the log under the engine's locks
/// try await storage.waitUntilDurable(result.logPosition)   // then acknowledge
/// ```
///
/// Open recovers: the newest readable snapshot, then the log records after it. Snapshots are
/// written in the background (`snapshotNow`, `runSnapshotTriggers`); `close` writes a final
/// one, flushes the log and releases the data directory.
public final class Storage: Sendable {
    /// The recovered engine; every command it applies is logged.
    public let engine: Engine
    /// The options it was opened with.
    public let options: StorageOptions
    let directory: DataDirectory
    let log: WriteAheadLog
    let logger: Logger
    let gate = AsyncGate()
    let snapshots: Mutex<SnapshotState>
    let closed = Atomic<Bool>(false)
    /// Background indexing threads still running.
    let indexing = Atomic<Int>(0)
    /// Snapshot, recovery and queue figures for /metrics.
    let metrics: StorageMetrics

    /// What is known about snapshot files.
    struct SnapshotState {
        /// The newest complete snapshot.
        var newest: StorageSnapshotInfo?
        /// Whether files older than `newest` may hold erased content regardless of the log's
        /// erasure record (true after a restart, when that record was lost).
        var olderMayHoldErased: Bool
        /// When the last snapshot attempt ended (for the periodic trigger).
        var lastAttempt: ContinuousClock.Instant
        var lastAttemptFailed = false
    }

    init(
        engine: Engine, options: StorageOptions, directory: DataDirectory, log: WriteAheadLog,
        newest: StorageSnapshotInfo?, metrics: StorageMetrics, logger: Logger
    ) {
        self.metrics = metrics
        self.engine = engine
        self.options = options
        self.directory = directory
        self.log = log
        self.logger = logger
        self.snapshots = Mutex(SnapshotState(newest: newest, olderMayHoldErased: true, lastAttempt: .now))
    }

    /// Returns once log record `sequence` is durable as the fsync mode promises; throws a
    /// `StorageError` if it could not be written (a full disk) or storage is closed.
    public func waitUntilDurable(_ sequence: UInt64) async throws {
        try await log.waitUntilDurable(sequence)
    }

    /// Group commit's figures: records per write of the log.
    public var logMetrics: LogMetrics { log.metrics }

    /// Brings the gauges that are read rather than recorded up to date: the newest snapshot's
    /// age, the log's queue and sequence. engramd calls it before each /metrics scrape.
    public func refreshMetrics() {
        if let newest = snapshots.withLock({ $0.newest }), newest.completedAtUs > 0 {
            metrics.snapshotAge.record(Double(max(0, options.engine.clock() - newest.completedAtUs)) / 1e6)
        }
        metrics.pendingRecords.record(Int64(log.pendingRecords))
        metrics.sequence.record(Int64(log.acknowledgedSequence))
    }

    /// Calls `body` once record `sequence` is durable (nil) or its write failed (the error), on
    /// the log writer's thread or the caller's: keep it short.
    public func whenDurable(_ sequence: UInt64, _ body: @escaping @Sendable ((any Error)?) -> Void) {
        log.whenDurable(sequence, body)
    }

    /// Whether log record `sequence` is already durable as the fsync mode promises.
    public func isDurable(_ sequence: UInt64) -> Bool {
        log.acknowledgedSequence >= sequence
    }

    /// Current facts for ServerInfo.
    public func state() -> StorageState {
        let newest = snapshots.withLock { $0.newest }
        return StorageState(
            logSequence: log.acknowledgedSequence, snapshotSequence: newest?.sequence ?? 0,
            snapshotAtUs: newest?.completedAtUs ?? 0,
            fsyncMode: options.fsync, failure: log.currentFailure)
    }

    /// Takes snapshots when the configured time or record count since the last one has
    /// passed. Returns when the calling task is cancelled.
    public func runSnapshotTriggers() async {
        let interval = options.snapshotInterval
        let every = options.snapshotEveryRecords
        while !Task.isCancelled && !closed.load(ordering: .relaxed) {
            try? await Task.sleep(for: .milliseconds(100))
            if Task.isCancelled { return }
            guard interval != nil || every != nil else { continue }
            let (newestSequence, lastAttempt, failed) = snapshots.withLock {
                ($0.newest?.sequence ?? 0, $0.lastAttempt, $0.lastAttemptFailed)
            }
            let records = log.lastSequence &- newestSequence
            guard records > 0, log.lastSequence > newestSequence else { continue }
            let elapsed = ContinuousClock.now - lastAttempt
            // After a failure (a full disk), wait before trying again.
            if failed && elapsed < .seconds(5) { continue }
            let due = (interval.map { elapsed >= $0 } ?? false) || (every.map { records >= $0 } ?? false)
            guard due else { continue }
            do {
                _ = try await snapshotNow()
            } catch {
                logger.error("snapshot failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Writes a final snapshot (unless `snapshot` is false or it fails, which is logged),
    /// flushes and closes the log, and releases the data directory's lock.
    public func close(snapshot: Bool = true) async {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        if snapshot {
            do {
                let info = try await snapshotNow(whileClosing: true)
                logger.info(
                    "shutdown snapshot written", metadata: ["sequence": "\(info.sequence)", "path": "\(info.path)"])
            } catch {
                logger.error(
                    "shutdown snapshot failed; the log still holds everything", metadata: ["error": "\(error)"])
            }
        }
        await log.close()
        directory.unlock()
    }
}
