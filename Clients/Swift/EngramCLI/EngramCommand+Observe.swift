import ArgumentParser
import EngramWire
import Foundation

/// `engram observe`: one observation from the flags, or many from a JSON Lines file.
struct ObserveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "observe", abstract: "Record observations (facts) against a profile.",
        discussion: """
            With --file, each line of the file is a JSON object: {"content": "...", "source": "...", \
            "subject": "...", "conversation_ids": ["..."], "at": "2h" | "2026-11-30T14:00:00Z", \
            "occurred_at_us": 1764511200000000, "idempotency_key": "...", "profile": "..."}. Only content \
            is required; the flags give the defaults. Lines are sent in batches of 100 per profile.
            """)

    @Argument(help: "The observation's text (1-4,096 characters).") var content: String?
    @Option(help: "The profile id.") var profile: String?
    @Option(help: "Where the fact came from: [A-Za-z0-9 _.-], at most 100 characters.") var source = "cli"
    @Option(help: "A subject key; a newer observation with the same subject supersedes.") var subject: String?
    @Option(help: "A conversation the fact came from (repeatable, at most 10).") var conversation: [String] = []
    @Option(help: "When it happened: ISO 8601 or an age like 2h (default now).") var at: String?
    @Option(help: "A key that makes a retry harmless.") var idempotencyKey: String?
    @Option(help: "A JSON Lines file of observations.") var file: String?
    @OptionGroup var store: StoreOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if (content == nil) == (file == nil) {
            throw ValidationError("give the observation's text or --file FILE.jsonl, not both")
        }
        if file == nil && profile == nil { throw ValidationError("--profile is required") }
        if let at { try CLIError.validating { _ = try TimeInput.parse(at, option: "--at") } }
    }

    func run() async throws {
        let storeID = try store.storeID()
        let now = Date()
        let occurred = try at.map { try TimeInput.parse($0, option: "--at", now: now) } ?? TimeInput.micros(now)
        var batches: [(profile: String, observations: [Wire.NewObservation])] = []
        if let file {
            batches = try Self.batches(
                fromFile: file, defaultProfile: profile,
                defaults: .with {
                    $0.source = source
                    $0.subject = subject ?? ""
                    $0.conversationIds = conversation
                    $0.occurredAtUs = occurred
                }, now: now)
        } else if let content, let profile {
            batches = [
                (
                    profile,
                    [
                        .with {
                            $0.content = content
                            $0.source = source
                            $0.subject = subject ?? ""
                            $0.conversationIds = conversation
                            $0.occurredAtUs = occurred
                            $0.idempotencyKey = idempotencyKey ?? ""
                        }
                    ]
                )
            ]
        }
        var rows: [JSONValue] = []
        var table = TextTable(["PROFILE", "OUTCOME", "OBSERVATION", "RELATED", "REPLAYED"])
        try await connection.withClient { client in
            for batch in batches {
                let response = try await client.observe(
                    .with {
                        $0.storeId = storeID
                        $0.profileId = batch.profile
                        $0.observations = batch.observations
                    })
                rows.append(response.json)
                for r in response.results {
                    table.add([
                        response.profileId, r.outcome.shortName, r.observationId, r.relatedObservationId,
                        r.replayed ? "yes" : "",
                    ])
                }
            }
        }
        output.emit(file == nil ? rows.first ?? .null : ["responses": .array(rows)], table.rendered())
    }

    /// One line of an observations file.
    struct Line: Decodable {
        var content: String
        var source: String?
        var subject: String?
        var conversationIDs: [String]?
        var at: String?
        var occurredAtUs: Int64?
        var idempotencyKey: String?
        var profile: String?

        enum CodingKeys: String, CodingKey {
            case content, source, subject, at, profile
            case conversationIDs = "conversation_ids"
            case occurredAtUs = "occurred_at_us"
            case idempotencyKey = "idempotency_key"
        }
    }

    /// Reads and checks the whole file before anything is sent, so a bad line sends nothing.
    static func batches(fromFile path: String, defaultProfile: String?, defaults: Wire.NewObservation, now: Date) throws
        -> [(profile: String, observations: [Wire.NewObservation])]
    {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw CLIError("--file \(path): cannot read it as UTF-8 text (\(error.localizedDescription))")
        }
        var order: [String] = []
        var byProfile: [String: [Wire.NewObservation]] = [:]
        let decoder = JSONDecoder()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineText = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if lineText.isEmpty { continue }
            let location = "\(path) line \(index + 1)"
            let line: Line
            do { line = try decoder.decode(Line.self, from: Data(lineText.utf8)) } catch {
                throw CLIError("\(location): not a JSON object with a string \"content\" (\(Self.describe(error)))")
            }
            guard let profile = line.profile ?? defaultProfile else {
                throw CLIError("\(location): no \"profile\" and no --profile")
            }
            var o = defaults
            o.content = line.content
            if let s = line.source { o.source = s }
            if let s = line.subject { o.subject = s }
            if let c = line.conversationIDs { o.conversationIds = c }
            if let us = line.occurredAtUs { o.occurredAtUs = us }
            if let at = line.at {
                do throws(CLIError) { o.occurredAtUs = try TimeInput.parse(at, option: "\"at\"", now: now) } catch {
                    throw CLIError("\(location): \(error.message)")
                }
            }
            o.idempotencyKey = line.idempotencyKey ?? ""
            if byProfile[profile] == nil { order.append(profile) }
            byProfile[profile, default: []].append(o)
        }
        if order.isEmpty { throw CLIError("--file \(path): no observations in it") }
        // The server takes at most 100 items per Observe call.
        return order.flatMap { p in
            let all = byProfile[p] ?? []
            return stride(from: 0, to: all.count, by: 100).map {
                (profile: p, observations: Array(all[$0..<min($0 + 100, all.count)]))
            }
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let c):
            "wrong type at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted: "invalid JSON"
        default: "\(error)"
        }
    }
}
