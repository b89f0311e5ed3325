import EngramCore
import EngramExtraction
import EngramTestSupport
import Foundation
import Testing

@testable import EngramStorage

/// Extraction state is durable: what was closed but not extracted when the process stopped
/// (the log holds the close, not the result) is extracted after the restart, and what was
/// extracted is not extracted again.
@Suite struct ConversationRecoveryTests {
    func message(_ text: String, id: String) -> CommunicationInput {
        CommunicationInput(
            authorType: .customer, channel: .sms, text: text, conversationID: "", clientID: id,
            authorAddress: "+1 415 555 0100")
    }

    @Test func closedButNotExtractedIsExtractedAfterARestart() async throws {
        try await withTemporaryDirectory { dir in
            let first = try Storage.open(options(dir), logger: quietLogger)
            let store = try first.engine.createStore(displayName: "calls").store.id
            // Extracted before the stop.
            _ = try first.engine.appendCommunications(
                storeID: store, conversationID: "done", communications: [message("I moved to Porto.", id: "a")],
                close: true)
            let key = try #require(first.engine.pendingExtractions().first)
            let job = try #require(first.engine.beginExtraction(key, extractorName: { _ in "rules/1" }))
            try first.engine.finishExtraction(job, extractorName: "rules/1", output: RulesExtractor().extractNow(job))
            // Closed, and the process stops before any extractor runs: no snapshot, the log only.
            _ = try first.engine.appendCommunications(
                storeID: store, conversationID: "waiting", communications: [message("Please text me.", id: "b")],
                close: true)
            await first.close(snapshot: false)

            let second = try Storage.open(options(dir), logger: quietLogger)
            #expect(second.engine.pendingExtractions().map(\.conversationID) == ["waiting"])
            let runner = ExtractionRunner(
                engine: second.engine, extractors: [.rules: RulesExtractor()], sweepInterval: .milliseconds(10),
                logger: quietLogger)
            let task = Task { try await runner.run() }
            let deadline = ContinuousClock.now + .seconds(20)
            var waiting = try second.engine.getConversation(storeID: store, conversationID: "waiting")
            while waiting.state != .extracted && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
                waiting = try second.engine.getConversation(storeID: store, conversationID: "waiting")
            }
            task.cancel()
            _ = try? await task.value
            #expect(waiting.state == .extracted)
            let done = try second.engine.getConversation(storeID: store, conversationID: "done")
            #expect(done.state == .extracted && done.extractedMessageCount == 1)
            let facts = try second.engine.listObservations(storeID: store, profileID: waiting.profileID).observations
            // One fact (the location, which the statement repeats word for word), extracted once.
            #expect(facts.filter { $0.communicationIDs == ["a"] }.map(\.subjectKey) == ["personal.location"])
            #expect(facts.contains { $0.subjectKey == "preference.contact_channel" && $0.communicationIDs == ["b"] })
            await second.close()
        }
    }
}
