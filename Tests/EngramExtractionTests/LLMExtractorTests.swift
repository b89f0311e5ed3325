import EngramCore
import EngramTestSupport
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization
import Testing

@testable import EngramExtraction

/// A local Chat Completions endpoint that answers from a script, one entry per request (the
/// last one repeats), and keeps the request bodies.
final class FakeCompletions: Sendable {
    struct Reply: Sendable {
        var status: Int = 200
        var body: String
        var delay: Duration = .zero
        var retryAfter: String?
    }

    let script: [Reply]
    let requests = Mutex<[String]>([])
    let port = Mutex<Int>(0)

    init(_ script: [Reply]) { self.script = script }

    /// A 200 whose assistant message is `content`.
    static func answer(_ content: String) -> Reply {
        let completion: [String: Any] = [
            "id": "x", "object": "chat.completion",
            "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]],
        ]
        let data = try! JSONSerialization.data(withJSONObject: completion)
        return Reply(body: String(decoding: data, as: UTF8.self))
    }

    var count: Int { requests.withLock { $0.count } }

    /// Serves while `body` runs.
    func serve(_ body: (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/v1/chat/completions") { request, context -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 22)
            let index = self.requests.withLock { list in
                list.append(String(buffer: bytes))
                return list.count - 1
            }
            let reply = self.script[min(index, self.script.count - 1)]
            if reply.delay > .zero { try await Task.sleep(for: reply.delay) }
            var headers: HTTPFields = [.contentType: "application/json"]
            if let retryAfter = reply.retryAfter { headers[.retryAfter] = retryAfter }
            return Response(
                status: .init(code: reply.status), headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: reply.body)))
        }
        let ready = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) },
            logger: quietLogger)
        let task = Task { try await app.runService() }
        defer { task.cancel() }
        var iterator = ready.stream.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        try await body("http://127.0.0.1:\(port)/v1")
        task.cancel()
        _ = try? await task.value
    }
}

@Suite struct LLMExtractorTests {
    static let t0: Int64 = 1_683_554_160_000_000

    func job(known: [Observation] = []) -> ExtractionJob {
        let messages = [
            Communication(
                id: "m1", conversationID: "c1", authorType: .customer, channel: .sms,
                text: "Please text me from now on, not email.", createdAt: Self.t0, authorAddress: "+15550100"),
            Communication(
                id: "m2", conversationID: "c1", authorType: .aiAgent, channel: .sms, text: "Noted!",
                createdAt: Self.t0 + 1, authorAddress: "bot"),
        ]
        return ExtractionJob(
            key: ConversationKey(storeID: "st", profileID: "pr", conversationID: "c1"), extractor: .llm,
            messages: messages, newMessageIDs: ["m1", "m2"], messageCount: 2, activeObservations: known, summary: nil,
            closedAt: Self.t0 + 2)
    }

    func extractor(_ url: String, attempts: Int = 3, timeout: Duration = .seconds(10)) -> LLMExtractor {
        var configuration = LLMExtractor.Configuration(url: url, model: "test-model", apiKey: "sk-test")
        configuration.maxAttempts = attempts
        configuration.backoff = .milliseconds(10)
        configuration.timeout = timeout
        return LLMExtractor(configuration: configuration, logger: quietLogger)
    }

    static let email = Observation(
        id: "ob_email", content: "The customer prefers e-mail.", source: "x", occurredAt: 1, conversationIDs: [],
        subjectKey: "preference.contact_channel", embedding: nil, idempotencyKey: nil, createdAt: 1, updatedAt: 1,
        mentionCount: 1, status: .active, supersededBy: nil)

    @Test func aGoodAnswerBecomesFactsThatCiteTheirMessages() async throws {
        let answer = """
            {"facts": [
              {"action": "update", "content": "The customer prefers SMS.", "subject": "", "replaces": "ob_email", "message_ids": ["m1"]},
              {"action": "add", "content": "The customer does not want e-mail.", "subject": "Preference Email Opt Out!", "replaces": "", "message_ids": ["m1"]},
              {"action": "none", "content": "Known already.", "subject": "", "replaces": "", "message_ids": []}
            ], "summary": "The customer asked to be texted."}
            """
        let server = FakeCompletions([FakeCompletions.answer(answer)])
        try await server.serve { url in
            let output = try await extractor(url).extract(job(known: [Self.email]))
            #expect(
                output.observations.map(\.content) == [
                    "The customer prefers SMS.", "The customer does not want e-mail.",
                ])
            #expect(output.observations[0].subjectKey == "preference.contact_channel")
            #expect(output.observations[1].subjectKey == "preference_email_opt_out")
            #expect(output.observations.allSatisfy { $0.communicationIDs == ["m1"] && $0.conversationIDs == ["c1"] })
            #expect(output.observations[0].occurredAt == Self.t0)
            #expect(output.summary == "The customer asked to be texted.")
        }
        // The prompt carried the transcript with ids, the known facts, the schema and the key.
        let sent = try #require(server.requests.withLock { $0.first })
        let body = try #require(try JSONSerialization.jsonObject(with: Data(sent.utf8)) as? [String: Any])
        #expect(body["model"] as? String == "test-model")
        let format = body["response_format"] as? [String: Any]
        #expect(format?["type"] as? String == "json_schema")
        #expect(sent.contains("[m1]") && sent.contains("id=ob_email"))
    }

    @Test func rateLimitsAndServerErrorsAreRetried() async throws {
        let server = FakeCompletions([
            .init(status: 429, body: "{\"error\": \"slow down\"}", retryAfter: "0"),
            .init(status: 503, body: "busy"),
            FakeCompletions.answer("{\"facts\": [], \"summary\": \"\"}"),
        ])
        try await server.serve { url in
            let output = try await extractor(url, attempts: 3).extract(job())
            #expect(output.observations.isEmpty && output.summary == nil)
        }
        #expect(server.count == 3)
    }

    @Test func itGivesUpWithTheLastReason() async throws {
        let server = FakeCompletions([.init(status: 500, body: "internal trouble")])
        try await server.serve { url in
            await #expect(throws: ExtractionError("llm: gave up after 3 attempts; last: HTTP 500 internal trouble")) {
                try await extractor(url, attempts: 3).extract(job())
            }
        }
        #expect(server.count == 3)
    }

    @Test func aClientErrorIsNotRetried() async throws {
        let server = FakeCompletions([.init(status: 401, body: "{\"error\": \"bad key\"}")])
        try await server.serve { url in
            await #expect(throws: ExtractionError("llm: HTTP 401 {\"error\": \"bad key\"}")) {
                try await extractor(url).extract(job())
            }
        }
        #expect(server.count == 1)
    }

    @Test func slowAnswersTimeOut() async throws {
        let server = FakeCompletions([.init(body: "{}", delay: .seconds(5))])
        try await server.serve { url in
            do {
                _ = try await extractor(url, attempts: 2, timeout: .milliseconds(200)).extract(job())
                Issue.record("expected a timeout")
            } catch let error as ExtractionError {
                #expect(error.message.hasPrefix("llm: gave up after 2 attempts"), "\(error)")
            }
        }
        #expect(server.count == 2)
    }

    @Test(arguments: [
        ("not json at all", "the answer is not a JSON object"),
        ("{\"summary\": \"x\"}", "no \"facts\" array"),
        (
            "{\"facts\": [{\"action\": \"add\", \"content\": \"\", \"message_ids\": []}]}",
            "facts[0].content is missing or empty"
        ),
        ("{\"facts\": [{\"action\": \"maybe\"}]}", "facts[0].action must be add, update or none"),
        ("{\"facts\": [{\"action\": \"add\", \"content\": \"x\", \"message_ids\": [\"m9\"]}]}", "cites message \"m9\""),
        (
            "{\"facts\": [{\"action\": \"update\", \"content\": \"x\", \"replaces\": \"ob_nope\", \"message_ids\": []}]}",
            "updates \"ob_nope\""
        ),
    ])
    func garbageIsAnErrorNamingTheProblem(content: String, problem: String) async throws {
        let server = FakeCompletions([FakeCompletions.answer(content)])
        try await server.serve { url in
            do {
                _ = try await extractor(url).extract(job())
                Issue.record("expected an error for \(content)")
            } catch let error as ExtractionError {
                #expect(error.message.contains(problem), "\(error)")
            }
        }
    }

    @Test func fencedJSONIsRead() async throws {
        let server = FakeCompletions([FakeCompletions.answer("```json\n{\"facts\": [], \"summary\": \"ok\"}\n```")])
        try await server.serve { url in
            let output = try await extractor(url).extract(job())
            #expect(output.summary == "ok")
        }
    }

    @Test func throughTheRunnerGarbageLeavesTheConversationFailedAndTheStoreUntouched() async throws {
        let engine = Engine(configuration: EngineConfiguration(shardCount: 2))
        let store = try engine.createStore(
            displayName: "llm", conversationSettings: ConversationSettings(extractor: .llm)
        ).store.id
        let server = FakeCompletions([FakeCompletions.answer("I think the customer likes SMS")])
        try await server.serve { url in
            let runner = ExtractionRunner(
                engine: engine, extractors: [.llm: extractor(url)], sweepInterval: .milliseconds(20),
                logger: quietLogger)
            let task = Task { try await runner.run() }
            defer { task.cancel() }
            let opened = try engine.appendCommunications(
                storeID: store, conversationID: "c1",
                communications: [
                    CommunicationInput(
                        authorType: .customer, channel: .sms, text: "text me please", conversationID: "",
                        authorAddress: "+1 415 555 0100")
                ], close: true)
            let deadline = ContinuousClock.now + .seconds(20)
            var conversation = opened.conversation
            while conversation.state != .failed && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
                conversation = try engine.getConversation(storeID: store, conversationID: "c1")
            }
            #expect(conversation.state == .failed)
            #expect(conversation.error?.contains("the answer is not a JSON object") == true)
            #expect(try engine.listObservations(storeID: store, profileID: conversation.profileID).observations.isEmpty)
            #expect(try engine.listSummaries(storeID: store, profileID: conversation.profileID).summaries.isEmpty)
        }
    }
}
