import EngramCLI
import EngramLoad
import Foundation
import Testing

@Suite("engram-load")
struct LoadTests {
    func latencies(_ json: [String: Any]) throws -> [Double] {
        let l = try #require(json["latency_us"] as? [String: Any])
        return try ["p50", "p90", "p99", "p99_9", "max"].map { try #require(l[$0] as? Double, "\($0)") }
    }

    @Test("a closed-loop ping run of a fixed count: its JSON summary adds up")
    func closedLoopCount() async throws {
        try await withServer { port in
            let r = await engramLoad(
                ["ping", "--count", "300", "--warmup", "0.2", "--connections", "2", "--in-flight", "4", "--json"],
                port: port)
            #expect(r.status == 0, "\(r.err)")
            let json = try r.json()
            #expect(json["mode"] as? String == "closed")
            #expect(json["requests"] as? Int == 300)
            #expect(json["ok"] as? Int == 300 && json["error_count"] as? Int == 0)
            #expect(json["connections"] as? Int == 2 && json["in_flight"] as? Int == 4)
            let l = try latencies(json)
            #expect(l[0] > 0 && l == l.sorted(), "p50 ≤ p90 ≤ p99 ≤ p99.9 ≤ max: \(l)")
            #expect((json["throughput_rps"] as? Double ?? 0) > 0)
        }
    }

    @Test(
        "an open-loop recall run at a target rate makes about rate × duration requests, with a progress line each second"
    )
    func openLoopRecall() async throws {
        try await withServer { port in
            let r = await engramLoad(
                [
                    "recall", "--rate", "200", "--duration", "1.5", "--warmup", "1.2", "--profiles", "5",
                    "--observations", "30", "--connections", "2", "--in-flight", "8", "--json",
                ], port: port)
            #expect(r.status == 0, "\(r.err)")
            let json = try r.json()
            #expect(json["mode"] as? String == "open" && json["target_rate"] as? Double == 200)
            let requests = try #require(json["requests"] as? Int)
            #expect((290...310).contains(requests), "200/s for 1.5 s: \(requests)")
            #expect(json["error_count"] as? Int == 0, "\(json["errors"] ?? "")")
            #expect(json["profiles"] as? Int == 5)
            #expect(try latencies(json)[0] > 0)
            let progressLines = r.err.split(separator: "\n").filter { $0.hasPrefix("[") && $0.contains("req/s") }
            #expect(progressLines.count >= 1, "\(r.err)")
            #expect(progressLines.count >= 2, "\(r.err)")
            #expect(progressLines.first?.contains("(warm-up)") == true, "the first second is warm-up: \(r.err)")
        }
    }

    @Test("a mix: observe, recall and resolve of existing profiles, all succeeding; the store it made is deleted")
    func mix() async throws {
        try await withServer { port in
            let r = await engramLoad(
                [
                    "mix", "--mix", "recall=60,observe=30,resolve=10", "--count", "200", "--warmup", "0",
                    "--profiles", "4", "--observations", "10", "--in-flight", "4", "--json",
                ], port: port)
            #expect(r.status == 0, "\(r.err)")
            let json = try r.json()
            #expect(json["workload"] as? String == "recall=60,observe=30,resolve-existing=10")
            #expect(json["ok"] as? Int == 200, "\(json["errors"] ?? "")")
            let stores = try await engram(["store", "list", "--json"], port: port).json()["stores"] as? [Any]
            #expect(stores?.isEmpty == true, "the run's own store is deleted after it")
        }
    }

    @Test("errors are counted by status")
    func errorsByStatus() async throws {
        try await withServer { port in
            // A store id that does not exist: every recall fails NOT_FOUND... once profiles exist.
            // resolve-new against a missing store fails every call with NOT_FOUND.
            let r = await engramLoad(
                ["resolve-new", "--store", "st_missing", "--count", "20", "--warmup", "0", "--json"], port: port)
            #expect(r.status == 0, "\(r.err)")
            let json = try r.json()
            #expect(json["ok"] as? Int == 0)
            #expect((json["errors"] as? [String: Any])?["NOT_FOUND"] as? Int == 20)
        }
    }

    @Test(
        "bad settings are refused with the usage status",
        arguments: [
            (["sleep"], "unknown workload"),
            (["ping", "--connections", "0"], "--connections"),
            (["ping", "--duration", "1", "--count", "5"], "not both"),
            (["mix", "--mix", "recall=x"], "OPERATION=WEIGHT"),
            (["ping", "--rate", "-3"], "--rate"),
            (["ping", "--server", "10.1.2.3:7411"], "not loopback"),
        ])
    func badSettings(arguments: [String], message: String) async {
        let r = await engramLoad(arguments, port: 1)
        #expect(r.status == 64, "\(arguments): \(r.err)")
        #expect(r.err.contains(message), "\(arguments): \(r.err)")
    }

    @Test("synthetic text is seeded, Zipf-shaped and drawn from a large vocabulary")
    func syntheticText() {
        let text = SyntheticText(seed: 7)
        #expect(text.vocabulary.count == 20_000)
        #expect(Set(text.vocabulary).count == text.vocabulary.count)
        var a = SplitMix64(seed: 3)
        var b = SplitMix64(seed: 3)
        #expect(text.sentence(using: &a) == text.sentence(using: &b))
        var rng = SplitMix64(seed: 11)
        var counts: [String: Int] = [:]
        for _ in 0..<20_000 { counts[text.word(using: &rng), default: 0] += 1 }
        let top = counts[text.vocabulary[0]] ?? 0
        let tenth = counts[text.vocabulary[9]] ?? 0
        #expect(top > tenth * 5, "rank 1 is about 10× rank 10 under Zipf: \(top) vs \(tenth)")
        #expect(counts.count > 3000, "the tail is long: \(counts.count) distinct words")
        let words = text.sentence(using: &rng).split(separator: " ")
        #expect((8...14).contains(words.count))
    }

    @Test("workload names and mixes")
    func workloads() throws {
        #expect(try Workload.parse("resolve", mix: nil) == Workload(.resolveExisting))
        #expect(try Workload.parse("mix", mix: nil) == Workload.defaultMix)
        var rng = SplitMix64(seed: 1)
        let mix = try Workload.parse("mix", mix: "recall=3,ping=1")
        var seen: [LoadOperation: Int] = [:]
        for _ in 0..<4000 { seen[mix.pick(using: &rng), default: 0] += 1 }
        #expect(Set(seen.keys) == [.recall, .ping])
        #expect((2800...3200).contains(seen[.recall] ?? 0), "\(seen)")
    }
}
