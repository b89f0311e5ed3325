import AsyncHTTPClient
import EngramCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// An extractor that asks an OpenAI-compatible Chat Completions endpoint.
///
/// The prompt holds the conversation (each message with its id and speaker) and the profile's
/// current facts (each with its id and subject), and asks for JSON matching a schema: facts,
/// each marked `add`, `update` (a newer value of a fact it names, which then takes that fact's
/// subject so the engine supersedes it) or `none`, with the ids of the messages it came from,
/// and a summary. It is mem0's reconciliation, with the engine's own duplicate detection as
/// a second guard.
///
/// Requests time out, and 429s, 5xx answers and transport errors are retried with exponential
/// backoff (honouring `Retry-After`); at most `concurrency` requests run at once. When it
/// cannot finish — the endpoint keeps failing, or answers something that is not the JSON asked
/// for — it throws, and the conversation ends FAILED with the reason: nothing is written, and
/// nothing is silently lost.
public struct LLMExtractor: ConversationExtractor {
    public struct Configuration: Sendable {
        /// The endpoint: a base URL such as `http://localhost:8080/v1` (then `/chat/completions`
        /// is added) or the full completions URL.
        public var url: String
        public var model: String
        /// Sent as `Authorization: Bearer`; nil for endpoints that need none.
        public var apiKey: String?
        /// Per attempt.
        public var timeout: Duration = .seconds(60)
        /// Attempts in all, the first included.
        public var maxAttempts = 4
        /// The first retry's delay; each next one doubles it (capped at 30 s).
        public var backoff: Duration = .milliseconds(500)
        /// Requests in flight at once.
        public var concurrency = 4
        /// The profile facts the prompt shows, newest first.
        public var maxProfileFacts = 50
        /// The conversation's characters the prompt shows (the newest are kept).
        public var maxTranscriptCharacters = 48_000

        public init(url: String, model: String, apiKey: String? = nil) {
            self.url = url
            self.model = model
            self.apiKey = apiKey
        }

        /// The URL requests go to.
        var completionsURL: String {
            let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
            return trimmed.hasSuffix("/chat/completions") ? trimmed : trimmed + "/chat/completions"
        }
    }

    public let name: String
    public let configuration: Configuration
    let client: HTTPClient
    let gate: ConcurrencyGate
    let logger: Logger

    /// Uses `HTTPClient.shared` unless given a client.
    public init(configuration: Configuration, client: HTTPClient = .shared, logger: Logger) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
        self.gate = ConcurrencyGate(limit: max(1, configuration.concurrency))
        self.name = "llm/1:\(configuration.model)"
    }

    public func extract(_ job: ExtractionJob) async throws(ExtractionError) -> ExtractionOutput {
        let body = try LLMPrompt.requestBody(for: job, configuration: configuration)
        let content = try await gate.run { () async throws(ExtractionError) -> String in
            try await complete(body)
        }
        return try LLMAnswer.parse(content, job: job)
    }

    /// Sends the request, retrying what may pass on a later attempt; returns the answer's text.
    func complete(_ body: [UInt8]) async throws(ExtractionError) -> String {
        var delay = configuration.backoff
        var lastProblem = ""
        for attempt in 1...max(1, configuration.maxAttempts) {
            if attempt > 1 {
                try? await Task.sleep(for: delay)
                if Task.isCancelled { throw ExtractionError("cancelled") }
                delay = min(delay * 2, .seconds(30))
            }
            var request = HTTPClientRequest(url: configuration.completionsURL)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            if let key = configuration.apiKey, !key.isEmpty {
                request.headers.add(name: "Authorization", value: "Bearer \(key)")
            }
            request.body = .bytes(ByteBuffer(bytes: body))
            do {
                let response = try await client.execute(request, timeout: .init(configuration.timeout))
                let bytes = try await response.body.collect(upTo: 16 << 20)
                let text = String(buffer: bytes)
                switch response.status.code {
                case 200..<300:
                    return try LLMAnswer.content(ofCompletion: text)
                case 429, 500...599:
                    lastProblem = "HTTP \(response.status.code) \(Self.excerpt(text))"
                    if let retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init),
                        retryAfter >= 0
                    {
                        delay = .milliseconds(Int(min(retryAfter, 30) * 1000))
                    }
                    logger.debug("llm retry", metadata: ["attempt": "\(attempt)", "problem": "\(lastProblem)"])
                default:
                    throw ExtractionError("llm: HTTP \(response.status.code) \(Self.excerpt(text))")
                }
            } catch let error as ExtractionError {
                throw error
            } catch let error as HTTPClientError where error == .deadlineExceeded {
                lastProblem = "no answer within \(configuration.timeout)"
            } catch {
                lastProblem = "\(error)"
            }
        }
        throw ExtractionError("llm: gave up after \(configuration.maxAttempts) attempts; last: \(lastProblem)")
    }

    static func excerpt(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > 200 ? String(flat.prefix(200)) + "…" : flat
    }
}

/// At most `limit` bodies at once; the others wait their turn.
actor ConcurrencyGate {
    let limit: Int
    var running = 0
    var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = limit }

    func run<T: Sendable>(_ body: @Sendable () async throws(ExtractionError) -> T) async throws(ExtractionError) -> T {
        if running >= limit {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            running += 1
        }
        defer {
            if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}
