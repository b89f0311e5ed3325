// `engram-bench recall`: in-process Recall latency on one profile of 100, 1,000 and 10,000
// observations (synthetic facts of 8-14 Zipf-distributed words over a 20,000-word
// vocabulary), default ranking (BM25 + hashed embedding + recency, 20 observations,
// 5 summaries), queries of 4-9 words. Single thread.

import EngramCore
import Foundation

/// Common words first, then 20,000 pseudo-words (names, places, rarer vocabulary): text
/// drawn from it with Zipf's law has posting lists shaped like natural language's.
private let vocabulary: [String] = {
    let common = """
        customer prefers email phone call morning evening weekend invoice billing payment card refund order delivery \
        package address home office work family daughter son wife husband dog cat garden tennis football running \
        swimming music guitar piano jazz concert travel flight hotel beach mountain city coffee tea vegetarian allergy \
        doctor appointment insurance policy renewal premium account password mobile app website chat support agent \
        complaint issue resolved manager birthday anniversary gift restaurant wine cooking reading books school job \
        meeting project laptop internet router plan contract discount subscription shipping return warranty repair
        """.split(separator: " ").map(String.init)
    let syllables = [
        "ka", "lo", "mi", "ren", "to", "sa", "vel", "do", "ri", "pan", "es", "qu", "ber", "ni", "os", "tal", "gor",
        "un", "fi", "zem",
    ]
    var words = common
    for i in 0..<20_000 {
        var n = i
        var word = ""
        repeat {
            word += syllables[n % syllables.count]
            n /= syllables.count
        } while n > 0
        words.append(word + syllables[i % 7])
    }
    return words
}()

/// Cumulative Zipf weights (∝ 1/rank) over `vocabulary`.
private let zipfCumulative: [Double] = {
    var total = 0.0
    return (1...vocabulary.count).map { rank in
        total += 1 / Double(rank)
        return total
    }
}()

/// A word drawn with probability ∝ 1/rank, like natural text.
private func zipfWord(_ rng: inout BenchRandom) -> String {
    let target = Double.random(in: 0..<zipfCumulative[zipfCumulative.count - 1], using: &rng)
    var low = 0
    var high = zipfCumulative.count - 1
    while low < high {
        let mid = (low + high) / 2
        if zipfCumulative[mid] <= target { low = mid + 1 } else { high = mid }
    }
    return vocabulary[low]
}

func sentence(_ words: ClosedRange<Int>, _ rng: inout BenchRandom) -> String {
    (0..<Int.random(in: words, using: &rng)).map { _ in zipfWord(&rng) }.joined(separator: " ")
}

/// Resident set size in bytes, from /proc/self/statm.
private func residentSetBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

private func nowMicros() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) * 1e6 + Double(spec.tv_nsec) / 1e3
}

/// `sizes`: the profile sizes to measure (default 100, 1,000 and 10,000).
func runRecallBenchmark(sizes: [Int] = [100, 1_000, 10_000]) {
    print("== recall: in-process Recall on one profile (default ranking, 20 observations + 5 summaries, 1 thread)")
    print(
        "| observations | build (s) | bytes/obs | queries | p50 (µs) | p99 (µs) | explain p50 (µs) | no-query p50 (µs) |"
    )
    print(
        "|-------------:|----------:|----------:|--------:|---------:|---------:|-----------------:|------------------:|"
    )
    for size in sizes {
        var rng = BenchRandom(state: UInt64(size))
        let engine = Engine()
        do {
            let store = try engine.createStore(displayName: "bench").store.id
            let profile = try engine.resolveIdentity(
                storeID: store, identifiers: [IdentifierInput(type: "chat", value: "p")]
            ).profileID
            let memoryBefore = residentSetBytes()
            let start = nowMicros()
            var added = 0
            while added < size {
                let batch = (0..<min(100, size - added)).map { i in
                    ObservationInput(
                        content: sentence(8...14, &rng) + " #\(added + i)", source: "agent",
                        occurredAt: Int64(added + i) * 60_000_000)
                }
                _ = try engine.observe(storeID: store, profileID: profile, observations: batch)
                added += batch.count
            }
            let summaries = (0..<20).map { i in
                SummaryInput(
                    content: sentence(40...80, &rng), conversationID: "c\(i)", occurredAt: Int64(i) * 3_600_000_000,
                    source: "agent")
            }
            _ = try engine.observe(storeID: store, profileID: profile, summaries: summaries)
            let build = (nowMicros() - start) / 1e6
            let bytesPerObservation = Double(residentSetBytes() - memoryBefore) / Double(size)

            let queries = (0..<200).map { _ in sentence(4...9, &rng) }
            let rounds = size >= 10_000 ? 1_000 : 5_000
            func measure(_ options: (String) -> RecallOptions) throws -> [Double] {
                for query in queries.prefix(50) {
                    _ = try engine.recall(storeID: store, profileID: profile, options(query))
                }
                var samples: [Double] = []
                samples.reserveCapacity(rounds)
                for i in 0..<rounds {
                    let begin = nowMicros()
                    _ = try engine.recall(storeID: store, profileID: profile, options(queries[i % queries.count]))
                    samples.append(nowMicros() - begin)
                }
                return samples.sorted()
            }
            let ranked = try measure { RecallOptions(query: $0) }
            let explained = try measure { RecallOptions(query: $0, explain: true) }
            let listing = try measure { _ in RecallOptions() }
            func p(_ s: [Double], _ q: Double) -> Double { s[min(s.count - 1, Int(Double(s.count) * q))] }
            print(
                String(
                    format: "| %12d | %9.2f | %9.0f | %7d | %8.1f | %8.1f | %16.1f | %17.1f |", size, build,
                    bytesPerObservation,
                    rounds, p(ranked, 0.5),
                    p(ranked, 0.99), p(explained, 0.5), p(listing, 0.5)))
        } catch {
            print("recall benchmark failed at \(size): \(error)")
            return
        }
    }
}
