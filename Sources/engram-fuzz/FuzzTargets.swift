import EngramCore
@_spi(Fuzzing) import EngramStorage
import EngramWire
import Foundation
import Logging

/// What the fuzzers feed bytes to. Each takes any bytes at all and must return normally: an
/// error is an answer, a crash, a hang, a leak or a sanitizer report is a bug.
enum FuzzTarget: String, CaseIterable {
    /// The frame decoder over a byte stream (in two reads), each whole frame's payload decoded
    /// as its method's request or response.
    case frames
    /// Every message of the schema: the first byte picks the type, the rest is decoded; what
    /// decodes must encode to bytes that decode to the same message.
    case messages
    /// A write-ahead log record's payload (a command): what decodes must encode and decode to
    /// the same command.
    case log
    /// A whole log segment, scanned as recovery does and replayed into an engine.
    case segment
    /// A snapshot file, read as start-up does: a real one (holding every table) with the
    /// input's damage applied. Each 5 bytes of input are an offset (4 bytes, little-endian,
    /// modulo the file's size) and a byte to XOR there; a last partial group cuts the file at
    /// that many bytes from its end. Random bytes as a whole file would almost never get past
    /// SQLite's header, and would teach the fuzzer nothing.
    case snapshot

    func run(_ data: UnsafeRawBufferPointer) {
        switch self {
        case .frames: Self.frames(data)
        case .messages: Self.messages(data)
        case .log: Self.log(data)
        case .segment: _ = StorageFuzzing.replaySegment(data)
        case .snapshot: Self.snapshot(data)
        }
    }

    private static func frames(_ data: UnsafeRawBufferPointer) {
        guard let firstByte = data.first else { return }
        var decoder = FrameDecoder(maxFrameBytes: 1 << 16)
        let split = data.count > 1 ? 1 + Int(firstByte) % (data.count - 1) : data.count
        for part in [
            UnsafeRawBufferPointer(rebasing: data[1..<max(1, split)]),
            UnsafeRawBufferPointer(rebasing: data[max(1, split)...]),
        ] {
            decoder.append(part)
            while true {
                let frame: Frame?
                do { frame = try decoder.next() } catch { return }
                guard let frame else { break }
                guard let method = Method(rawValue: frame.method), frame.type == .request || frame.type == .response
                else { continue }
                let type = frame.type == .request ? method.descriptor.requestType : method.descriptor.responseType
                _ = frame.payload.withUnsafeBytes { try? type.init(decoding: $0) }
            }
        }
    }

    private static func messages(_ data: UnsafeRawBufferPointer) {
        guard let first = data.first else { return }
        let type = MessageRegistry.all[Int(first) % MessageRegistry.all.count]
        roundTrip(type, UnsafeRawBufferPointer(rebasing: data[1...]))
    }

    /// Compared as bytes, not values: a NaN in a float field is not equal to itself.
    private static func roundTrip<M: ProtoMessage>(_: M.Type, _ bytes: UnsafeRawBufferPointer) {
        guard let message = try? M(decoding: bytes) else { return }
        let encoded = message.serializedBytes()
        let again = encoded.withUnsafeBytes { try? M(decoding: $0) }
        precondition(
            again?.serializedBytes() == encoded, "\(M.protoMessageName): its own encoding did not decode to the same")
    }

    private static func log(_ data: UnsafeRawBufferPointer) {
        guard let command = try? Command(decoding: data) else { return }
        let encoded = command.encoded()
        let again = encoded.withUnsafeBytes { try? Command(decoding: $0) }
        precondition(again?.encoded() == encoded, "a log record's own encoding did not decode to the same: \(command)")
    }

    private static func snapshot(_ data: UnsafeRawBufferPointer) {
        var file = FuzzFiles.baseSnapshot
        guard !file.isEmpty else { return }
        var i = 0
        while i + 5 <= data.count {
            let offset = Int(
                UInt32(data[i]) | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2]) << 16 | UInt32(data[i + 3]) << 24)
            file[offset % file.count] ^= data[i + 4]
            i += 5
        }
        if i < data.count { file.removeLast(min(file.count, Int(data[i]) * 64)) }
        let path = FuzzFiles.scratch
        guard file.withUnsafeBytes({ FuzzFiles.write($0, to: path) }) else { return }
        do { _ = try StorageFuzzing.readSnapshot(path: path) } catch {
            if ProcessInfo.processInfo.environment["ENGRAM_FUZZ_VERBOSE"] != nil { print("snapshot: \(error)") }
        }
    }
}

/// The file a snapshot input is written to (one per process: libFuzzer runs inputs one at a time).
enum FuzzFiles {
    static let scratch: String = {
        let directory = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        return "\(directory)/engram-fuzz-\(ProcessInfo.processInfo.processIdentifier).sqlite"
    }()

    /// A snapshot of an engine holding a bit of everything, made once per process.
    static let baseSnapshot: [UInt8] = {
        let engine = Engine()
        do {
            try FuzzSeeds.activity(engine, 1)
            let path = scratch + ".base"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try StorageFuzzing.writeSnapshot(of: engine, to: path)
            return Array(FileManager.default.contents(atPath: path) ?? Data())
        } catch {
            print("engram-fuzz: the base snapshot could not be made: \(error)")
            return []
        }
    }()

    static func write(_ data: UnsafeRawBufferPointer, to path: String) -> Bool {
        (try? Data(data).write(to: URL(fileURLWithPath: path))) != nil
    }
}

/// Seed inputs for every target, made from the real thing: the schema's golden vectors as
/// messages and as frames, and the log segments, records and snapshot of a small data directory
/// written by the storage layer.
enum FuzzSeeds {
    static func write(vectors: String, to output: String) async throws {
        let fm = FileManager.default
        for target in FuzzTarget.allCases {
            try fm.createDirectory(atPath: "\(output)/\(target.rawValue)", withIntermediateDirectories: true)
        }
        func save(_ bytes: [UInt8], _ target: FuzzTarget, _ name: String) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: "\(output)/\(target.rawValue)/\(name)"))
        }
        // Messages: the type's index, then its golden vector.
        var requestID: UInt32 = 1
        for (index, type) in MessageRegistry.all.enumerated() {
            let name = type.protoMessageName
            guard let vector = fm.contents(atPath: "\(vectors)/\(name).bin") else { continue }
            try save([UInt8(index % 256)] + Array(vector), .messages, name)
            // Frames: each request and response vector in a frame of its method.
            for method in Method.allCases {
                let descriptor = method.descriptor
                let kind: FrameType? =
                    descriptor.requestType == type ? .request : descriptor.responseType == type ? .response : nil
                guard let kind else { continue }
                let frame = Frame(type: kind, method: method.rawValue, requestID: requestID, payload: Array(vector))
                requestID += 1
                try save([UInt8(3)] + frame.encoded(), .frames, "\(method)-\(kind)")
            }
        }
        // Log records, segments and a snapshot from a data directory with a bit of everything.
        let directory = "\(FuzzFiles.scratch).seed"
        try? fm.removeItem(atPath: directory)
        defer { try? fm.removeItem(atPath: directory) }
        var options = StorageOptions(dataDirectory: directory)
        options.segmentBytes = 4096
        let storage = try Storage.open(
            options, logger: Logger(label: "seed", factory: { _ in SwiftLogNoOpLogHandler() }))
        let engine = storage.engine
        // The same activity before the snapshot (so the snapshot holds every table) and after
        // it (so the log's last segment holds every kind of record).
        try activity(engine, 1)
        _ = try await storage.snapshotNow()
        try activity(engine, 2)
        // Closing flushes the log; the snapshot taken above stays the newest.
        await storage.close(snapshot: false)
        let files = (fm.enumerator(atPath: directory)?.allObjects as? [String] ?? []).sorted()
        for file in files {
            let name = (file as NSString).lastPathComponent
            guard let bytes = fm.contents(atPath: "\(directory)/\(file)") else { continue }
            if name.hasSuffix(".sqlite") {
                // Damage descriptors for the built-in base snapshot (see `FuzzTarget.snapshot`):
                // none, one flipped bit in the header and in the middle, and a cut tail.
                let middle = UInt32(bytes.count / 2)
                try save([], .snapshot, "undamaged")
                try save([20, 0, 0, 0, 1], .snapshot, "header-bit")
                try save(
                    [UInt8(middle & 255), UInt8(middle >> 8 & 255), UInt8(middle >> 16 & 255), 0, 0x10], .snapshot,
                    "middle-bit")
                try save([3], .snapshot, "cut-tail")
            } else if name.hasPrefix("wal-") {
                try save(Array(bytes), .segment, name)
                // Each record's payload (docs/storage.md): after the 24-byte segment header, records
                // of crc32c (4), length (4), sequence (8) and the payload.
                var offset = 24
                var index = 0
                while offset + 16 <= bytes.count {
                    let length = bytes[(offset + 4)..<(offset + 8)].withUnsafeBytes {
                        Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)))
                    }
                    let start = offset + 16
                    guard length > 0, start + length <= bytes.count else { break }
                    try save(Array(bytes[start..<start + length]), .log, "\(name)-\(index)")
                    offset = start + length
                    index += 1
                }
            }
        }
    }

    /// A bit of everything in one new store: identity, traits and their removal, an observation
    /// and its deletion, a knowledge base with a document.
    static func activity(_ engine: Engine, _ n: Int) throws {
        let store = try engine.createStore(displayName: "seed-\(n)").store.id
        let profile = try engine.resolveIdentity(
            storeID: store, identifiers: [IdentifierInput(type: "email", value: "seed\(n)@example.com")],
            traits: [TraitUpdate(group: "Contact", name: "name", value: .string("Seed"))]
        ).profileID
        _ = try engine.resolveIdentity(
            storeID: store, identifiers: [IdentifierInput(type: "phone", value: "+1415555010\(n)")], into: profile)
        let observed = try engine.observe(
            storeID: store, profileID: profile,
            observations: [
                ObservationInput(
                    content: "prefers email after 6pm", source: "agent", occurredAt: 1_000, conversationIDs: ["c1"],
                    subjectKey: "contact.time", embedding: nil, idempotencyKey: "k1")
            ])
        let base = try engine.createKnowledgeBase(storeID: store, displayName: "Help").knowledgeBase.id
        _ = try engine.addKnowledge(
            storeID: store, knowledgeBaseID: base,
            KnowledgeInput(
                name: "Policies", sourceType: .markdown, source: "# Refunds\nFive days.\n## Shipping\nThree days."))
        _ = try engine.updateTraits(
            storeID: store, profileID: profile, [TraitUpdate(group: "Contact", name: "name", value: nil)])
        if let id = observed.observations.first?.observationID {
            _ = try engine.deleteObservation(storeID: store, profileID: profile, observationID: id)
        }
    }
}
