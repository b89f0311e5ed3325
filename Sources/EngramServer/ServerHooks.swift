/// Waits until the write-ahead log is durable up to a sequence number (the storage layer).
public protocol DurabilityWaiter: Sendable {
    /// Returns once every record up to `sequence` is on disk as the fsync mode promises; throws
    /// if the log cannot be written (the caller answers UNAVAILABLE).
    func waitUntilDurable(_ sequence: UInt64) async throws
    /// Whether record `sequence` is already durable, so the answer needs no wait (and no task).
    func isDurable(_ sequence: UInt64) -> Bool
    /// Calls `body` once record `sequence` is durable (with nil) or cannot be made so (with the
    /// error), on any thread. The server answers writes this way: a callback from the log's
    /// writer costs far less than a task suspended per write.
    func whenDurable(_ sequence: UInt64, _ body: @escaping @Sendable ((any Error)?) -> Void)
}

extension DurabilityWaiter {
    public func isDurable(_ sequence: UInt64) -> Bool { false }

    public func whenDurable(_ sequence: UInt64, _ body: @escaping @Sendable ((any Error)?) -> Void) {
        Task {
            do {
                try await waitUntilDurable(sequence)
                body(nil)
            } catch {
                body(error)
            }
        }
    }
}

/// Writes a snapshot on request (the Snapshot method).
public protocol Snapshotter: Sendable {
    func snapshotNow() async throws -> SnapshotInfo
}

/// A completed snapshot.
public struct SnapshotInfo: Sendable, Hashable {
    public var sequence: UInt64
    public var path: String
    public var sizeBytes: UInt64
    public var durationUs: Int64

    public init(sequence: UInt64, path: String, sizeBytes: UInt64, durationUs: Int64) {
        self.sequence = sequence
        self.path = path
        self.sizeBytes = sizeBytes
        self.durationUs = durationUs
    }
}

/// Storage and embedding facts that ServerInfo reports.
public protocol ServerStatusSource: Sendable {
    func storageStatus() -> StorageStatus
}

public struct StorageStatus: Sendable, Hashable {
    public var logSequence: UInt64 = 0
    public var snapshotSequence: UInt64 = 0
    public var snapshotAtUs: Int64 = 0
    public var fsyncMode: String = "none"
    public init() {}
}
