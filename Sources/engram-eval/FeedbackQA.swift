import EngramCore
import Foundation

/// FeedbackQA's FAQ passages and questions (one source's test file), a second check of
/// ranking quality: every passage is an observation of one profile, every question is asked
/// of it, and the passage that answers it should come first.
struct FAQSource {
    var name: String
    /// Passage id → its text (page title, section headers, content).
    var passages: [(id: Int, text: String)]
    var questions: [(text: String, passage: Int)]
}

func loadFeedbackQA(path: String) throws -> FAQSource {
    guard let data = FileManager.default.contents(atPath: path),
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
        let examples = object["examples"] as? [[String: Any]], let passages = object["passages"] as? [[String: Any]]
    else { throw LoCoMoError.layout("\(path): no examples and passages") }
    var source = FAQSource(
        name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent, passages: [], questions: [])
    for passage in passages {
        guard let id = passage["passage_id"] as? Int, let reference = passage["reference"] as? [String: Any] else {
            continue
        }
        let title = reference["page_title"] as? String ?? ""
        let headers = reference["section_headers"] as? String ?? ""
        let content = reference["section_content"] as? String ?? ""
        source.passages.append((id, [title, headers, content].joined(separator: "\n")))
    }
    for example in examples {
        guard let question = example["question"] as? String, let passage = example["passage_id"] as? Int else {
            continue
        }
        source.questions.append((question, passage))
    }
    return source
}

/// hit@1, hit@5 and MRR@10 of `configuration` over one FAQ source.
func evaluateFAQ(_ source: FAQSource, configuration: RecallConfiguration) throws -> (
    hit1: Double, hit5: Double, mrr: Double, questions: Int
) {
    let engine = Engine(configuration: EngineConfiguration(idGenerator: SequentialIDGenerator(), recall: configuration))
    let store = try engine.createStore(displayName: source.name).store.id
    let profile = try engine.resolveIdentity(storeID: store, identifiers: [IdentifierInput(type: "chat", value: "faq")])
        .profileID
    var passageOf: [String: Int] = [:]
    var start = 0
    while start < source.passages.count {
        let batch = source.passages[start..<min(start + 100, source.passages.count)]
        let result = try engine.observe(
            storeID: store, profileID: profile,
            observations: batch.map {
                ObservationInput(content: String($0.text.prefix(4_000)), source: "faq", occurredAt: 0)
            })
        for (passage, outcome) in zip(batch, result.observations) { passageOf[outcome.observationID] = passage.id }
        start += 100
    }
    var hit1 = 0.0
    var hit5 = 0.0
    var mrr = 0.0
    for question in source.questions {
        let result = try engine.recall(
            storeID: store, profileID: profile,
            RecallOptions(query: question.text, observationsLimit: 10, summariesLimit: 0))
        let ranked = result.observations.map { passageOf[$0.observation.id] ?? -1 }
        if let first = ranked.firstIndex(of: question.passage) {
            if first == 0 { hit1 += 1 }
            if first < 5 { hit5 += 1 }
            mrr += 1 / Double(first + 1)
        }
    }
    let n = Double(max(1, source.questions.count))
    return (100 * hit1 / n, 100 * hit5 / n, mrr / n, source.questions.count)
}
