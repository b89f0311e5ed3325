import EngramWire
import Foundation
import Testing

/// Protocol/vectors holds, per message, a text-format instance with every field set, the binary
/// protoc made of it, and Google's runtime's canonical dump of that binary (scripts/gen-vectors).
@Suite("Golden vectors from protoc")
struct GoldenVectorTests {
    static let names = MessageRegistry.all.map { $0.protoMessageName }

    @Test func everyMessageHasAVector() {
        for name in Self.names {
            let bin = Repo.vectors.appendingPathComponent("\(name).bin")
            #expect(FileManager.default.fileExists(atPath: bin.path), "missing vector \(name).bin")
        }
    }

    @Test(arguments: names)
    func decodesToExpectedValuesAndReencodesIdentically(name: String) throws {
        let type = try #require(MessageRegistry.type(named: name))
        let bytes = try Repo.read(Repo.vectors.appendingPathComponent("\(name).bin"))
        let expected = try Canon.parse(json: Repo.read(Repo.vectors.appendingPathComponent("\(name).json")))
        // Only the field-less messages encode to nothing.
        #expect(bytes.isEmpty == ["ServerInfoRequest", "SnapshotRequest"].contains(name))
        let message = try Dynamic.decode(type, bytes)
        #expect(Canon.of(message) == expected)
        #expect(Dynamic.encode(message) == bytes, "re-encoding \(name) differs from protoc's bytes")
    }
}
