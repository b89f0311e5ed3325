import Metrics
import Synchronization

/// What group commit does: how many records each write (and fsync) of the log carries, and
/// how long it takes. Exported through swift-metrics (`engram_wal_batch_records`,
/// `engram_wal_batch_bytes`, `engram_wal_write_duration_seconds`), and kept as totals a
/// benchmark can read in-process.
public final class LogMetrics: Sendable {
    private let records = Recorder(label: "engram_wal_batch_records")
    private let bytes = Recorder(label: "engram_wal_batch_bytes")
    private let duration = Metrics.Timer(label: "engram_wal_write_duration_seconds")
    private let totals = Mutex(Totals())

    /// Batches written, the records they held, and the largest.
    public struct Totals: Sendable, Hashable {
        public var batches: UInt64 = 0
        public var records: UInt64 = 0
        public var largestBatch: UInt64 = 0
        /// Mean records per batch.
        public var meanBatch: Double { batches == 0 ? 0 : Double(records) / Double(batches) }
    }

    public init() {}

    public var current: Totals { totals.withLock { $0 } }

    func record(records count: UInt64, bytes size: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let (s, a) = elapsed.components
        duration.recordNanoseconds(s * 1_000_000_000 + a / 1_000_000_000)
        records.record(count)
        bytes.record(size)
        totals.withLock {
            $0.batches += 1
            $0.records += count
            $0.largestBatch = max($0.largestBatch, count)
        }
    }
}
