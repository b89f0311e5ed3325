import EngramClient
import EngramWire
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A data directory written under the built-in hashed embedder, served again by an engramd
/// started with `--embedder minilm`: it re-embeds in the background, logs it, and a third
/// start has nothing left to do. Needs the model from scripts/fetch-model (scripts/test runs it).
@Suite struct EmbedderSwitchTests {
    static let modelDirectory: String = {
        if let path = ProcessInfo.processInfo.environment["ENGRAM_MODEL_DIR"], !path.isEmpty { return path }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("models/all-MiniLM-L6-v2").path
    }()

    @Test func restartingWithAnotherEmbedderReembedsInTheBackground() async throws {
        try #require(
            FileManager.default.fileExists(atPath: Self.modelDirectory + "/model.safetensors"),
            "MISSING MODEL: run scripts/fetch-model (it unpacks all-MiniLM-L6-v2 to models/all-MiniLM-L6-v2)")
        try await withTemporaryDirectory { dir in
            let data = dir + "/data"
            let facts = [
                "My invoice was wrong again this month.", "Has a golden retriever called Max.",
                "Lives near the harbour in Lisbon.",
            ]
            let first = try EngramdProcess(dataDirectory: data)
            defer { first.removeLog() }
            try await first.waitUntilServing()
            let client = try first.client()
            let store = try #require(try await client.createStore(.with { $0.displayName = "switch" }).store)
            let profile = try #require(
                try await client.resolveIdentity(
                    .with {
                        $0.storeId = store.id
                        $0.identifiers = [Wire.Identifier(type: "email", value: "eve@example.com")]
                    }
                ).profile)
            var observe = Wire.ObserveRequest()
            observe.storeId = store.id
            observe.profileId = profile.id
            observe.observations = facts.map { fact in
                .with {
                    $0.content = fact
                    $0.source = "agent"
                    $0.occurredAtUs = 1_700_000_000_000_000
                }
            }
            observe.observations.append(
                .with {
                    $0.content = "Sent with the client's own vector"
                    $0.source = "agent"
                    $0.occurredAtUs = 1_700_000_000_000_000
                    $0.embedding = [Float](repeating: 0.05, count: 384)
                })
            _ = try await client.observe(observe)
            #expect(try await client.serverInfo().embedder == "hashed-v1")
            client.close()
            first.kill(SIGTERM)
            #expect(await first.waitForExit() == 0)

            let arguments = ["--embedder", "minilm", "--model-dir", Self.modelDirectory]
            let second = try EngramdProcess(dataDirectory: data, arguments: arguments)
            defer { second.removeLog() }
            try await second.waitUntilServing()
            let c2 = try second.client()
            var info = try await c2.serverInfo()
            for _ in 0..<600 where info.reembedDoneProfiles < 1 {
                try await Task.sleep(for: .milliseconds(50))
                info = try await c2.serverInfo()
            }
            #expect(info.embedder == "minilm-l6-v2" && info.embedderVersion.count == 16)
            #expect(info.reembedDoneProfiles == 1 && info.reembedPendingProfiles == 0)
            #expect(info.reembedVectors == 3, "the client's vector is kept, the other three re-embedded")
            #expect(second.log.contains("re-embedding done"), "\(second.log)")
            // The model now ranks the profile: no word in common with the invoice fact.
            let recall = try await c2.recall(
                .with {
                    $0.storeId = store.id
                    $0.profileId = profile.id
                    $0.query = "billing problem"
                    $0.observationsLimit = 1
                })
            #expect(recall.observations.first?.observation?.content == facts[0])
            c2.close()
            second.kill(SIGKILL)
            _ = await second.waitForExit()

            // The re-embedding was logged: a third start finds nothing to do.
            let third = try EngramdProcess(dataDirectory: data, arguments: arguments)
            defer { third.removeLog() }
            try await third.waitUntilServing()
            let c3 = try third.client()
            defer { c3.close() }
            try await Task.sleep(for: .milliseconds(500))
            let after = try await c3.serverInfo()
            #expect(after.reembedDoneProfiles == 0 && after.reembedPendingProfiles == 0)
            let again = try await c3.recall(
                .with {
                    $0.storeId = store.id
                    $0.profileId = profile.id
                    $0.query = "billing problem"
                    $0.observationsLimit = 1
                })
            #expect(again.observations.first?.observation?.content == facts[0])
            third.kill(SIGTERM)
            #expect(await third.waitForExit() == 0)
        }
    }
}
