import EngramClient
import EngramCore
import EngramEmbeddings
import EngramServerTestSupport
import EngramWire
import Foundation
import Testing

/// engramd's path with the MiniLM embedder: Observe and uncached Recall run the model on
/// NIO's thread pool, cached queries stay on the event loop, and ServerInfo names the model.
/// The model comes from scripts/fetch-model (scripts/test runs it).
@Suite struct NeuralEmbedderTests {
    static let modelDirectory: URL = {
        if let path = ProcessInfo.processInfo.environment["ENGRAM_MODEL_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("models/all-MiniLM-L6-v2")
    }()

    @Test func serverRecallsByMeaningWithTheModel() async throws {
        let model = try MiniLMEmbedder(directory: Self.modelDirectory)
        var configuration = EngineConfiguration()
        configuration.recall.embedder = model
        try await withServer(engine: Engine(configuration: configuration)) { server in
            let client = try server.client()
            defer { client.close() }
            let info = try await client.serverInfo()
            #expect(
                info.embedder == "minilm-l6-v2" && info.embeddingDimension == 384
                    && info.embedderVersion == model.version)
            let store = try #require(try await client.createStore(.with { $0.displayName = "support" }).store)
            let profile = try #require(
                try await client.resolveIdentity(
                    .with {
                        $0.storeId = store.id
                        $0.identifiers = [Wire.Identifier(type: "email", value: "dana@example.com")]
                    }
                ).profile)
            let facts = [
                "My invoice was wrong again this month.", "Has a golden retriever called Max.",
                "Lives near the harbour in Lisbon.", "Prefers to be called in the evening.",
            ]
            _ = try await client.observe(
                .with {
                    $0.storeId = store.id
                    $0.profileId = profile.id
                    $0.observations = facts.enumerated().map { i, fact in
                        .with {
                            $0.content = fact
                            $0.source = "agent"
                            $0.occurredAtUs = 1_700_000_000_000_000 + Int64(i)
                        }
                    }
                })
            // No word in common with the invoice fact: only the model can match them.
            for _ in 0..<2 {  // the second time the query vector is cached
                let recall = try await client.recall(
                    .with {
                        $0.storeId = store.id
                        $0.profileId = profile.id
                        $0.query = "billing problem"
                        $0.observationsLimit = 1
                        $0.explain = true
                    })
                #expect(recall.observations.first?.observation?.content == facts[0])
                #expect((recall.observations.first?.explanation?.semantic ?? 0) > 0.3)
            }
            #expect(model.hasCachedQuery("billing problem"))
        }
    }
}
