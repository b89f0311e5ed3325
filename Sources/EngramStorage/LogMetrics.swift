import Metrics
import Synchronization

/// What group commit does: how many records each write (and fsync) of the log carries, and
/// how long it takes. Exported through swift-metrics (`engram_wal_batch_records`,
/// `engram_wal_batch_bytes`, `engram_wal_write_duration_seconds` for the write and its fsync,
/// `engram_wal_fsync_duration_seconds` for each fsync alone), and kept as totals a benchmark
/// can read in-process.
public final class LogMetrics: Sendable {
    private let records: Recorder
    private let bytes: Recorder
    private let duration: Metrics.Timer
    private let fsyncDuration: Metrics.Timer
    private let totals = Mutex(Totals())

    /// Batches written, the records they held, and the largest.
    public struct Totals: Sendable, Hashable {
        public var batches: UInt64 = 0
        public var records: UInt64 = 0
        public var largestBatch: UInt64 = 0
        /// Mean records per batch.
        public var meanBatch: Double { batches == 0 ? 0 : Double(records) / Double(batches) }
    }

    /// Metrics made by `factory` (swift-metrics' global one by default; a test passes its own).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        records = Recorder(label: "engram_wal_batch_records", factory: factory)
        bytes = Recorder(label: "engram_wal_batch_bytes", factory: factory)
        duration = Metrics.Timer(label: "engram_wal_write_duration_seconds", factory: factory)
        fsyncDuration = Metrics.Timer(label: "engram_wal_fsync_duration_seconds", factory: factory)
    }

    public var current: Totals { totals.withLock { $0 } }

    /// One fsync of the log, begun at `start`.
    func recordFsync(since start: ContinuousClock.Instant) {
        fsyncDuration.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
    }

    func record(records count: UInt64, bytes size: Int, since start: ContinuousClock.Instant) {
        duration.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
        records.record(count)
        bytes.record(size)
        totals.withLock {
            $0.batches += 1
            $0.records += count
            $0.largestBatch = max($0.largestBatch, count)
        }
    }
}
