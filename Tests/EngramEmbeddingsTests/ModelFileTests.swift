import EngramEmbeddings
import Foundation
import Testing

/// Bad model files get errors that name the file and the problem, never a crash.
@Suite struct ModelFileTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("engram-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func missingDirectorySaysHowToFetchTheModel() throws {
        let url = URL(fileURLWithPath: "/nonexistent/engram-model")
        #expect {
            try MiniLMEmbedder(directory: url)
        } throws: { error in
            guard let e = error as? EmbeddingError else { return false }
            return e.code == .missingFile && e.message.contains("scripts/fetch-model")
                && e.message.contains("vocab.txt")
        }
    }

    @Test func truncatedAndGarbledSafetensorsAreRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(String, [UInt8])] = [
            ("short", [1, 2, 3]),
            ("length past the end", [0xff, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d]),
            ("not json", [4, 0, 0, 0, 0, 0, 0, 0] + Array("nope".utf8)),
            ("bad offsets", [UInt8](headerFile(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,80]}}"#, data: 8))),
        ]
        for (name, bytes) in cases {
            let url = dir.appendingPathComponent(name.replacingOccurrences(of: " ", with: "-"))
            try Data(bytes).write(to: url)
            #expect(throws: EmbeddingError.self, "\(name)") { try SafeTensorsFile(url: url) }
        }
    }

    @Test func tensorChecksNameDtypeAndShape() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("ok.safetensors")
        var bytes = headerFile(
            #"{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"i":{"dtype":"I64","shape":[1],"data_offsets":[16,24]}}"#,
            data: 0)
        for f: Float in [1, 2, 3, 4] { withUnsafeBytes(of: f.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        bytes.append(contentsOf: [UInt8](repeating: 0, count: 8))
        try Data(bytes).write(to: url)
        let file = try SafeTensorsFile(url: url)
        #expect(Array(try file.floats("w", shape: [2, 2])) == [1, 2, 3, 4])
        #expect(throws: EmbeddingError.self) { try file.floats("w", shape: [4]) }
        #expect(throws: EmbeddingError.self) { try file.floats("i", shape: [1]) }
        #expect(throws: EmbeddingError.self) { try file.floats("missing", shape: [1]) }
        #expect(file.contentDigest().count == 16)
    }

    /// A safetensors file: header length, header padded with spaces to 8 bytes, `data` zero bytes.
    func headerFile(_ json: String, data: Int) -> [UInt8] {
        var header = Array(json.utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        return bytes + header + [UInt8](repeating: 0, count: data)
    }
}
