import ArgumentParser
import EngramWire
import Foundation

/// `engram recall QUERY --profile ID`.
struct RecallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recall", abstract: "Recall what matters about a profile for a query.")

    @Argument(help: "The query (empty: newest first).") var query: String = ""
    @Option(help: "The profile id (or give one identifier flag instead).") var profile: String?
    @OptionGroup var identifiers: IdentifierOptions
    @Option(help: "Observations to return, 0-100.") var limit: UInt32 = 20
    @Option(help: "Summaries to return, 0-100.") var summaries: UInt32 = 5
    @Option(help: "Recent communications to return, 0-100.") var communications: UInt32 = 0
    @Option(help: "Only items that occurred at or after this time (ISO 8601 or an age like 7d).") var since: String?
    @Option(help: "Only items that occurred before this time.") var until: String?
    @Option(help: "Leave out items scoring below this, 0-1.") var threshold: Float = 0
    @Option(help: "Only items from this source (repeatable).") var source: [String] = []
    @Option(help: "The conversation whose last messages are the query when none is given.") var conversation: String?
    @Flag(help: "Include superseded observations.") var includeSuperseded = false
    @Option(name: .customLong("kb"), help: "Also search this knowledge base with the same query (repeatable).")
    var knowledgeBases: [String] = []
    @Option(help: "Knowledge chunks to return with --kb, 1-20.") var knowledgeLimit: UInt32 = 5
    @Flag(help: "Show each item's score parts and matched terms.") var explain = false
    @OptionGroup var store: StoreOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        let ids = try identifiers.identifiers()
        if (profile == nil) == ids.isEmpty || ids.count > 1 {
            throw ValidationError("give --profile ID or exactly one identifier flag")
        }
        try CLIError.validating {
            if let since { _ = try TimeInput.parse(since, option: "--since") }
            if let until { _ = try TimeInput.parse(until, option: "--until") }
        }
    }

    func run() async throws {
        let storeID = try store.storeID()
        let now = Date()
        let begin = try since.map { try TimeInput.parse($0, option: "--since", now: now) } ?? 0
        let end = try until.map { try TimeInput.parse($0, option: "--until", now: now) } ?? 0
        let identifier = try identifiers.identifiers().first
        let request = Wire.RecallRequest.with {
            $0.storeId = storeID
            $0.profileId = profile ?? ""
            $0.identifier = identifier
            $0.query = query
            $0.conversationId = conversation ?? ""
            $0.beginUs = begin
            $0.endUs = end
            $0.observationsLimit = limit
            $0.summariesLimit = summaries
            $0.communicationsLimit = communications
            $0.relevanceThreshold = threshold
            $0.sources = source
            $0.includeSuperseded = includeSuperseded
            $0.explain = explain
            $0.knowledgeBaseIds = knowledgeBases
            if !knowledgeBases.isEmpty { $0.knowledgeLimit = knowledgeLimit }
        }
        let response = try await connection.withClient { try await $0.recall(request) }
        output.emit(response.json, Self.text(response, explain: explain))
    }

    static func text(_ r: Wire.RecallResponse, explain: Bool) -> String {
        var parts = ["profile \(r.profileId), query \"\(r.effectiveQuery)\", \(r.queryTimeUs) µs"]
        var t = TextTable(
            explain
                ? ["SCORE", "LEX", "SEM", "REC", "TERMS", "OCCURRED", "CONTENT"]
                : ["SCORE", "OCCURRED", "SOURCE", "CONTENT"])
        for o in r.observations {
            let obs = o.observation ?? Wire.Observation()
            let score = String(format: "%.3f", o.score)
            if explain, let e = o.explanation {
                t.add([
                    score, String(format: "%.2f", e.lexical), String(format: "%.2f", e.semantic),
                    String(format: "%.2f", e.recency),
                    e.matchedTerms.joined(separator: " "), TimeInput.format(obs.occurredAtUs), obs.content,
                ])
            } else {
                t.add([score, TimeInput.format(obs.occurredAtUs), obs.source, obs.content])
            }
        }
        parts.append(r.observations.isEmpty ? "no observations" : t.rendered())
        if !r.summaries.isEmpty {
            var s = TextTable(["SCORE", "CONVERSATION", "SUMMARY"])
            for x in r.summaries {
                s.add([String(format: "%.3f", x.score), x.summary?.conversationId ?? "", x.summary?.content ?? ""])
            }
            parts.append(s.rendered())
        }
        if !r.communications.isEmpty {
            var c = TextTable(["WHEN", "CONVERSATION", "CHANNEL", "AUTHOR", "TEXT"])
            for m in r.communications {
                c.add([
                    TimeInput.format(m.createdAtUs), m.conversationId, m.channel.shortName, m.author?.address ?? "",
                    m.text,
                ])
            }
            parts.append(c.rendered())
        }
        if !r.knowledge.isEmpty {
            var k = TextTable(["SCORE", "DOCUMENT", "SECTION", "KNOWLEDGE"])
            for hit in r.knowledge {
                let c = hit.chunk ?? Wire.KnowledgeChunk()
                k.add([
                    String(format: "%.3f", hit.score), c.documentTitle, c.headingPath.joined(separator: " > "),
                    String(c.content.replacingOccurrences(of: "\n", with: " ").prefix(80)),
                ])
            }
            parts.append(k.rendered())
        }
        return parts.joined(separator: "\n\n")
    }
}
