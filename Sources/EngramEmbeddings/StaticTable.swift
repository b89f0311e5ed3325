import Foundation

/// A static embedding table: one row of `dimension` floats per vocabulary piece, as
/// `StaticDistillation` makes it and `StaticEmbedder` reads it.
///
/// On disk it is a directory of two files: `vocab.txt` (one piece per line, the row's index
/// its line number) and `embeddings.safetensors` (one F32 tensor `embeddings` of shape
/// [pieces, dimension], with how it was made in the header's `__metadata__`).
public struct StaticTable: Sendable {
    /// The pieces, by row.
    public var pieces: [String]
    public var dimension: Int
    /// Row-major, `pieces.count × dimension`.
    public var values: [Float]
    /// How the table was made (method, teacher, components, SIF coefficient…).
    public var metadata: [String: String]

    public init(pieces: [String], dimension: Int, values: [Float], metadata: [String: String] = [:]) {
        precondition(values.count == pieces.count * dimension, "a table needs one row per piece")
        self.pieces = pieces
        self.dimension = dimension
        self.values = values
        self.metadata = metadata
    }

    /// The file names inside a table's directory.
    public static let vocabularyFile = "vocab.txt"
    public static let embeddingsFile = "embeddings.safetensors"

    /// Writes the two files into `directory` (created if needed), each through a temporary
    /// file renamed into place, so a reader never sees half a table.
    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let vocabulary = Data((pieces.joined(separator: "\n") + "\n").utf8)
        try vocabulary.write(to: directory.appendingPathComponent(Self.vocabularyFile), options: .atomic)

        let byteCount = values.count * MemoryLayout<Float>.size
        var header: [String: Any] = [
            "embeddings": ["dtype": "F32", "shape": [pieces.count, dimension], "data_offsets": [0, byteCount]]
        ]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // The tensor bytes start 8-aligned, so they can be read in place.
        while (8 + json.count) % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var file = Data(capacity: 8 + json.count + byteCount)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        values.withUnsafeBytes { raw in
            // Float's bytes are little-endian on every platform Engram builds for.
            file.append(contentsOf: raw)
        }
        try file.write(to: directory.appendingPathComponent(Self.embeddingsFile), options: .atomic)
    }
}
