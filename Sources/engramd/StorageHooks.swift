import EngramServer
import EngramStorage
import ServiceLifecycle

/// Connects storage to the server (durability waits, the Snapshot method, ServerInfo) and to
/// the service group (periodic snapshots while running; a snapshot and a closed log on
/// graceful shutdown).
struct StorageHooks: DurabilityWaiter, Snapshotter, ServerStatusSource, Service {
    let storage: Storage

    func waitUntilDurable(_ sequence: UInt64) async throws {
        try await storage.waitUntilDurable(sequence)
    }

    func isDurable(_ sequence: UInt64) -> Bool {
        storage.isDurable(sequence)
    }

    func whenDurable(_ sequence: UInt64, _ body: @escaping @Sendable ((any Error)?) -> Void) {
        storage.whenDurable(sequence, body)
    }

    func snapshotNow() async throws -> SnapshotInfo {
        let info = try await storage.snapshotNow()
        return SnapshotInfo(
            sequence: info.sequence, path: info.path, sizeBytes: info.sizeBytes, durationUs: info.durationUs)
    }

    func storageStatus() -> StorageStatus {
        let state = storage.state()
        var status = StorageStatus()
        status.logSequence = state.logSequence
        status.snapshotSequence = state.snapshotSequence
        status.snapshotAtUs = state.snapshotAtUs
        status.fsyncMode = state.fsyncMode.rawValue
        return status
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await storage.runSnapshotTriggers()
        }
        await storage.close()
    }
}
