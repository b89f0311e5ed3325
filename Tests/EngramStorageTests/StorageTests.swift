import EngramCore
import EngramTestSupport
import Foundation
import Testing

@testable import EngramStorage

@Suite("Storage: snapshots, recovery, erasure, faults")
struct StorageTests {
    @Test func snapshotFileRoundTripsTheWholeState() async throws {
        try await withTemporaryDirectory { dir in
            let engine = Engine(configuration: EngineConfiguration(shardCount: 4))
            try runRandomOperations(engine, seed: 3, count: 3000)
            // Values the random operations do not produce.
            let store = try engine.createStore(displayName: "extras").store.id
            let profile = try engine.resolveIdentity(
                storeID: store, identifiers: [IdentifierInput(type: "email", value: "x@y.z")],
                traits: [
                    TraitUpdate(group: "G", name: "n", value: .integer(-7)),
                    TraitUpdate(group: "G", name: "l", value: .strings(["a\"", "b"])),
                    TraitUpdate(group: "G", name: "e", value: .string("")),
                ]
            ).profileID
            _ = try engine.observe(
                storeID: store, profileID: profile,
                observations: [
                    ObservationInput(
                        content: "has an embedding", source: "t", occurredAt: 5,
                        embedding: [0.25, -1, 3.5e-9] + [Float](repeating: 0.01, count: 381))
                ],
                communications: [
                    CommunicationInput(
                        authorType: .aiAgent, channel: .email, text: "hello", conversationID: "c",
                        authorAddress: "bot@x",
                        recipients: [CommunicationParticipant(type: .customer, address: "x@y.z")])
                ])
            try runConversationScenario(engine) { _ in }
            let view = engine.view()
            #expect(view.snapshot().stores.contains { $0.profiles.contains { !$0.conversations.isEmpty } })
            let path = dir + "/s.sqlite"
            _ = try SnapshotFile.write(view, to: path, createdAtUs: 1, faults: nil)
            let read = try SnapshotFile.read(path)
            let expected = view.snapshot()
            #expect(read.logPosition == expected.logPosition)
            #expect(Engine(restoring: read).view().snapshot() == expected)
        }
    }

    @Test(arguments: FsyncMode.allCases)
    func recoveryFromLogAloneGivesTheSameState(mode: FsyncMode) async throws {
        try await withTemporaryDirectory { dir in
            var o = options(dir, fsync: mode)
            o.fsyncInterval = .milliseconds(5)
            let storage = try Storage.open(o, logger: quietLogger)
            try runRandomOperations(storage.engine, seed: 11, count: 2000)
            let before = storage.engine.view().snapshot()
            #expect(before.logPosition > 0)
            try await storage.waitUntilDurable(before.logPosition)
            #expect(storage.state().fsyncMode == mode)
            await storage.close(snapshot: false)

            let reopened = try Storage.open(options(dir), logger: quietLogger)
            #expect(reopened.engine.view().snapshot() == before)
            // The log leaves out the hashed vectors; replay builds the same ones.
            expectSameRecall(storage.engine, reopened.engine, queries: Self.queries)
            await reopened.close(snapshot: false)
        }
    }

    static let queries = ["refund for the blue shoes", "dogs", "email or phone", "sushi", "Lyon night shifts"]

    @Test func recoveryFromSnapshotPlusLogTailGivesTheSameState() async throws {
        try await withTemporaryDirectory { dir in
            let storage = try Storage.open(options(dir, segmentBytes: 16 << 10), logger: quietLogger)
            try runRandomOperations(storage.engine, seed: 12, count: 1500)
            let info = try await storage.snapshotNow()
            #expect(info.sequence == storage.engine.view().logPosition)
            try runRandomOperations(storage.engine, seed: 13, count: 1500)
            try runConversationScenario(storage.engine) { _ in }
            let before = storage.engine.view().snapshot()
            await storage.close(snapshot: false)

            let handler = CapturingLogHandler()
            let reopened = try Storage.open(options(dir), logger: .init(label: "t", factory: { _ in handler }))
            #expect(reopened.engine.view().snapshot() == before)
            expectSameRecall(storage.engine, reopened.engine, queries: Self.queries)
            #expect(reopened.state().snapshotSequence == info.sequence)
            #expect(
                handler.lines.contains {
                    $0.contains("storage recovered") && $0.contains("snapshot_sequence=\(info.sequence)")
                })
            // The background threads index whatever the recalls above did not.
            let deadline = ContinuousClock.now + .seconds(30)
            while reopened.isIndexing && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            #expect(!reopened.isIndexing && reopened.engine.unindexedProfileCount() == 0)
            // And again after a snapshot on close.
            try runRandomOperations(reopened.engine, seed: 14, count: 500)
            let later = reopened.engine.view().snapshot()
            await reopened.close()
            let third = try Storage.open(options(dir), logger: quietLogger)
            #expect(third.engine.view().snapshot() == later)
            #expect(third.state().snapshotSequence == later.logPosition)
            await third.close(snapshot: false)
        }
    }

    @Test func snapshotsDeleteCoveredSegments() async throws {
        try await withTemporaryDirectory { dir in
            let storage = try Storage.open(options(dir, segmentBytes: 8 << 10), logger: quietLogger)
            // Ten separately committed batches: segments roll between batches.
            for round in 0..<10 {
                try runRandomOperations(storage.engine, seed: 21 + UInt64(round), count: 100)
                try await storage.waitUntilDurable(storage.log.lastSequence)
            }
            let log = dir + "/log"
            #expect(try LogRecovery.segments(in: log).count > 3)
            _ = try await storage.snapshotNow()
            // Only the segment opened by the roll remains; nothing was logged after it.
            let segments = try LogRecovery.segments(in: log)
            #expect(segments.count == 1)
            #expect(segments.first?.firstSequence == storage.engine.view().logPosition + 1)
            await storage.close(snapshot: false)
        }
    }

    @Test func corruptNewestSnapshotFallsBackToThePreviousOne() async throws {
        try await withTemporaryDirectory { dir in
            let storage = try Storage.open(options(dir), logger: quietLogger)
            try runRandomOperations(storage.engine, seed: 31, count: 800)
            let first = try await storage.snapshotNow()
            // No deletions in between, so the first snapshot stays as a fallback.
            let store = storage.engine.listStores()[0].id
            for i in 0..<50 {
                _ = try storage.engine.resolveIdentity(
                    storeID: store, identifiers: [IdentifierInput(type: "email", value: "late\(i)@x.io")])
            }
            let second = try await storage.snapshotNow()
            #expect(second.sequence > first.sequence)
            #expect(FileManager.default.fileExists(atPath: first.path))
            let before = storage.engine.view().snapshot()
            await storage.close(snapshot: false)

            // Damage the newest snapshot in the middle.
            var bytes = try Data(contentsOf: URL(fileURLWithPath: second.path))
            for i in stride(from: bytes.count / 3, to: bytes.count * 2 / 3, by: 97) { bytes[i] ^= 0xA5 }
            try bytes.write(to: URL(fileURLWithPath: second.path))

            let handler = CapturingLogHandler()
            let reopened = try Storage.open(options(dir), logger: .init(label: "t", factory: { _ in handler }))
            #expect(reopened.engine.view().snapshot() == before)
            #expect(reopened.state().snapshotSequence == first.sequence)
            #expect(handler.lines.contains { $0.contains("snapshot unreadable") && $0.contains(second.path) })
            await reopened.close(snapshot: false)
        }
    }

    @Test func anEditedObservationRowFailsTheTablesChecksum() async throws {
        try await withTemporaryDirectory { dir in
            let path = try writeRandomSnapshot(seed: 6, in: dir)
            _ = try SnapshotFile.read(path)
            // One row in each half of the table, which are read (and checksummed) apart.
            let rows = try SQLiteDatabase(path: path, readOnly: true).prepare("SELECT count(*) FROM observations")
                .first()
            #expect(rows >= 4)
            for rowid in [1, rows] {
                let copy = dir + "/edited-\(rowid).sqlite"
                try FileManager.default.copyItem(atPath: path, toPath: copy)
                try SQLiteDatabase(path: copy, readOnly: false).execute(
                    "UPDATE observations SET content = content || '!' WHERE rowid = \(rowid)")
                #expect {
                    try SnapshotFile.read(copy)
                } throws: { error in
                    (error as? StorageError)?.message.contains("table observations") == true
                }
            }
        }
    }

    @Test func truncatedSnapshotIsUnreadable() async throws {
        try await withTemporaryDirectory { dir in
            let path = try writeRandomSnapshot(seed: 5, in: dir)
            truncate(path, off_t(FileIO.fileSize(path)! / 2))
            #expect(throws: StorageError.self) { try SnapshotFile.read(path) }
        }
    }

    @Test func deletedProfileAndStoreLeaveNoBytesOnDiskAfterTheNextSnapshot() async throws {
        try await withTemporaryDirectory { dir in
            let storage = try Storage.open(options(dir, segmentBytes: 32 << 10), logger: quietLogger)
            let engine = storage.engine
            try runRandomOperations(engine, seed: 41, count: 500)
            let store = try engine.createStore(displayName: "secret-store").store.id
            let other = engine.listStores()[0].id
            let secret = "needle-\(UUID().uuidString)"
            let storeSecret = "storeneedle-\(UUID().uuidString)"
            let profile = try engine.resolveIdentity(
                storeID: other, identifiers: [IdentifierInput(type: "email", value: "\(secret)@x.io")]
            ).profileID
            _ = try engine.observe(
                storeID: other, profileID: profile,
                observations: [ObservationInput(content: "the secret is \(secret)", source: "t", occurredAt: 1)],
                summaries: [
                    SummaryInput(content: "summary \(secret)", conversationID: "c9", occurredAt: 1, source: "t")
                ])
            let inStore = try engine.resolveIdentity(
                storeID: store, identifiers: [IdentifierInput(type: "chat", value: storeSecret)]
            ).profileID
            _ = try engine.observe(
                storeID: store, profileID: inStore,
                observations: [ObservationInput(content: storeSecret, source: "t", occurredAt: 1)])
            // The snapshot before the deletion holds it too: an older snapshot must not survive.
            _ = try await storage.snapshotNow()
            try runRandomOperations(engine, seed: 42, count: 300)
            let sequence = storage.log.lastSequence
            try await storage.waitUntilDurable(sequence)
            #expect(!filesContaining(secret, under: dir).isEmpty, "the test can see the secret before deletion")
            #expect(!filesContaining(storeSecret, under: dir).isEmpty)

            _ = try engine.deleteProfile(storeID: other, profileID: profile)
            _ = try engine.deleteStore(store)
            try await storage.waitUntilDurable(storage.log.lastSequence)
            _ = try await storage.snapshotNow()
            // More writes after the snapshot do not bring it back.
            try runRandomOperations(engine, seed: 43, count: 200)
            try await storage.waitUntilDurable(storage.log.lastSequence)
            #expect(filesContaining(secret, under: dir) == [])
            #expect(filesContaining(storeSecret, under: dir) == [])
            await storage.close()
            #expect(filesContaining(secret, under: dir) == [])
        }
    }

    /// A deleted observation and messages a store's retention erased are gone from disk after
    /// the next snapshot too, as a deleted profile is: no older snapshot or log segment survives.
    @Test func deletedObservationsAndExpiredMessagesLeaveNoBytesOnDiskAfterTheNextSnapshot() async throws {
        try await withTemporaryDirectory { dir in
            let storage = try Storage.open(options(dir, segmentBytes: 32 << 10), logger: quietLogger)
            let engine = storage.engine
            // Writes that erase nothing (random operations would delete profiles, which makes
            // every snapshot replace the older ones anyway).
            let filler = try engine.createStore(displayName: "filler").store.id
            let fillerProfile = try engine.resolveIdentity(
                storeID: filler, identifiers: [IdentifierInput(type: "email", value: "f@x.io")]
            ).profileID
            func fill(_ round: Int) throws {
                for i in 0..<40 {
                    _ = try engine.observe(
                        storeID: filler, profileID: fillerProfile,
                        observations: [
                            ObservationInput(
                                content: "filler fact \(round)-\(i) " + String(repeating: "x", count: 400), source: "t",
                                occurredAt: 1)
                        ])
                }
            }
            try fill(0)
            let store = try engine.createStore(
                displayName: "retained", conversationSettings: ConversationSettings(messageRetention: 86_400_000_000)
            ).store.id
            let factSecret = "factneedle-\(UUID().uuidString)"
            let messageSecret = "msgneedle-\(UUID().uuidString)"
            let profile = try engine.resolveIdentity(
                storeID: store, identifiers: [IdentifierInput(type: "email", value: "r@x.io")]
            ).profileID
            let fact = try engine.observe(
                storeID: store, profileID: profile,
                observations: [ObservationInput(content: "the secret is \(factSecret)", source: "t", occurredAt: 1)])
            _ = try engine.appendCommunications(
                storeID: store, conversationID: "old", profileID: profile,
                communications: [
                    CommunicationInput(
                        authorType: .customer, channel: .sms, text: "my code is \(messageSecret)", conversationID: "",
                        createdAt: engine.now() - 2 * 86_400_000_000)
                ])
            _ = try await storage.snapshotNow()
            try fill(1)
            try await storage.waitUntilDurable(storage.log.lastSequence)
            #expect(
                !filesContaining(factSecret, under: dir).isEmpty && !filesContaining(messageSecret, under: dir).isEmpty)

            _ = try engine.deleteObservation(
                storeID: store, profileID: profile, observationID: fact.observations[0].observationID)
            #expect(engine.expireRetained().contains { $0.messagesErased == 1 })
            try await storage.waitUntilDurable(storage.log.lastSequence)
            _ = try await storage.snapshotNow()
            try fill(2)
            try await storage.waitUntilDurable(storage.log.lastSequence)
            #expect(filesContaining(factSecret, under: dir) == [])
            #expect(filesContaining(messageSecret, under: dir) == [])
            await storage.close()
        }
    }

    @Test func secondOpenOfTheSameDirectoryIsRefused() async throws {
        try await withTemporaryDirectory { dir in
            let storage = try Storage.open(options(dir), logger: quietLogger)
            #expect {
                _ = try Storage.open(options(dir), logger: quietLogger)
            } throws: { error in
                guard let error = error as? StorageError else { return false }
                return error.code == .locked && error.message.contains(dir) && error.message.contains("pid \(getpid())")
            }
            await storage.close(snapshot: false)
            // Released on close.
            let again = try Storage.open(options(dir), logger: quietLogger)
            await again.close(snapshot: false)
        }
    }

    @Test func aFileInPlaceOfTheDirectoryIsAClearError() async throws {
        await withTemporaryDirectory { dir in
            let file = dir + "/not-a-dir"
            _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
            #expect {
                _ = try Storage.open(options(file), logger: quietLogger)
            } throws: { ($0 as? StorageError)?.code == .badDirectory && "\($0)".contains(file) }
            #expect {
                _ = try Storage.open(options(dir + "/missing/parent"), logger: quietLogger)
            } throws: { ($0 as? StorageError)?.code == .badDirectory }
        }
    }

    @Test(.enabled(if: geteuid() != 0, "root ignores permissions; ProcessTests checks this as an unprivileged user"))
    func unwritableDirectoryIsAClearError() async throws {
        try await withTemporaryDirectory { dir in
            let data = dir + "/data"
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
            chmod(data, 0o500)
            defer { chmod(data, 0o700) }
            #expect {
                _ = try Storage.open(options(data), logger: quietLogger)
            } throws: { ($0 as? StorageError)?.code == .badDirectory }
        }
    }

    @Test func fullDiskGivesCleanErrorsAndWritesResumeWhenSpaceReturns() async throws {
        try await withTemporaryDirectory { dir in
            var o = options(dir)
            let faults = StorageFaults()
            o.faults = faults
            let storage = try Storage.open(o, logger: quietLogger)
            let engine = storage.engine
            try runRandomOperations(engine, seed: 51, count: 300)
            try await storage.waitUntilDurable(storage.log.lastSequence)
            let store = engine.listStores()[0].id
            let profile = try engine.resolveIdentity(
                storeID: store, identifiers: [IdentifierInput(type: "email", value: "full@disk.io")]
            ).profileID

            faults.writeErrno.store(ENOSPC, ordering: .relaxed)
            let during = try engine.observe(
                storeID: store, profileID: profile,
                observations: [ObservationInput(content: "written while full", source: "t", occurredAt: 1)])
            await #expect {
                try await storage.waitUntilDurable(during.logPosition)
            } throws: { ($0 as? StorageError)?.code == .diskFull }
            #expect(storage.state().failure?.code == .diskFull)
            await #expect(throws: StorageError.self) { _ = try await storage.snapshotNow() }

            faults.writeErrno.store(0, ordering: .relaxed)
            var succeeded = false
            for attempt in 0..<2 where !succeeded {
                let after = try engine.observe(
                    storeID: store, profileID: profile,
                    observations: [
                        ObservationInput(content: "written after space returned \(attempt)", source: "t", occurredAt: 2)
                    ])
                do {
                    try await storage.waitUntilDurable(after.logPosition)
                    succeeded = true
                } catch {}
            }
            #expect(succeeded)
            _ = try await storage.snapshotNow()
            try runRandomOperations(engine, seed: 52, count: 100)
            let before = engine.view().snapshot()
            await storage.close(snapshot: false)
            let reopened = try Storage.open(options(dir), logger: quietLogger)
            #expect(reopened.engine.view().snapshot() == before)
            await reopened.close(snapshot: false)
        }
    }

    @Test func writesContinueWhileASnapshotIsWritten() async throws {
        try await withTemporaryDirectory { dir in
            let storage = try Storage.open(options(dir), logger: quietLogger)
            try runRandomOperations(storage.engine, seed: 61, count: 3000)
            async let snapshot = storage.snapshotNow()
            try runRandomOperations(storage.engine, seed: 62, count: 500)
            try await storage.waitUntilDurable(storage.log.lastSequence)
            let info = try await snapshot
            let before = storage.engine.view().snapshot()
            #expect(before.logPosition >= info.sequence)
            await storage.close(snapshot: false)
            let reopened = try Storage.open(options(dir), logger: quietLogger)
            #expect(reopened.engine.view().snapshot() == before)
            await reopened.close(snapshot: false)
        }
    }
}
