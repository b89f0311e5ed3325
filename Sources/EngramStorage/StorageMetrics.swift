import Metrics

/// Storage's health in numbers, exported through swift-metrics (engramd's /metrics):
///
/// - `engram_snapshot_duration_seconds` (timer) and `engram_snapshot_bytes` (gauge): each
///   snapshot written; `engram_snapshot_failures_total`: snapshots that failed;
/// - `engram_snapshot_age_seconds`: since the newest snapshot completed (set by
///   `Storage.refreshMetrics()`, which engramd calls before each scrape);
/// - `engram_recovery_duration_seconds` and `engram_recovery_replayed_records`: the last start-up;
/// - `engram_wal_pending_records`: records appended but not yet durable (the log's queue);
/// - `engram_wal_sequence`: the last durable record.
///
/// The log's own figures (batch sizes, write and fsync durations) are `LogMetrics`.
public final class StorageMetrics: Sendable {
    let snapshotDuration: Metrics.Timer
    let snapshotBytes: Gauge
    let snapshotFailures: Counter
    let snapshotAge: Gauge
    let recoveryDuration: Gauge
    let recoveryRecords: Gauge
    let pendingRecords: Gauge
    let sequence: Gauge

    /// Metrics made by `factory` (swift-metrics' global one by default; a test passes its own).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        snapshotDuration = Metrics.Timer(label: "engram_snapshot_duration_seconds", factory: factory)
        snapshotBytes = Gauge(label: "engram_snapshot_bytes", factory: factory)
        snapshotFailures = Counter(label: "engram_snapshot_failures_total", factory: factory)
        snapshotAge = Gauge(label: "engram_snapshot_age_seconds", factory: factory)
        recoveryDuration = Gauge(label: "engram_recovery_duration_seconds", factory: factory)
        recoveryRecords = Gauge(label: "engram_recovery_replayed_records", factory: factory)
        pendingRecords = Gauge(label: "engram_wal_pending_records", factory: factory)
        sequence = Gauge(label: "engram_wal_sequence", factory: factory)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
