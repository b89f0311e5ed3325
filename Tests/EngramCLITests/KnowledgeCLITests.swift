import EngramCLI
import Foundation
import Testing

/// `engram kb ...` against an in-process server.
@Suite struct KnowledgeCLITests {
    @Test("kb create, add a folder (a bad file reported, the rest added), docs, search, delete")
    func lifecycle() async throws {
        try await withServer { port in
            try await withTemporaryDirectory { dir in
                let store = try await createStore("kb-cli", port: port)
                let created = await engram(["kb", "create", "Help centre", "--store", store, "--json"], port: port)
                #expect(created.status == 0, "\(created.err)")
                let base = try #require(try created.json()["id"] as? String)

                let docs = dir.appendingPathComponent("docs")
                try FileManager.default.createDirectory(
                    at: docs.appendingPathComponent("more"), withIntermediateDirectories: true)
                try "# Returns\n\n## Refunds\nRefunds reach your card within five days.\n".write(
                    to: docs.appendingPathComponent("policies.md"), atomically: true, encoding: .utf8)
                try "question,answer\nOpening hours?,Nine to five\n".write(
                    to: docs.appendingPathComponent("more/faq.csv"), atomically: true, encoding: .utf8)
                try "<h1>About</h1><p>A family shop since 1990.</p>".write(
                    to: docs.appendingPathComponent("more/about.html"), atomically: true, encoding: .utf8)
                try "a,b\n\"never closed\n".write(
                    to: docs.appendingPathComponent("broken.csv"), atomically: true, encoding: .utf8)
                try "secret".write(to: docs.appendingPathComponent(".hidden.md"), atomically: true, encoding: .utf8)
                try Data([0x00, 0x01]).write(to: docs.appendingPathComponent("image.png"))

                let added = await engram(
                    [
                        "kb", "add", docs.path, "--kb", base, "--meta", "lang=en", "--progress", "--store", store,
                        "--json",
                    ],
                    port: port)
                #expect(added.status == 2, "one file was refused: \(added.err)")
                let report = try added.json()
                let ok = try #require(report["added"] as? [[String: Any]])
                #expect(Set(ok.compactMap { $0["name"] as? String }) == ["policies.md", "faq.csv", "about.html"])
                #expect(ok.allSatisfy { ($0["metadata"] as? [String: String]) == ["lang": "en"] })
                let failed = try #require(report["failed"] as? [[String: Any]])
                #expect(failed.count == 1 && (failed[0]["file"] as? String)?.hasSuffix("broken.csv") == true)
                #expect((failed[0]["reason"] as? String)?.contains("never closed") == true)
                #expect(added.err.contains("100%") && added.err.contains("3 documents"), "progress: \(added.err)")

                let listed = await engram(["kb", "docs", "--kb", base, "--store", store], port: port)
                #expect(listed.status == 0 && listed.out.contains("policies.md") && listed.out.contains("ready"))

                let found = await engram(["kb", "search", "when do I get my refund", "--store", store], port: port)
                #expect(found.status == 0, "\(found.err)")
                let firstRow = found.out.split(separator: "\n").dropFirst(2).first.map(String.init) ?? ""
                #expect(firstRow.contains("Returns > Refunds"), "\(found.out)")

                let profile = await engram(
                    ["profile", "resolve", "--email", "kb@example.com", "--store", store, "--json"], port: port)
                let profileID = try #require((try profile.json()["profile"] as? [String: Any])?["id"] as? String)
                let recalled = await engram(
                    ["recall", "refund", "--profile", profileID, "--kb", base, "--store", store, "--json"], port: port)
                let knowledge = try #require(try recalled.json()["knowledge"] as? [[String: Any]])
                #expect((knowledge.first?["heading_path"] as? [String])?.last == "Refunds", "\(recalled.out)")

                let bases = await engram(["kb", "list", "--store", store], port: port)
                #expect(bases.out.contains("Help centre") && bases.out.contains(base))
                let gone = await engram(["kb", "delete", base, "--store", store], port: port)
                #expect(gone.status == 0 && gone.out.contains("erased 3 documents"), "\(gone.out)")
                let missing = await engram(["kb", "docs", "--kb", base, "--store", store], port: port)
                #expect(missing.status == 15 && missing.err.contains("knowledge_base_id"))
                let noFile = await engram(
                    ["kb", "add", dir.path + "/nope.md", "--kb", base, "--store", store], port: port)
                #expect(noFile.status == 1 && noFile.err.contains("no such file"))
            }
        }
    }
}
