import EngramEmbeddings
import Foundation

/// Where the tests find the model and the reference vectors. The model comes from
/// `scripts/fetch-model` (scripts/test runs it); ENGRAM_MODEL_DIR overrides the path.
enum ModelFixture {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var modelDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["ENGRAM_MODEL_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return repository.appendingPathComponent("models/all-MiniLM-L6-v2")
    }

    static let referenceFile = repository.deletingLastPathComponent().appendingPathComponent(
        "shared/data/minilm-reference.json")

    /// The embedder, loaded once for all tests; a failure says how to fetch the model.
    static let embedder: Result<MiniLMEmbedder, EmbeddingError> = Result { () throws(EmbeddingError) in
        try MiniLMEmbedder(directory: modelDirectory)
    }

    struct Reference: Decodable {
        struct Item: Decodable {
            var text: String
            var input_ids: [Int32]
            var embedding: [Float]
        }
        var items: [Item]
    }

    static func reference() throws -> Reference {
        guard let data = FileManager.default.contents(atPath: referenceFile.path) else {
            throw FixtureError(
                message:
                    "no reference file at \(referenceFile.path) (shared/data/minilm-reference.json beside the repository)"
            )
        }
        return try JSONDecoder().decode(Reference.self, from: data)
    }

    struct FixtureError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0
    var na = 0.0
    var nb = 0.0
    for (x, y) in zip(a, b) {
        dot += Double(x) * Double(y)
        na += Double(x) * Double(x)
        nb += Double(y) * Double(y)
    }
    return dot / max((na * nb).squareRoot(), 1e-30)
}
