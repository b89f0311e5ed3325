import EngramCore
import Metrics

/// How storage is set up. engramd fills it from its flags.
public struct StorageOptions: Sendable {
    /// The data directory (created if missing; its parent must exist).
    public var dataDirectory: String
    /// When the log fsyncs.
    public var fsync: FsyncMode = .always
    /// How often `interval` mode fsyncs.
    public var fsyncInterval: Duration = .milliseconds(1000)
    /// Take a snapshot when this long has passed since the last one and there were writes; nil = never.
    public var snapshotInterval: Duration? = .seconds(300)
    /// Take a snapshot once this many records were logged since the last one; nil = never.
    public var snapshotEveryRecords: UInt64? = 1_000_000
    /// Start a new log segment once the current one is this large.
    public var segmentBytes: Int = 64 << 20
    /// On a damaged record in the middle of the log, drop it and everything after it instead
    /// of refusing to start.
    public var acceptLogLoss = false
    /// The engine's configuration.
    public var engine = EngineConfiguration()
    /// Injected faults, for tests.
    public var faults: StorageFaults?
    /// Where storage's metrics go (`StorageMetrics`, `LogMetrics`); nil = swift-metrics'
    /// global factory (what engramd bootstraps). Tests pass their own.
    public var metricsFactory: (any MetricsFactory)?

    /// Options with defaults for `dataDirectory`.
    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }
}

/// A completed snapshot file.
public struct StorageSnapshotInfo: Sendable, Hashable {
    /// The last log sequence number it includes.
    public var sequence: UInt64
    /// Its path.
    public var path: String
    /// Its size in bytes.
    public var sizeBytes: UInt64
    /// How long writing it took (µs); 0 for a snapshot found at start-up.
    public var durationUs: Int64
    /// When it was completed (µs since the Unix epoch).
    public var completedAtUs: Int64
}

/// Storage facts for ServerInfo and metrics.
public struct StorageState: Sendable, Hashable {
    /// The last sequence number acknowledged (durable as the mode promises).
    public var logSequence: UInt64
    /// The newest snapshot's sequence number (0 if none).
    public var snapshotSequence: UInt64
    /// When the newest snapshot was completed (µs since the Unix epoch; 0 if none).
    public var snapshotAtUs: Int64
    /// The fsync mode.
    public var fsyncMode: FsyncMode
    /// The current log write failure, if writes are failing (e.g. a full disk).
    public var failure: StorageError?
}
