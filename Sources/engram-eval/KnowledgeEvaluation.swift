import EngramCore
import EngramEmbeddings
import Foundation

/// FeedbackQA as knowledge: each page (`uri`) one Markdown document, its title the page
/// title and each passage a section under its headers; every question searched, and the
/// chunk holding the passage that answers it should come first.
struct KnowledgeCorpus {
    var name: String
    /// One Markdown source per page, with each passage's content range (Unicode scalars).
    var pages: [(title: String, source: String, passages: [(id: Int, start: Int, end: Int)])]
    var questions: [(text: String, passage: Int)]
}

/// `['a', "b's"]` (a Python list's repr) → ["a", "b's"].
func pythonStringList(_ text: String) -> [String] {
    var items: [String] = []
    var chars = Array(text)[...]
    while let open = chars.firstIndex(where: { $0 == "'" || $0 == "\"" }) {
        let quote = chars[open]
        var item = ""
        var i = open + 1
        while i < chars.endIndex, chars[i] != quote {
            if chars[i] == "\\", i + 1 < chars.endIndex {
                i += 1
            }
            item.append(chars[i])
            i += 1
        }
        items.append(item)
        chars = chars[min(i + 1, chars.endIndex)...]
    }
    return items
}

func loadKnowledgeCorpus(path: String) throws -> KnowledgeCorpus {
    guard let data = FileManager.default.contents(atPath: path),
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
        let examples = object["examples"] as? [[String: Any]], let passages = object["passages"] as? [[String: Any]]
    else { throw LoCoMoError.layout("\(path): no examples and passages") }
    var order: [String] = []
    var byPage: [String: (title: String, passages: [(id: Int, headers: [String], content: String)])] = [:]
    for passage in passages {
        guard let id = passage["passage_id"] as? Int, let reference = passage["reference"] as? [String: Any] else {
            continue
        }
        let uri = passage["uri"] as? String ?? "page-\(id)"
        if byPage[uri] == nil {
            order.append(uri)
            byPage[uri] = (reference["page_title"] as? String ?? "", [])
        }
        byPage[uri]!.passages.append(
            (
                id,
                reference["section_headers"] as? [String]
                    ?? pythonStringList(reference["section_headers"] as? String ?? ""),
                reference["section_content"] as? String ?? ""
            ))
    }
    var corpus = KnowledgeCorpus(
        name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent, pages: [], questions: [])
    for uri in order {
        let page = byPage[uri]!
        var source = "# \(page.title)\n\n"
        var ranges: [(id: Int, start: Int, end: Int)] = []
        for passage in page.passages {
            for (level, header) in passage.headers.enumerated() {
                source += String(repeating: "#", count: min(6, level + 2)) + " "
                source += header.replacingOccurrences(of: "\n", with: " ") + "\n\n"
            }
            let start = source.unicodeScalars.count
            source += passage.content
            ranges.append((passage.id, start, source.unicodeScalars.count))
            source += "\n\n"
        }
        corpus.pages.append((page.title, source, ranges))
    }
    for example in examples {
        guard let question = example["question"] as? String, let passage = example["passage_id"] as? Int else {
            continue
        }
        corpus.questions.append((question, passage))
    }
    return corpus
}

/// nDCG@10, R@1 and R@5 of the answering passage's first chunk, over one source.
func evaluateKnowledge(_ corpus: KnowledgeCorpus, configuration: EngineConfiguration) throws -> (
    ndcg: Double, r1: Double, r5: Double, chunks: Int, searchMicros: [Double]
) {
    let engine = Engine(configuration: configuration)
    let store = try engine.createStore(displayName: corpus.name).store.id
    let base = try engine.createKnowledgeBase(storeID: store, displayName: corpus.name).knowledgeBase.id
    var ranges: [String: [(id: Int, start: Int, end: Int)]] = [:]
    var chunks = 0
    for page in corpus.pages {
        let item = try engine.addKnowledge(
            storeID: store, knowledgeBaseID: base,
            KnowledgeInput(name: page.title, sourceType: .markdown, source: page.source)
        ).knowledge
        ranges[item.id] = page.passages
        chunks += item.chunkCount
    }
    var ndcg = 0.0
    var r1 = 0.0
    var r5 = 0.0
    var times: [Double] = []
    for question in corpus.questions {
        let found = try engine.searchKnowledge(storeID: store, KnowledgeQuery(query: question.text, top: 10))
        times.append(Double(found.queryTimeMicros))
        let rank = found.chunks.firstIndex { hit in
            (ranges[hit.chunk.knowledgeID] ?? []).contains {
                $0.id == question.passage && hit.chunk.start < $0.end && hit.chunk.end > $0.start
            }
        }
        if ProcessInfo.processInfo.environment["ENGRAM_EVAL_MISSES"] != nil, rank != 0 {
            let gold = corpus.pages.flatMap { page in
                page.passages.filter { $0.id == question.passage }.map { p in
                    String(
                        String.UnicodeScalarView(Array(page.source.unicodeScalars)[p.start..<min(p.end, p.start + 80)]))
                }
            }
            print("MISS rank \(rank.map(String.init) ?? "-") Q: \(question.text)\n  gold: \(gold.first ?? "?")")
            for hit in found.chunks.prefix(3) {
                print(
                    "  got \(String(format: "%.3f", hit.score)): \(hit.chunk.headingPath.joined(separator: " > ")) | \(hit.chunk.content.prefix(60))"
                )
            }
        }
        if let rank {
            ndcg += 1 / log2(Double(rank) + 2)
            if rank == 0 { r1 += 1 }
            if rank < 5 { r5 += 1 }
        }
    }
    let n = Double(max(1, corpus.questions.count))
    return (ndcg / n, r1 / n, r5 / n, chunks, times)
}

/// `engram-eval --knowledge CDC.json,WHO.json [--model-dir DIR] [--static-dir DIR]
/// [--lexical W] [--semantic W] [--k1 K] [--b B] [--reweight 0|1] [--max-tokens N]`: knowledge
/// search on FeedbackQA for each embedder, hybrid and alone, beside BM25.
func runKnowledgeEvaluation(_ arguments: [String]) throws {
    var arguments = arguments
    let paths = arguments.removeFirst().split(separator: ",").map(String.init)
    var options: [String: String] = [:]
    while arguments.count >= 2, arguments[0].hasPrefix("--") {
        options[String(arguments[0].dropFirst(2))] = arguments[1]
        arguments.removeFirst(2)
    }
    var base = EngineConfiguration(idGenerator: SequentialIDGenerator())
    // Weights given on the command line replace both sets (word-sum and contextual embedders).
    func setWeight(_ name: String, _ path: WritableKeyPath<KnowledgeSearchConfiguration.Weights, Double>) {
        guard let v = options[name].flatMap(Double.init) else { return }
        base.knowledge.weights[keyPath: path] = v
        base.knowledge.contextualWeights[keyPath: path] = v
    }
    setWeight("lexical", \.lexical)
    setWeight("semantic", \.semantic)
    setWeight("heading-lexical", \.headingLexical)
    setWeight("heading-semantic", \.headingSemantic)
    if let v = options["k1"].flatMap(Double.init) { base.knowledge.bm25K1 = v }
    if let v = options["b"].flatMap(Double.init) { base.knowledge.bm25B = v }
    if let v = options["reweight"].flatMap(Double.init) { base.knowledge.reweightQuery = v != 0 }
    if let v = options["max-tokens"].flatMap(Int.init) {
        base.limits.chunker = KnowledgeChunker(maxTokens: v, overlapTokens: base.limits.chunker.overlapTokens)
    }
    var embedders: [(String, any Embedder)] = [("hashed", HashedEmbedder.standard)]
    if let dir = options["static-dir"] {
        embedders.append(("static", try StaticEmbedder(directory: URL(fileURLWithPath: dir))))
    }
    if let dir = options["model-dir"] {
        embedders.append(("MiniLM", try MiniLMEmbedder(directory: URL(fileURLWithPath: dir))))
    }
    var runs: [(String, EngineConfiguration)] = []
    var bm25 = base
    (bm25.knowledge.weights, bm25.knowledge.contextualWeights) = (.bm25, .bm25)
    var fields = bm25
    fields.knowledge.weights.headingLexical =
        base.knowledge.weights.headingLexical / max(1e-9, base.knowledge.weights.lexical)
    fields.knowledge.contextualWeights = fields.knowledge.weights
    runs += [("BM25 only (whole chunk)", bm25), ("BM25, with the headings field", fields)]
    for (name, embedder) in embedders {
        var alone = base
        alone.recall.embedder = embedder
        (alone.knowledge.weights.lexical, alone.knowledge.weights.headingLexical) = (0, 0)
        (alone.knowledge.contextualWeights.lexical, alone.knowledge.contextualWeights.headingLexical) = (0, 0)
        var hybrid = base
        hybrid.recall.embedder = embedder
        runs += [("\(name) only", alone), ("hybrid, \(name)", hybrid)]
    }
    let corpora = try paths.map(loadKnowledgeCorpus)
    print(
        "weights \(describe(base.knowledge.weights)), contextual embedders \(describe(base.knowledge.contextualWeights)); BM25 k1 \(base.knowledge.bm25K1) b \(base.knowledge.bm25B); chunks ≤ \(base.limits.chunker.maxTokens) words"
    )
    print(
        "| knowledge search (FeedbackQA) | source | questions | chunks | nDCG@10 | R@1 | R@5 | search p50 µs | p99 µs |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for (name, configuration) in runs {
        for corpus in corpora {
            let r = try evaluateKnowledge(corpus, configuration: configuration)
            let times = r.searchMicros.sorted()
            let p50 = times.isEmpty ? 0 : times[times.count / 2]
            let p99 = times.isEmpty ? 0 : times[min(times.count - 1, Int(Double(times.count) * 0.99))]
            print(
                "| \(name) | \(corpus.name) | \(corpus.questions.count) | \(r.chunks) | \(String(format: "%.3f", r.ndcg)) | \(String(format: "%.1f", 100 * r.r1)) | \(String(format: "%.1f", 100 * r.r5)) | \(String(format: "%.0f", p50)) | \(String(format: "%.0f", p99)) |"
            )
        }
    }
}

private func describe(_ w: KnowledgeSearchConfiguration.Weights) -> String {
    "lexical \(w.lexical) + headings \(w.headingLexical), semantic \(w.semantic) + headings \(w.headingSemantic)"
}
