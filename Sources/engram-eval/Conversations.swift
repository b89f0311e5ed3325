import EngramCore
import EngramExtraction
import Foundation

/// What the conversation path gives: LoCoMo's raw turns as messages, one conversation per
/// session, each closed and extracted, then every question asked three ways.
struct ConversationEvaluation {
    /// (a) the extracted observations, each covering the turns its communication_ids name.
    var extracted = Evaluation()
    /// (b) the messages themselves, ranked.
    var messages = Evaluation()
    /// (c) both in one list, by score.
    var merged = Evaluation()
    /// (d) both, interleaved: a fact, then a message its facts so far do not cite, and so on.
    var interleaved = Evaluation()
    var messageCount = 0
    var conversationCount = 0
    var observationCount = 0
    /// Seconds spent extracting (begin, extractor, record) over all conversations.
    var extractionSeconds = 0.0
    /// Of which in the extractor itself.
    var extractorSeconds = 0.0
    /// Per conversation: from its close to EXTRACTED (µs).
    var closeToExtracted: [Double] = []
    /// Conversations whose extraction failed, with the reason.
    var failures: [String] = []
}

func evaluateConversations(
    _ samples: [Sample], configuration: RecallConfiguration, extractor: any ConversationExtractor
) async throws -> ConversationEvaluation {
    let engine = Engine(configuration: EngineConfiguration(idGenerator: SequentialIDGenerator(), recall: configuration))
    let store = try engine.createStore(displayName: "locomo-conversations").store.id
    var result = ConversationEvaluation()
    var profiles: [String] = []
    for sample in samples {
        let profile = try engine.resolveIdentity(
            storeID: store, identifiers: [IdentifierInput(type: "chat", value: sample.id)]
        ).profileID
        profiles.append(profile)
        let sessions = Dictionary(grouping: sample.turns, by: \.session)
        for session in sessions.keys.sorted() {
            let turns = sessions[session]!
            let start = sample.sessionTimes[session] ?? 0
            let conversation = "\(sample.id)-session_\(session)"
            var closedAt = DispatchTime.now().uptimeNanoseconds
            for batch in stride(from: 0, to: turns.count, by: 1_000) {
                let slice = turns[batch..<min(batch + 1_000, turns.count)]
                let last = batch + 1_000 >= turns.count
                _ = try engine.appendCommunications(
                    storeID: store, conversationID: conversation, profileID: profile,
                    communications: slice.enumerated().map { offset, turn in
                        CommunicationInput(
                            authorType: .customer, channel: .chat, text: turn.text, conversationID: conversation,
                            createdAt: start + Int64(batch + offset) * 1_000_000, clientID: turn.id,
                            authorAddress: turn.speaker)
                    }, close: last)
                if last { closedAt = DispatchTime.now().uptimeNanoseconds }
            }
            result.messageCount += turns.count
            result.conversationCount += 1
            let key = ConversationKey(storeID: store, profileID: profile, conversationID: conversation)
            let begin = DispatchTime.now().uptimeNanoseconds
            guard let job = engine.beginExtraction(key, extractorName: { _ in extractor.name }) else {
                throw LoCoMoError.layout("\(conversation) was not waiting for extraction")
            }
            let rulesBegin = DispatchTime.now().uptimeNanoseconds
            let output: ExtractionOutput
            do {
                output = try await extractor.extract(job)
            } catch {
                _ = try engine.finishExtraction(job, extractorName: extractor.name, output: nil, failure: error.message)
                result.failures.append("\(conversation): \(error.message)")
                continue
            }
            result.extractorSeconds += Double(DispatchTime.now().uptimeNanoseconds - rulesBegin) / 1e9
            let recorded = try engine.finishExtraction(job, extractorName: extractor.name, output: output)
            let end = DispatchTime.now().uptimeNanoseconds
            guard recorded.conversation.state == .extracted else {
                result.failures.append("\(conversation): \(recorded.conversation.error ?? "failed")")
                continue
            }
            result.extractionSeconds += Double(end - begin) / 1e9
            result.closeToExtracted.append(Double(end - closedAt) / 1_000)
        }
    }
    result.observationCount = engine.counts().observations
    if let limit = ProcessInfo.processInfo.environment["ENGRAM_EVAL_FACTS"].flatMap(Int.init) {
        for profile in profiles {
            let page = try engine.listObservations(storeID: store, profileID: profile, pageSize: min(limit, 1_000))
            for o in page.observations.reversed() {
                print("FACT \(o.communicationIDs) \(o.subjectKey ?? "-") | \(o.content)")
            }
            let summaries = try engine.listSummaries(storeID: store, profileID: profile)
            for s in summaries.summaries.prefix(3) {
                print("SUMMARY \(s.summary.conversationID) | \(s.summary.content)")
            }
        }
    }

    for (index, sample) in samples.enumerated() {
        for question in sample.questions {
            let options = RecallOptions(
                query: question.text, observationsLimit: 10, summariesLimit: 0, communicationsLimit: 10,
                rankCommunications: true)
            let begin = DispatchTime.now().uptimeNanoseconds
            let answer = try engine.recall(storeID: store, profileID: profiles[index], options)
            let micros = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1_000
            let facts = answer.observations.map { (Set($0.observation.communicationIDs), $0.score ?? 0) }
            let turns = answer.rankedCommunications.map { (Set([$0.communication.id]), $0.score) }
            // One list by score; a turn already covered by a higher item adds nothing new but
            // still takes its place, as it would in an agent's prompt.
            let both = (facts + turns).enumerated().sorted { ($0.element.1, -$0.offset) > ($1.element.1, -$1.offset) }
                .map(\.element.0)
            var mixed: [Set<String>] = []
            var cited = Set<String>()
            var (f, t) = (0, 0)
            while f < facts.count || t < turns.count {
                if f < facts.count {
                    mixed.append(facts[f].0)
                    cited.formUnion(facts[f].0)
                    f += 1
                }
                while t < turns.count, cited.isSuperset(of: turns[t].0) { t += 1 }
                if t < turns.count {
                    mixed.append(turns[t].0)
                    cited.formUnion(turns[t].0)
                    t += 1
                }
            }
            for (evaluation, ranked) in [
                (\ConversationEvaluation.extracted, facts.map(\.0)), (\.messages, turns.map(\.0)), (\.merged, both),
                (\.interleaved, mixed),
            ] {
                result[keyPath: evaluation].overall.add(ranked: ranked, evidence: question.evidence)
                result[keyPath: evaluation].byCategory[question.category, default: Tally()].add(
                    ranked: ranked, evidence: question.evidence)
                result[keyPath: evaluation].latencies.append(micros)
            }
        }
    }
    return result
}
