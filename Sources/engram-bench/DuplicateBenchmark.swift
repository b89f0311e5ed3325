// `engram-bench duplicates`: the cost of one Observe against profile size, with facts written
// the way people write them: everyday words (stop words, and words such as "customer" and
// "said" that fill every fact of a profile) around a few content words.

import EngramCore
import Foundation

private let everyday = [
    "the", "customer", "said", "that", "they", "would", "like", "to", "have", "it", "on", "a", "and", "of", "in",
    "is", "was", "for", "with", "at", "their", "this", "be", "not", "from", "by", "as", "or", "an", "will",
]

/// About 14 everyday words around three content words from a vocabulary of 5,000.
private func everydayFact(_ rng: inout BenchRandom) -> String {
    var words = (0..<14).map { _ in everyday.randomElement(using: &rng)! }
    for _ in 0..<3 {
        words.insert("w\(Int.random(in: 0..<5_000, using: &rng))", at: Int.random(in: 0...words.count, using: &rng))
    }
    return words.joined(separator: " ")
}

func runDuplicateBenchmark(sizes: [Int] = [200, 2_000, 10_000]) {
    print("== duplicates: one Observe (1 new everyday fact) into a profile of N such facts ==")
    for size in sizes {
        let engine = Engine(configuration: EngineConfiguration(), journal: nil)
        do {
            let store = try engine.createStore(displayName: "dup").store.id
            let profile = try engine.resolveIdentity(
                storeID: store, identifiers: [IdentifierInput(type: "email", value: "d@example.com")]
            ).profileID
            var rng = BenchRandom(state: 5)
            for batch in 0..<(size / 50) {
                _ = try engine.observe(
                    storeID: store, profileID: profile,
                    observations: (0..<50).map { i in
                        ObservationInput(
                            content: everydayFact(&rng), source: "agent",
                            occurredAt: Int64(1_700_000_000 + batch * 50 + i))
                    })
            }
            let facts = (0..<2_000).map { _ in everydayFact(&rng) }
            var next = 0
            // Each timed call adds one fact: the figure is for profiles of N to N + 220 facts.
            let ns = nsPerOp(iterations: 200) {
                _ = try? engine.observe(
                    storeID: store, profileID: profile,
                    observations: [
                        ObservationInput(content: facts[next % facts.count], source: "agent", occurredAt: 1_800_000_000)
                    ])
                next += 1
            }
            print(String(format: "%6d facts: %8.1f µs per Observe", size, ns / 1000))
        } catch {
            print("duplicates benchmark failed: \(error)")
        }
    }
}
