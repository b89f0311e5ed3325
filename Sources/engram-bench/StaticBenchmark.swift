// `engram-bench static [TABLE_DIR]`: the static embedder beside the hashed one, in a release
// build, on one thread: one query's vector, texts per second, Recall end to end on a
// 200-observation profile (no query cache: every query is embedded), Observe of 10.
// TABLE_DIR defaults to models/static-minilm (scripts/distill-static).

import EngramCore
import EngramEmbeddings
import Foundation

func runStaticBenchmark(directory: String?) {
    let path = directory ?? "models/static-minilm"
    let table: StaticEmbedder
    do {
        table = try StaticEmbedder(directory: URL(fileURLWithPath: path))
    } catch {
        print("engram-bench static: \(error)")
        return
    }
    print("== static: \(table.identity) beside \(HashedEmbedder.standard.identity), one thread")
    let query = "customer says the invoice for march was charged twice on her card"
    var rng = BenchRandom(state: 42)
    let facts = (0..<2_000).map { _ in syntheticFact(&rng) }
    for embedder in [HashedEmbedder.standard, table] as [any Embedder] {
        var samples: [Double] = []
        for i in 0..<2_000 {
            let start = ContinuousClock.now
            let v = embedder.embedQuery(query)
            let elapsed = ContinuousClock.now - start
            precondition(v.count == embedder.dimension)
            if i >= 100 { samples.append(Double(elapsed.components.attoseconds) / 1e12) }
        }
        samples.sort()
        let start = ContinuousClock.now
        _ = embedder.embed(facts)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(
            "\(embedder.name): a 13-word query's vector p50 \(String(format: "%.1f", samples[samples.count / 2])) µs, p99 \(String(format: "%.1f", samples[samples.count * 99 / 100])) µs; \(Int(Double(facts.count) / seconds)) observations/s; \(embedder.dimension * 2) bytes a vector in memory"
        )
        recallEndToEnd(embedder: embedder, facts: facts, label: "\(embedder.name) hybrid")
    }
}
