/// The write-ahead log's on-disk format (docs/storage.md has the picture).
///
/// A segment file `log/wal-<first sequence, 20 digits>.log` starts with a 24-byte header:
/// the magic `ENGRAMWL`, the format version (UInt32 LE), 4 reserved zero bytes, and the first
/// sequence number (UInt64 LE). Records follow back to back, each a 16-byte header and a payload:
///
///     crc32c  UInt32 LE   CRC-32C of payload ‖ sequence (8 bytes LE) ‖ length (4 bytes LE)
///     length  UInt32 LE   payload bytes
///     seq     UInt64 LE   sequence number: the previous record's plus one
///     payload             Command's binary encoding (Command+Codec.swift)
enum LogFormat {
    static let magic: [UInt8] = Array("ENGRAMWL".utf8)
    static let version: UInt32 = 1
    static let headerBytes = 24
    static let recordHeaderBytes = 16
    /// Larger lengths are corruption: no frame can carry a command this big.
    static let maxPayloadBytes = 256 << 20

    static func segmentName(firstSequence: UInt64) -> String {
        "wal-" + pad20(firstSequence) + ".log"
    }

    /// The first sequence number from a segment file name, or nil if it is not one.
    static func firstSequence(ofSegment name: String) -> UInt64? {
        guard name.hasPrefix("wal-"), name.hasSuffix(".log"), name.utf8.count == 4 + 20 + 4 else { return nil }
        return UInt64(name.dropFirst(4).dropLast(4))
    }

    static func pad20(_ value: UInt64) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 20 - digits.utf8.count)) + digits
    }

    static func header(firstSequence: UInt64) -> [UInt8] {
        var w = ByteWriter(capacity: headerBytes)
        w.bytes.append(contentsOf: magic)
        w.fixed32(version)
        w.fixed32(0)
        w.fixed64(firstSequence)
        return w.bytes
    }

    /// The checksum a record carries.
    static func checksum(payload: UnsafeRawBufferPointer, sequence: UInt64, length: UInt32) -> UInt32 {
        var crc = CRC32C()
        crc.update(payload)
        var tail = (sequence.littleEndian, length.littleEndian)
        withUnsafeBytes(of: &tail) { crc.update(UnsafeRawBufferPointer(rebasing: $0[0..<12])) }
        return crc.value
    }
}
