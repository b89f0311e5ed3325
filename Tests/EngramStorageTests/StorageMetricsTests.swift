import EngramCore
import EngramTestSupport
import Foundation
import MetricsTestKit
import Testing

@testable import EngramStorage

/// What storage reports for /metrics: fsync and snapshot durations, snapshot size and age,
/// the last recovery, the log's queue.
@Suite struct StorageMetricsTests {
    @Test func storageReportsFsyncSnapshotAndRecoveryFigures() async throws {
        try await withTemporaryDirectory { dir in
            let metrics = TestMetrics()
            var settings = options(dir)
            settings.metricsFactory = metrics
            let storage = try Storage.open(settings, logger: quietLogger)
            try runRandomOperations(storage.engine, seed: 41, count: 200)
            let sequence = storage.engine.view().logPosition
            try await storage.waitUntilDurable(sequence)
            // Every record was fsynced (mode always) before it was acknowledged.
            let fsyncs = try metrics.expectTimer("engram_wal_fsync_duration_seconds").values
            #expect(!fsyncs.isEmpty && fsyncs.allSatisfy { $0 > 0 })
            #expect(try metrics.expectTimer("engram_wal_write_duration_seconds").values.count >= fsyncs.count)

            let info = try await storage.snapshotNow()
            #expect(try metrics.expectTimer("engram_snapshot_duration_seconds").values.count == 1)
            #expect(try metrics.expectGauge("engram_snapshot_bytes").lastValue == Double(info.sizeBytes))
            storage.refreshMetrics()
            let age = try #require(try metrics.expectGauge("engram_snapshot_age_seconds").lastValue)
            #expect(age >= 0 && age < 60)
            #expect(try metrics.expectGauge("engram_wal_pending_records").lastValue == 0)
            #expect(try metrics.expectGauge("engram_wal_sequence").lastValue ?? 0 >= Double(sequence))
            #expect(try metrics.expectCounter("engram_snapshot_failures_total").totalValue == 0)

            // More writes after the snapshot: the next start-up replays them and says so.
            let store = storage.engine.listStores()[0].id
            for i in 0..<7 {
                _ = try storage.engine.resolveIdentity(
                    storeID: store, identifiers: [IdentifierInput(type: "email", value: "m\(i)@x.io")])
            }
            try await storage.waitUntilDurable(storage.engine.view().logPosition)
            await storage.close(snapshot: false)
            let after = TestMetrics()
            settings.metricsFactory = after
            let reopened = try Storage.open(settings, logger: quietLogger)
            #expect(try after.expectGauge("engram_recovery_replayed_records").lastValue == 7)
            let took = try #require(try after.expectGauge("engram_recovery_duration_seconds").lastValue)
            #expect(took > 0 && took < 60)
            await reopened.close(snapshot: false)
        }
    }

    @Test func aFailedSnapshotIsCounted() async throws {
        try await withTemporaryDirectory { dir in
            let metrics = TestMetrics()
            var settings = options(dir)
            settings.metricsFactory = metrics
            let storage = try Storage.open(settings, logger: quietLogger)
            try runRandomOperations(storage.engine, seed: 42, count: 50)
            // The snapshots directory made unwritable by putting a file where a snapshot goes.
            let snapshots = dir + "/snapshots"
            try FileManager.default.removeItem(atPath: snapshots)
            try Data("not a directory".utf8).write(to: URL(fileURLWithPath: snapshots))
            await #expect(throws: (any Error).self) { _ = try await storage.snapshotNow() }
            #expect(try metrics.expectCounter("engram_snapshot_failures_total").totalValue == 1)
            try FileManager.default.removeItem(atPath: snapshots)
            try FileManager.default.createDirectory(atPath: snapshots, withIntermediateDirectories: false)
            await storage.close(snapshot: false)
        }
    }
}
