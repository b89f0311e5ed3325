import EngramCore
import EngramTestSupport
import Foundation
import Logging
import Testing

@testable import EngramStorage

/// A log handler that keeps messages, to check what recovery said.
final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    // @unchecked: `lines` is guarded by `lock`; the rest is set once before use.
    private let lock = NSLock()
    private var captured: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let meta = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
            separator: " ")
        lock.withLock { captured.append("\(event.level) \(event.message) \(meta)") }
    }

    var lines: [String] { lock.withLock { captured } }
}

/// A fresh temporary directory, removed when `body` returns.
func withTemporaryDirectory<R>(_ body: (String) async throws -> R) async rethrows -> R {
    let path = NSTemporaryDirectory() + "engram-storage-test-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

func options(_ directory: String, fsync: FsyncMode = .always, segmentBytes: Int = 64 << 20) -> StorageOptions {
    var o = StorageOptions(dataDirectory: directory)
    o.fsync = fsync
    o.segmentBytes = segmentBytes
    o.snapshotInterval = nil
    o.snapshotEveryRecords = nil
    o.engine = EngineConfiguration(shardCount: 4)
    return o
}

/// Runs `count` random operations (two stores with test settings) against `engine`.
func runRandomOperations(_ engine: Engine, seed: UInt64, count: Int) throws {
    var stores = engine.listStores().map(\.id)
    if stores.count < 2 {
        for name in ["alpha", "beta"] where !stores.contains(where: { (try? engine.getStore($0).displayName) == name })
        {
            let id = try engine.createStore(displayName: name, description: "random").store.id
            _ = try engine.putIdentitySettings(storeID: id, randomTestSettings)
            stores.append(id)
        }
    }
    var source = OperationSource(seed: seed)
    for _ in 0..<count {
        _ = engine.run(source.next(), stores: stores, source: &source)
    }
}

/// Every file under `directory`, recursively.
func allFiles(under directory: String) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: directory)
    var files: [String] = []
    while let name = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        let path = directory + "/" + name
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            files.append(path)
        }
    }
    return files.sorted()
}

/// The files under `directory` whose bytes contain `needle`.
func filesContaining(_ needle: String, under directory: String) -> [String] {
    let pattern = Data(needle.utf8)
    return allFiles(under: directory).filter { path in
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        return data.range(of: pattern) != nil
    }
}

/// Expects both engines to rank every profile's observations and summaries the same, to the
/// bit: scores and their lexical, semantic and recency parts. Snapshots compare the stored
/// state; this compares the recall indexes that recovery rebuilds (vectors a snapshot or a
/// log record leaves out are built from the text again).
func expectSameRecall(_ a: Engine, _ b: Engine, queries: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    var compared = 0
    for store in a.view().snapshot().stores {
        for profile in store.profiles {
            for query in queries {
                let options = RecallOptions(
                    query: query, observationsLimit: 100, summariesLimit: 20, includeSuperseded: true, explain: true)
                let left = try? a.recall(storeID: store.store.id, profileID: profile.id, options)
                let right = try? b.recall(storeID: store.store.id, profileID: profile.id, options)
                #expect(
                    left?.observations == right?.observations, "\(profile.id): \(query)", sourceLocation: sourceLocation
                )
                #expect(left?.summaries == right?.summaries, "\(profile.id): \(query)", sourceLocation: sourceLocation)
                compared += left?.observations.count ?? 0
            }
        }
    }
    #expect(compared > 0, "some observations were ranked", sourceLocation: sourceLocation)
}

extension SQLiteStatement {
    /// The first column of the first row, as an integer.
    func first() throws -> Int64 {
        guard try step() else { return 0 }
        return int64(0)
    }
}

/// The snapshot file of an engine after 300 random operations, written to `dir`/s.sqlite.
func writeRandomSnapshot(seed: UInt64, in dir: String) throws -> String {
    let engine = Engine()
    try runRandomOperations(engine, seed: seed, count: 300)
    let path = dir + "/s.sqlite"
    _ = try SnapshotFile.write(engine.view(), to: path, createdAtUs: 1, faults: nil)
    return path
}
