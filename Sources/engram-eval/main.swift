// engram-eval: measures Recall on LoCoMo (Maharana et al., ACL 2024), through the public
// engine API. Usage:
//   swift run -c release engram-eval PATH/locomo-dev.json [--client-embeddings VECTORS.json]
//       [--lexical W] [--semantic W] [--recency W] [--half-life-days D] [--k1 K] [--b B]
//       [--dimension N] [--term-weight W] [--pair-weight W] [--char-weight W] [--gram-min N]
//       [--gram-max N] [--reweight 0|1] [--model-dir DIR] [--static-dir TABLE] [--faq CDC.json,WHO.json]
//       [--llm-url URL --llm-model M [--llm-api-key K]]
//   swift run -c release engram-eval --knowledge CDC.json,WHO.json [--model-dir DIR] [--static-dir DIR]
//       [--lexical W] [--semantic W] [--k1 K] [--b B] [--max-tokens N]   (knowledge search)
// The data files are read from the paths given; they are never part of this repository.
// VECTORS.json (text → vector, from scripts/minilm-embed.py) adds rows where observations and
// questions carry a client's own embeddings, as the API allows. DIR (scripts/fetch-model)
// adds rows where the engine's own embedder is the neural MiniLM one, TABLE
// (scripts/distill-static) the static one. --faq adds FeedbackQA's FAQ retrieval for every row.

import EngramCore
import EngramEmbeddings
import EngramExtraction
import Foundation
import Logging

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--knowledge", arguments.count >= 2 {
    do {
        try runKnowledgeEvaluation(Array(arguments.dropFirst()))
        exit(0)
    } catch {
        print("engram-eval: \(error)")
        exit(1)
    }
}
guard let path = arguments.first, !path.hasPrefix("--") else {
    print(
        "usage: engram-eval LOCOMO.json [--lexical W] [--semantic W] [--recency W] [--half-life-days D] [--k1 K] [--b B] [--dimension N]"
    )
    exit(2)
}
arguments.removeFirst()
var overrides: [String: Double] = [:]
var vectorsPath: String?
var modelDirectory: String?
var staticDirectory: String?
var faqPaths: String?
var llm: LLMExtractor.Configuration?
var llmAPIKey = ProcessInfo.processInfo.environment["ENGRAM_LLM_API_KEY"]
while arguments.count >= 2, arguments[0].hasPrefix("--") {
    if arguments[0] == "--client-embeddings" {
        vectorsPath = arguments[1]
    } else if arguments[0] == "--faq" {
        faqPaths = arguments[1]
    } else if arguments[0] == "--static-dir" {
        staticDirectory = arguments[1]
    } else if arguments[0] == "--model-dir" {
        modelDirectory = arguments[1]
    } else if arguments[0] == "--llm-url" {
        llm = LLMExtractor.Configuration(url: arguments[1], model: llm?.model ?? "gpt-4o-mini")
    } else if arguments[0] == "--llm-model" {
        llm = LLMExtractor.Configuration(url: llm?.url ?? "", model: arguments[1])
    } else if arguments[0] == "--llm-api-key" {
        llmAPIKey = arguments[1]
    } else if let value = Double(arguments[1]) {
        overrides[String(arguments[0].dropFirst(2))] = value
    } else {
        print("engram-eval: \(arguments[0]) needs a number; got \(arguments[1])")
        exit(2)
    }
    arguments.removeFirst(2)
}
var clientVectors: [String: [Float]]?
if let vectorsPath {
    guard let data = FileManager.default.contents(atPath: vectorsPath),
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: [Double]]
    else {
        print("engram-eval: cannot read \(vectorsPath) as a JSON object of text → vector")
        exit(1)
    }
    clientVectors = object.mapValues { $0.map(Float.init) }
}

let samples: [Sample]
do {
    samples = try loadLoCoMo(path: path)
} catch {
    print("engram-eval: cannot read \(path): \(error)")
    exit(1)
}

var tuned = RecallConfiguration()
do {
    let base = HashedEmbedder.standard
    let embedder = HashedEmbedder(
        dimension: overrides["dimension"].map { Int($0) } ?? base.dimension,
        termWeight: overrides["term-weight"].map { Float($0) } ?? base.termWeight,
        pairWeight: overrides["pair-weight"].map { Float($0) } ?? base.pairWeight,
        characterWeight: overrides["char-weight"].map { Float($0) } ?? base.characterWeight,
        characterGrams: Int(
            overrides["gram-min"] ?? Double(base.characterGrams.lowerBound))...Int(
                overrides["gram-max"] ?? Double(base.characterGrams.upperBound)))
    if embedder != base { tuned.embedder = embedder }
}
if let v = overrides["lexical"] { tuned.lexicalWeight = v }
if let v = overrides["semantic"] { tuned.semanticWeight = v }
if let v = overrides["recency"] { tuned.recencyWeight = v }
if let v = overrides["half-life-days"] { tuned.recencyHalfLife = Int64(v * 86_400_000_000) }
if let v = overrides["k1"] { tuned.bm25K1 = v }
if let v = overrides["b"] { tuned.bm25B = v }
if let v = overrides["reweight"] { tuned.reweightQuery = v != 0 }

var bm25 = tuned
(bm25.lexicalWeight, bm25.semanticWeight, bm25.recencyWeight) = (1, 0, 0)
var semantic = tuned
(semantic.lexicalWeight, semantic.semanticWeight, semantic.recencyWeight) = (0, 1, 0)

let questionCount = samples.reduce(0) { $0 + $1.questions.count }
let factCount = samples.reduce(0) { $0 + $1.facts.count }
let dropped = samples.reduce(0) { $0 + $1.unanswerable }
print(
    "LoCoMo: \(samples.map(\.id).joined(separator: ", ")): \(factCount) observations, \(questionCount) questions (categories 1-4; \(dropped) more cite no existing turn and are left out)"
)
print(
    "embedder \(tuned.embedder.name) d=\(tuned.embedder.dimension); weights lexical \(tuned.lexicalWeight), semantic \(tuned.semanticWeight), recency \(tuned.recencyWeight) (half-life \(Double(tuned.recencyHalfLife) / 86_400_000_000) days); BM25 k1 \(tuned.bm25K1) b \(tuned.bm25B)"
)
print("")

var runs: [(String, RecallConfiguration, [String: [Float]]?)] = [
    ("BM25 only", bm25, nil), ("semantic only", semantic, nil), ("hybrid (default)", tuned, nil),
]
if let clientVectors {
    let dimension = clientVectors.first?.value.count ?? 0
    var client = tuned
    client.embedder = HashedEmbedder(dimension: dimension)
    var clientOnly = semantic
    clientOnly.embedder = client.embedder
    runs += [("client vectors only", clientOnly, clientVectors), ("hybrid, client vectors", client, clientVectors)]
}
/// The two rows of an engine embedder: alone, and in the hybrid, with its own weights from
/// `--PREFIX-lexical`, `--PREFIX-semantic` and `--PREFIX-recency` when given.
@MainActor func embedderRuns(_ name: String, _ embedder: any Embedder, prefix: String) -> [(
    String, RecallConfiguration, [String: [Float]]?
)] {
    var hybrid = tuned
    hybrid.embedder = embedder
    hybrid.lexicalWeight = overrides["\(prefix)-lexical"] ?? hybrid.lexicalWeight
    hybrid.semanticWeight = overrides["\(prefix)-semantic"] ?? hybrid.semanticWeight
    hybrid.recencyWeight = overrides["\(prefix)-recency"] ?? hybrid.recencyWeight
    var only = semantic
    only.embedder = embedder
    return [("\(name) only (engine)", only, nil), ("hybrid, \(name) (engine)", hybrid, nil)]
}
do {
    if let modelDirectory {
        runs += embedderRuns(
            "MiniLM", try MiniLMEmbedder(directory: URL(fileURLWithPath: modelDirectory)), prefix: "neural")
    }
    if let staticDirectory {
        runs += embedderRuns(
            "static", try StaticEmbedder(directory: URL(fileURLWithPath: staticDirectory)), prefix: "static")
    }
} catch {
    print("engram-eval: \(error)")
    exit(1)
}
var rows: [(String, Evaluation)] = []
for (name, configuration, vectors) in runs {
    do {
        let dump = ProcessInfo.processInfo.environment["ENGRAM_EVAL_DUMP"] == name
        rows.append((name, try evaluate(samples, configuration: configuration, vectors: vectors, dump: dump)))
    } catch {
        print("engram-eval: \(name): \(error)")
        exit(1)
    }
}
printTable(rows)
print("")

// A second check: FeedbackQA's FAQ passages, when --faq names its files (comma-separated).
if let faq = ProcessInfo.processInfo.environment["ENGRAM_EVAL_FAQ"] ?? faqPaths {
    let sources = try faq.split(separator: ",").map { try loadFeedbackQA(path: String($0)) }
    print("| FAQ retrieval (FeedbackQA), ranking | source | n | hit@1 | hit@5 | MRR@10 |")
    print("|---|---|---:|---:|---:|---:|")
    for (name, configuration, vectors) in runs where vectors == nil {
        for source in sources {
            let r = try evaluateFAQ(source, configuration: configuration)
            print(
                "| \(name) | \(source.name) | \(r.questions) | \(String(format: "%.1f", r.hit1)) | \(String(format: "%.1f", r.hit5)) | \(String(format: "%.3f", r.mrr)) |"
            )
        }
    }
    print("")
}

// The conversation path: raw turns in as messages, extracted by the rules extractor, and by
// the llm one when --llm-url names an endpoint.
do {
    var extractors: [any ConversationExtractor] = [RulesExtractor()]
    if var llm, !llm.url.isEmpty {
        llm.apiKey = llmAPIKey
        extractors.append(LLMExtractor(configuration: llm, logger: Logger(label: "engram-eval")))
    }
    for extractor in extractors {
        let conversations = try await evaluateConversations(samples, configuration: tuned, extractor: extractor)
        print(
            "Conversations: \(conversations.messageCount) turns in \(conversations.conversationCount) sessions, extracted by \(extractor.name) into \(conversations.observationCount) observations; extraction \(String(format: "%.0f", Double(conversations.messageCount) / max(conversations.extractionSeconds, 1e-9))) messages/s (the extractor alone: \(String(format: "%.1f", conversations.extractorSeconds * 1e6 / Double(max(conversations.messageCount, 1)))) µs a message), close → EXTRACTED p50 \(String(format: "%.0f", percentile(conversations.closeToExtracted, 0.5))) µs, p99 \(String(format: "%.0f", percentile(conversations.closeToExtracted, 0.99))) µs (in process)"
        )
        for failure in conversations.failures { print("  FAILED \(failure)") }
        print("")
        printTable([
            ("extracted observations (\(extractor.name))", conversations.extracted),
            ("ranked messages", conversations.messages), ("both, merged by score", conversations.merged),
            ("both, interleaved", conversations.interleaved),
        ])
        print("")
    }
} catch {
    print("engram-eval: conversations: \(error)")
    exit(1)
}
let asked = rows.reduce(0) { $0 + $1.1.leakQuestions }
let leaks = rows.reduce(0) { $0 + $1.1.leaks }
print(
    "leak check: \(asked) questions asked of the wrong profile (all rows); \(leaks) returned anything of the right one")
if leaks > 0 { exit(1) }
