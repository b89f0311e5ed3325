import EngramCore
import Logging

/// Entry points for the fuzz targets (`Sources/engram-fuzz`): the readers of bytes that come
/// from disk, reachable without a data directory. Not API; behind an SPI so nothing else
/// reaches them by accident.
@_spi(Fuzzing) public enum StorageFuzzing {
    /// Writes `engine`'s state as a snapshot file at `path`, as a snapshot does.
    public static func writeSnapshot(of engine: Engine, to path: String) throws {
        _ = try SnapshotFile.write(engine.view(), to: path, createdAtUs: 1, faults: nil)
    }

    /// Reads a snapshot file as start-up does; the number of stores in it, or an error.
    public static func readSnapshot(path: String) throws -> Int {
        try SnapshotFile.read(path).stores.count
    }

    /// Scans one log segment's bytes as recovery does (header, record framing, checksums,
    /// sequences, payload decoding), replaying every whole record into a fresh engine. Returns
    /// how many records were replayed.
    public static func replaySegment(_ raw: UnsafeRawBufferPointer) -> Int {
        guard raw.count >= LogFormat.headerBytes else { return 0 }
        let first = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        let recovery = LogRecovery(
            directory: "/nonexistent", acceptLogLoss: false,
            logger: Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() }))
        let engine = Engine()
        var replayed = 0
        _ = try? recovery.scan(
            raw, segment: .init(firstSequence: first, name: "fuzz"), path: "fuzz", after: 0
        ) { sequence, command throws(EngineError) in
            // A record that decodes but names nothing that exists is an engine error, not a crash.
            _ = try? engine.replay(command, logPosition: sequence)
            replayed += 1
        }
        return replayed
    }
}
