import EngramCore
import Foundation

/// Sums of per-question metrics.
struct Tally {
    var questions = 0
    var recall5 = 0.0, recall10 = 0.0
    var hit5 = 0, hit10 = 0
    var reciprocalRank = 0.0

    mutating func add(ranked: [Set<String>], evidence: Set<String>) {
        questions += 1
        func covered(_ k: Int) -> Set<String> {
            ranked.prefix(k).reduce(into: Set<String>()) { $0.formUnion($1) }.intersection(evidence)
        }
        let c5 = covered(5)
        let c10 = covered(10)
        recall5 += Double(c5.count) / Double(evidence.count)
        recall10 += Double(c10.count) / Double(evidence.count)
        hit5 += c5.isEmpty ? 0 : 1
        hit10 += c10.isEmpty ? 0 : 1
        if let first = ranked.prefix(10).firstIndex(where: { !$0.isDisjoint(with: evidence) }) {
            reciprocalRank += 1 / Double(first + 1)
        }
    }
}

struct Evaluation {
    var overall = Tally()
    var byCategory: [Int: Tally] = [:]
    var latencies: [Double] = []
    var leakQuestions = 0
    var leaks = 0
}

let categoryNames = [1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop"]

/// Ingests every sample into its own profile of one store, asks each question of its own
/// profile (limit 10), then of another sample's profile (the leak check).
/// With `vectors` (text → embedding), observations and queries carry them as a client's own
/// embeddings would; without, the engine's embedder makes them.
func evaluate(
    _ samples: [Sample], configuration: RecallConfiguration, vectors: [String: [Float]]? = nil, dump: Bool = false
) throws -> Evaluation {
    // Sequential ids: ties in score then break the same way in every run.
    let engine = Engine(configuration: EngineConfiguration(idGenerator: SequentialIDGenerator(), recall: configuration))
    let store = try engine.createStore(displayName: "locomo").store.id
    var profiles: [String] = []
    /// Per sample: observation id → the turns it cites (a duplicate fact adds its own).
    var evidence: [[String: Set<String>]] = []
    for sample in samples {
        let profile = try engine.resolveIdentity(
            storeID: store, identifiers: [IdentifierInput(type: "chat", value: sample.id)]
        ).profileID
        var cited: [String: Set<String>] = [:]
        var start = 0
        while start < sample.facts.count {
            let batch = sample.facts[start..<min(start + 100, sample.facts.count)]
            let result = try engine.observe(
                storeID: store, profileID: profile,
                observations: batch.map {
                    ObservationInput(
                        content: $0.text, source: $0.speaker, occurredAt: sample.sessionTimes[$0.session] ?? 0,
                        conversationIDs: ["session_\($0.session)"], embedding: vectors?[$0.text])
                })
            for (fact, outcome) in zip(batch, result.observations) {
                cited[outcome.observationID, default: []].formUnion(fact.evidence)
            }
            start += 100
        }
        profiles.append(profile)
        evidence.append(cited)
    }

    var evaluation = Evaluation()
    for (index, sample) in samples.enumerated() {
        for question in sample.questions {
            let options = RecallOptions(
                query: question.text, observationsLimit: 10, summariesLimit: 0, queryEmbedding: vectors?[question.text])
            let begin = DispatchTime.now().uptimeNanoseconds
            let result = try engine.recall(storeID: store, profileID: profiles[index], options)
            evaluation.latencies.append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1_000)
            let ranked = result.observations.map { evidence[index][$0.observation.id] ?? [] }
            if dump, !question.evidence.isSubset(of: ranked.reduce(into: Set<String>()) { $0.formUnion($1) }) {
                print("MISS [\(question.category)] \(question.text)  evidence \(question.evidence.sorted())")
                for (fact, cites) in zip(result.observations.prefix(3), ranked) {
                    print("   got \(cites.sorted()) \(fact.observation.content)")
                }
                for fact in sample.facts where !fact.evidence.isDisjoint(with: question.evidence) {
                    print("   want \(fact.evidence.sorted()) \(fact.text)")
                }
            }
            evaluation.overall.add(ranked: ranked, evidence: question.evidence)
            evaluation.byCategory[question.category, default: Tally()].add(ranked: ranked, evidence: question.evidence)

            if samples.count > 1 {
                let other = (index + 1) % samples.count
                let wrong = try engine.recall(storeID: store, profileID: profiles[other], options)
                evaluation.leakQuestions += 1
                if wrong.observations.contains(where: { evidence[index][$0.observation.id] != nil })
                    || wrong.profileID != profiles[other]
                {
                    evaluation.leaks += 1
                }
            }
        }
    }
    return evaluation
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)]
}

func printTable(_ rows: [(String, Evaluation)]) {
    func pct(_ x: Double, _ n: Int) -> String { String(format: "%5.1f", n == 0 ? 0 : 100 * x / Double(n)) }
    var lines: [(String, Tally)] = rows.map { ($0.0 + ", all", $0.1.overall) }
    for (name, evaluation) in rows {
        for category in evaluation.byCategory.keys.sorted() {
            lines.append(("\(name), \(category) \(categoryNames[category] ?? "")", evaluation.byCategory[category]!))
        }
    }
    let width = lines.map(\.0.count).max() ?? 10
    func pad(_ text: String, _ n: Int) -> String { text.padding(toLength: n, withPad: " ", startingAt: 0) }
    print("| \(pad("ranking, questions", width)) |    n |   R@5 |  R@10 | hit@5 | hit@10 |   MRR |")
    print("|\(String(repeating: "-", count: width + 2))|-----:|------:|------:|------:|-------:|------:|")
    for (name, t) in lines {
        let mrr = String(format: "%5.3f", t.questions == 0 ? 0 : t.reciprocalRank / Double(t.questions))
        print(
            "| \(pad(name, width)) | \(String(format: "%4d", t.questions)) | \(pct(t.recall5, t.questions)) | \(pct(t.recall10, t.questions)) | \(pct(Double(t.hit5), t.questions)) |  \(pct(Double(t.hit10), t.questions)) | \(mrr) |"
        )
    }
    let nameWidth = rows.map(\.0.count).max() ?? 10
    print("")
    print("| \(pad("ranking", nameWidth)) | Recall p50 (µs) | p99 (µs) |")
    print("|\(String(repeating: "-", count: nameWidth + 2))|----------------:|---------:|")
    for (name, evaluation) in rows {
        print(
            "| \(pad(name, nameWidth)) | \(String(format: "%15.1f", percentile(evaluation.latencies, 0.5))) | \(String(format: "%8.1f", percentile(evaluation.latencies, 0.99))) |"
        )
    }
}
