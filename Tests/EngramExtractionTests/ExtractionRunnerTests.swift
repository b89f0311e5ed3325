import EngramCore
import EngramTestSupport
import Logging
import Testing

@testable import EngramExtraction

/// An extractor that fails with a fixed reason.
struct FailingExtractor: ConversationExtractor {
    let name = "failing/1"
    func extract(_ job: ExtractionJob) async throws(ExtractionError) -> ExtractionOutput {
        throw ExtractionError("the model answered garbage")
    }
}

@Suite struct ExtractionRunnerTests {
    func message(_ text: String, id: String) -> CommunicationInput {
        CommunicationInput(
            authorType: .customer, channel: .sms, text: text, conversationID: "", clientID: id,
            authorAddress: "+1 415 555 0100")
    }

    /// Runs a runner while `body` runs, then stops it.
    func withRunner(
        _ engine: Engine, extractors: [ExtractorKind: any ConversationExtractor],
        _ body: () async throws -> Void
    ) async throws {
        let runner = ExtractionRunner(
            engine: engine, extractors: extractors, concurrency: 2, sweepInterval: .milliseconds(20),
            logger: quietLogger)
        let task = Task { try await runner.run() }
        defer { task.cancel() }
        try await body()
        task.cancel()
        _ = try? await task.value
    }

    func waitFor(_ engine: Engine, store: String, conversation: String, state: ConversationState) async throws
        -> Conversation
    {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let c = try engine.getConversation(storeID: store, conversationID: conversation)
            if c.state == state { return c }
            try await Task.sleep(for: .milliseconds(5))
        }
        return try engine.getConversation(storeID: store, conversationID: conversation)
    }

    @Test func closedConversationsAreExtractedThoseClosedBeforeTheStartToo() async throws {
        let engine = Engine(configuration: EngineConfiguration(shardCount: 2))
        let store = try engine.createStore(displayName: "runner").store.id
        // Closed while no runner ran (as after a crash): found by the first sweep.
        _ = try engine.appendCommunications(
            storeID: store, conversationID: "before", communications: [message("Please text me instead.", id: "a")],
            close: true)
        try await withRunner(engine, extractors: [.rules: RulesExtractor()]) {
            let before = try await waitFor(engine, store: store, conversation: "before", state: .extracted)
            #expect(before.state == .extracted && before.extractor == "rules/1" && !before.observationIDs.isEmpty)
            _ = try engine.appendCommunications(
                storeID: store, conversationID: "live",
                communications: [message("I moved to Lisbon last year.", id: "b")],
                close: true)
            let live = try await waitFor(engine, store: store, conversation: "live", state: .extracted)
            #expect(live.state == .extracted && live.summaryID != nil)
            let facts = try engine.listObservations(storeID: store, profileID: live.profileID).observations
            #expect(facts.contains { $0.subjectKey == "personal.location" && $0.communicationIDs == ["b"] })
            // The runner counts an extraction just after its result is applied: wait for the count.
            let deadline = ContinuousClock.now + .seconds(20)
            while engine.extractionStats().completed < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(engine.extractionStats().completed == 2)
        }
    }

    @Test func aFailingExtractorLeavesTheConversationFailedWithTheReason() async throws {
        let engine = Engine(configuration: EngineConfiguration(shardCount: 2))
        let llm = try engine.createStore(
            displayName: "llm", conversationSettings: ConversationSettings(extractor: .llm)
        ).store.id
        let rules = try engine.createStore(displayName: "rules").store.id
        try await withRunner(engine, extractors: [.llm: FailingExtractor()]) {
            _ = try engine.appendCommunications(
                storeID: llm, conversationID: "c", communications: [message("I prefer email.", id: "a")], close: true)
            let failed = try await waitFor(engine, store: llm, conversation: "c", state: .failed)
            #expect(failed.state == .failed && failed.error == "the model answered garbage")
            #expect(try engine.listObservations(storeID: llm, profileID: failed.profileID).observations.isEmpty)
            // A store whose extractor this server lacks fails with that reason.
            _ = try engine.appendCommunications(
                storeID: rules, conversationID: "c", communications: [message("I prefer email.", id: "a")], close: true)
            let missing = try await waitFor(engine, store: rules, conversation: "c", state: .failed)
            #expect(missing.error == "this server has no rules extractor")
        }
    }

    @Test func idleConversationsAreClosedAndExtracted() async throws {
        let engine = Engine(configuration: EngineConfiguration(shardCount: 2))
        let store = try engine.createStore(
            displayName: "idle", conversationSettings: ConversationSettings(idleTimeout: 1_000)
        ).store.id
        _ = try engine.appendCommunications(
            storeID: store, conversationID: "c", communications: [message("My email is a@b.co", id: "a")])
        try await withRunner(engine, extractors: [.rules: RulesExtractor()]) {
            let c = try await waitFor(engine, store: store, conversation: "c", state: .extracted)
            #expect(c.state == .extracted && c.closedAt > 0)
        }
    }
}
