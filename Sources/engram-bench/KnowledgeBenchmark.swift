// `engram-bench knowledge [SIZES...] [--static TABLE_DIR]`: in-process SearchKnowledge latency
// on one knowledge base of 1,000 to 1,000,000 chunks (documents of 100 sections: a heading of
// 3-6 words over 40-80 Zipf-distributed words), top 5, queries of 4-9 words, one thread; and
// how fast the chunks went in.

import EngramCore
import EngramEmbeddings
import Foundation

func runKnowledgeBenchmark(arguments: [String]) {
    var sizes: [Int] = []
    var staticDirectory: String?
    var rest = arguments[...]
    while let argument = rest.popFirst() {
        if argument == "--static" {
            staticDirectory = rest.popFirst()
        } else if let n = Int(argument) {
            sizes.append(n)
        }
    }
    if sizes.isEmpty { sizes = [1_000, 10_000, 100_000, 1_000_000] }
    var embedders: [(String, any Embedder)] = [("hashed", HashedEmbedder.standard)]
    if let staticDirectory {
        do {
            embedders.append(("static", try StaticEmbedder(directory: URL(fileURLWithPath: staticDirectory))))
        } catch {
            print("engram-bench knowledge: \(error)")
            return
        }
    }
    print("== knowledge search: one base, top 5, one thread (\(ProcessInfo.processInfo.activeProcessorCount) cores)")
    print("| embedder | chunks | ingest chunks/s | search p50 µs | p99 µs | max µs | RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for (name, embedder) in embedders {
        for size in sizes {
            var configuration = EngineConfiguration(idGenerator: SequentialIDGenerator())
            configuration.recall.embedder = embedder
            let engine = Engine(configuration: configuration)
            do {
                let store = try engine.createStore(displayName: "bench").store.id
                let base = try engine.createKnowledgeBase(storeID: store, displayName: "bench").knowledgeBase.id
                var rng = BenchRandom(state: UInt64(size))
                let sections = 100
                let started = ContinuousClock.now
                var added = 0
                while added < size {
                    let count = min(sections, size - added)
                    var source = "# \(sentence(2...4, &rng))\n\n"
                    for _ in 0..<count {
                        source += "## \(sentence(3...6, &rng))\n\n\(sentence(40...80, &rng)).\n\n"
                    }
                    added += try engine.addKnowledge(
                        storeID: store, knowledgeBaseID: base,
                        KnowledgeInput(name: sentence(2...4, &rng), sourceType: .markdown, source: source)
                    ).knowledge.chunkCount
                }
                let ingest = ContinuousClock.now - started
                let perSecond = Double(added) / max(1e-9, ingest.inSeconds)
                var times: [Double] = []
                let queryCount = Int(ProcessInfo.processInfo.environment["KB_QUERIES"] ?? "") ?? 400
                for i in 0..<queryCount {
                    let query = KnowledgeQuery(query: sentence(4...9, &rng), top: 5)
                    let t0 = ContinuousClock.now
                    let found = try engine.searchKnowledge(storeID: store, query)
                    let elapsed = (ContinuousClock.now - t0).inSeconds * 1e6
                    if i >= 20 { times.append(elapsed) }  // the first ones warm the caches
                    precondition(!found.chunks.isEmpty)
                }
                times.sort()
                print(
                    "| \(name) | \(added) | \(Int(perSecond)) | \(Int(times[times.count / 2])) | \(Int(times[times.count * 99 / 100])) | \(Int(times.last!)) | \(residentMegabytes()) |"
                )
            } catch {
                print("engram-bench knowledge: \(error)")
                return
            }
        }
    }
}

extension Duration {
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// This process's resident set, from /proc/self/statm.
func residentMegabytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
        let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
    else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / (1 << 20)
}
