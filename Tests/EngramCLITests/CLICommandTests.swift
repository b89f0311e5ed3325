import EngramCLI
import Foundation
import Testing

@Suite("engram commands, in-process against a server")
struct CLICommandTests {
    @Test("stores: create, list, get, delete; a missing store is NOT_FOUND with exit status 15")
    func stores() async throws {
        try await withServer { port in
            let id = try await createStore("support", port: port)
            let list = await engram(["store", "list"], port: port)
            #expect(list.status == 0)
            #expect(list.out.contains("support") && list.out.contains(id) && list.out.contains("NAME"))
            let listed = try await engram(["store", "list", "--json"], port: port).json()["stores"] as? [[String: Any]]
            #expect(listed?.compactMap { $0["id"] as? String } == [id])
            let got = try await engram(["store", "get", id, "--json"], port: port).json()
            #expect(got["display_name"] as? String == "support")
            let deleted = await engram(["store", "delete", id], port: port)
            #expect(deleted.status == 0 && deleted.out.contains("deleted store \(id)"))
            let missing = await engram(["store", "get", id], port: port)
            #expect(missing.status == 15)
            #expect(missing.err.contains("NOT_FOUND"), "\(missing.err)")
            let missingJSON = try await engram(["store", "get", id, "--json"], port: port).json()
            let error = missingJSON["error"] as? [String: Any]
            #expect(error?["status"] as? String == "NOT_FOUND" && error?["code"] as? Int == 5)
        }
    }

    @Test("profiles: resolve with identifiers and typed traits, match, merge, get, lookup, delete")
    func profiles() async throws {
        try await withServer { port in
            let store = try await createStore("profiles", port: port)
            let env = ["ENGRAM_STORE": store]
            let created = try await engram(
                [
                    "profile", "resolve", "--email", "Alyssa@Example.com", "--trait", "Account.tier=gold",
                    "--trait", "Account.spend:number=12.5", "--trait", "Account.visits:int=3", "--trait",
                    "Contact.vip:bool=yes",
                    "--trait", "Contact.languages:list=en|fr", "--json",
                ], port: port, environment: env
            ).json()
            #expect(created["outcome"] as? String == "CREATED")
            let profile = try #require(created["profile"] as? [String: Any])
            let id = try #require(profile["id"] as? String)
            let traits = try #require(profile["traits"] as? [String: [String: Any]])
            #expect(traits["Account"]?["tier"] as? String == "gold")
            #expect(traits["Account"]?["spend"] as? Double == 12.5)
            #expect(traits["Account"]?["visits"] as? Int == 3)
            #expect(traits["Contact"]?["vip"] as? Bool == true)
            #expect(traits["Contact"]?["languages"] as? [String] == ["en", "fr"])

            let phoneOnly = try await engram(
                ["profile", "resolve", "--phone", "+13175551234", "--json"], port: port, environment: env
            ).json()
            let otherID = try #require((phoneOnly["profile"] as? [String: Any])?["id"] as? String)
            #expect(otherID != id)
            let merged = try await engram(
                ["profile", "resolve", "--email", "alyssa@example.com", "--phone", "+1 317 555 1234", "--json"],
                port: port, environment: env
            ).json()
            #expect(merged["outcome"] as? String == "MERGED")
            #expect(
                (merged["profile"] as? [String: Any])?["id"] as? String == id,
                "the earliest-created profile keeps its id")

            let matched = await engram(
                ["profile", "resolve", "--id", "email=alyssa@example.com"], port: port, environment: env)
            #expect(matched.status == 0 && matched.out.hasPrefix("MATCHED \(id)"), "\(matched.out)")

            let got = await engram(["profile", "get", otherID], port: port, environment: env)
            #expect(
                got.status == 0 && got.out.contains(id) && got.out.contains("Account.tier")
                    && got.out.contains("+13175551234"), "\(got.out)")
            let lookup = try await engram(
                ["profile", "lookup", "--email", "ALYSSA@example.com", "--json"], port: port, environment: env
            ).json()
            #expect((lookup["normalized"] as? [String: Any])?["value"] as? String == "alyssa@example.com")
            #expect((lookup["profiles"] as? [[String: Any]])?.first?["id"] as? String == id)

            let deleted = try await engram(["profile", "delete", id, "--json"], port: port, environment: env).json()
            #expect(deleted["profile_id"] as? String == id)
            #expect(
                (deleted["receipt"] as? [String: Any])?["profiles"] as? Int == 2, "the profile merged into it goes too")
            let gone = await engram(["profile", "get", id], port: port, environment: env)
            #expect(gone.status == 15)
        }
    }

    @Test("observe (flags and a JSON Lines file), recall with filters and explain, observations list and revisions")
    func observationsAndRecall() async throws {
        try await withServer { port in
            let store = try await createStore("memory", port: port)
            let env = ["ENGRAM_STORE": store]
            let profile = try #require(
                (try await engram(
                    ["profile", "resolve", "--email", "a@example.com", "--json"], port: port, environment: env
                )
                .json()["profile"] as? [String: Any])?["id"] as? String)
            let first = try await engram(
                [
                    "observe", "Prefers email over phone for follow-ups", "--profile", profile, "--source",
                    "voice-agent",
                    "--subject", "preference.channel", "--conversation", "c1", "--at", "3d", "--json",
                ],
                port: port, environment: env
            ).json()
            let firstID = try #require(((first["results"] as? [[String: Any]])?.first)?["observation_id"] as? String)
            #expect((first["results"] as? [[String: Any]])?.first?["outcome"] as? String == "ADDED")
            // The same subject again supersedes the first: a revision of it.
            let second = try await engram(
                [
                    "observe", "Prefers SMS text messages now", "--profile", profile, "--subject", "preference.channel",
                    "--conversation", "c2", "--at", "1h", "--json",
                ], port: port, environment: env
            ).json()
            #expect((second["results"] as? [[String: Any]])?.first?["outcome"] as? String == "SUPERSEDED")

            try await withTemporaryDirectory { dir in
                let file = dir.appendingPathComponent("facts.jsonl")
                var lines = (0..<150).map {
                    #"{"content": "Ordered replacement router number \#($0) after an outage", "source": "chat-bot"}"#
                }
                lines.append(
                    #"{"content": "Has a dog named Biscuit", "at": "2026-01-15T10:00:00Z", "conversation_ids": ["c3"]}"#
                )
                try (lines.joined(separator: "\n") + "\n\n").write(to: file, atomically: true, encoding: .utf8)
                let r = await engram(
                    ["observe", "--file", file.path, "--profile", profile, "--json"], port: port, environment: env)
                #expect(r.status == 0, "\(r.err)")
                let responses = try #require(try r.json()["responses"] as? [[String: Any]])
                #expect(responses.count == 2, "151 lines go in batches of 100")
                #expect(responses.reduce(0) { $0 + (($1["results"] as? [Any])?.count ?? 0) } == 151)

                let bad = dir.appendingPathComponent("bad.jsonl")
                try "{\"content\": \"fine\"}\n{\"source\": \"no content\"}\n".write(
                    to: bad, atomically: true, encoding: .utf8)
                let rejected = await engram(
                    ["observe", "--file", bad.path, "--profile", profile], port: port, environment: env)
                #expect(rejected.status == 1)
                #expect(
                    rejected.err.contains("bad.jsonl line 2") && rejected.err.contains("content"), "\(rejected.err)")
            }

            let recall = try await engram(
                ["recall", "how should we follow up", "--profile", profile, "--limit", "5", "--explain", "--json"],
                port: port, environment: env
            ).json()
            let items = try #require(recall["observations"] as? [[String: Any]])
            #expect(items.count == 5)
            #expect(items.allSatisfy { $0["explanation"] is [String: Any] })
            #expect(
                (items.first?["observation"] as? [String: Any])?["content"] as? String
                    == "Prefers email over phone for follow-ups"
                    || items.contains {
                        ($0["observation"] as? [String: Any])?["content"] as? String == "Prefers SMS text messages now"
                    })
            let superseded = try await engram(
                ["recall", "dog", "--email", "a@example.com", "--include-superseded", "--json"],
                port: port, environment: env
            ).json()
            #expect(
                (superseded["observations"] as? [[String: Any]])?.first.flatMap {
                    ($0["observation"] as? [String: Any])?["content"] as? String
                }
                    == "Has a dog named Biscuit")
            let window = try await engram(
                ["recall", "--profile", profile, "--since", "2026-01-01", "--until", "2026-02-01", "--json"],
                port: port, environment: env
            ).json()
            #expect((window["observations"] as? [[String: Any]])?.count == 1, "only the January fact is in the window")
            let text = await engram(
                ["recall", "dog biscuit", "--profile", profile, "--limit", "3"], port: port, environment: env)
            #expect(text.status == 0 && text.out.contains("SCORE") && text.out.contains("Biscuit"), "\(text.out)")

            let listed = try await engram(
                ["observations", "list", "--profile", profile, "--status", "superseded", "--json"],
                port: port, environment: env
            ).json()
            #expect((listed["observations"] as? [[String: Any]])?.map { $0["id"] as? String } == [firstID])
            let all = try await engram(
                ["observations", "list", "--profile", profile, "--limit", "1000", "--json"], port: port,
                environment: env
            ).json()
            #expect((all["observations"] as? [Any])?.count == 153)
            let revisions = try await engram(
                ["observations", "revisions", firstID, "--profile", profile, "--json"], port: port, environment: env
            ).json()
            #expect((revisions["revisions"] as? [[String: Any]])?.first?["kind"] as? String == "SUPERSEDED")
            #expect((revisions["current"] as? [String: Any])?["status"] as? String == "SUPERSEDED")

            let profiles = try await engram(["profile", "list", "--json"], port: port, environment: env).json()
            #expect((profiles["profiles"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [profile])
            let table = await engram(["profile", "list"], port: port, environment: env)
            #expect(table.status == 0 && table.out.contains(profile) && table.out.contains("email:"), "\(table.out)")
            let summaries = try await engram(
                ["summaries", "--profile", profile, "--json"], port: port, environment: env
            ).json()
            #expect((summaries["summaries"] as? [Any])?.isEmpty == true)
            #expect(summaries["profile_id"] as? String == profile)
        }
    }

    @Test("ping, info and snapshot (no snapshotter: the server's status is printed)")
    func operations() async throws {
        try await withServer { port in
            let ping = try await engram(["ping", "--count", "5", "--json"], port: port).json()
            #expect((ping["round_trip_us"] as? [Any])?.count == 5)
            #expect(((ping["median_us"] as? Double) ?? 0) > 0)
            let info = try await engram(["info", "--json"], port: port).json()
            #expect((info["shard_count"] as? Int ?? 0) > 0)
            #expect((info["server_version"] as? String)?.isEmpty == false)
            let text = await engram(["info"], port: port)
            #expect(text.out.contains("version") && text.out.contains("shards"))
            let snapshot = await engram(["snapshot"], port: port)
            #expect(snapshot.status == 19, "an in-memory server has no snapshots: FAILED_PRECONDITION")
            #expect(snapshot.err.hasPrefix("error: FAILED_PRECONDITION (status 9): "), "\(snapshot.err)")
        }
    }

    @Test(
        "bad input: flags, server addresses, an unreachable server, a missing store",
        arguments: [
            (["store", "get"], 64, "Missing expected argument"),
            (["store", "list", "--bogus"], 64, "Unknown option"),
            (["profile", "resolve", "--store", "s"], 64, "at least one identifier"),
            (["profile", "resolve", "--store", "s", "--email", "a@b.co", "--trait", "nodot=1"], 64, "Group.name"),
            (
                ["profile", "resolve", "--store", "s", "--email", "a@b.co", "--trait", "A.b:int=x"], 64,
                "not an integer"
            ),
            (["recall", "q", "--store", "s", "--profile", "p", "--since", "yesterday-ish"], 64, "ISO 8601"),
            (["store", "list", "--server", "localhost:http"], 64, "port must be a number"),
            (["store", "list", "--server", "[::1"], 64, "missing ']'"),
            (["profile", "get", "p1"], 64, "no store"),
            (
                ["import", "x.csv", "--store", "s", "--map", "Email=Contact.email"], 64,
                "at least one column to an identifier"
            ),
        ] as [([String], Int32, String)])
    func badInput(arguments: [String], status: Int32, message: String) async throws {
        let r = await engram(arguments, environment: ["ENGRAM_SERVER": "127.0.0.1:1"])
        #expect(r.status == status, "\(arguments): \(r.err)")
        #expect(r.err.contains(message), "\(arguments): \(r.err)")
    }

    @Test("an unreachable server fails with UNAVAILABLE (exit 24) within seconds")
    func unreachable() async throws {
        let start = ContinuousClock.now
        let r = await engram(["store", "list", "--server", "127.0.0.1:1"])
        #expect(r.status == 24, "\(r.err)")
        #expect(r.err.contains("UNAVAILABLE") && r.err.contains("127.0.0.1:1"), "\(r.err)")
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test(
        "API keys: none is UNAUTHENTICATED (26), a read-only key may not create stores (17), ENGRAM_API_KEY and --api-key work"
    )
    func apiKeys() async throws {
        try await withServer(configure: {
            $0.keys.add(key: "admin-key", role: .admin)
            $0.keys.add(key: "reader-key", role: .readOnly(stores: ["st_other"]))
        }) { port in
            let none = await engram(["store", "list"], port: port)
            #expect(none.status == 26 && none.err.contains("UNAUTHENTICATED"), "\(none.err)")
            let reader = await engram(["store", "create", "x", "--api-key", "reader-key"], port: port)
            #expect(reader.status == 17 && reader.err.contains("PERMISSION_DENIED"), "\(reader.err)")
            let admin = await engram(
                ["store", "create", "x", "--json"], port: port, environment: ["ENGRAM_API_KEY": "admin-key"])
            #expect(admin.status == 0, "\(admin.err)")
        }
    }

    @Test("--help prints usage and exits 0")
    func help() async {
        let r = await engram(["import", "--help"])
        #expect(r.status == 0)
        #expect(r.out.contains("--map") && r.out.contains("rejects"))
    }
}
