import EngramCore

/// The deterministic extractor: no network, microseconds per message.
///
/// From each customer message it keeps what the customer states about themselves (first-person
/// statements: preferences, plans, requests, complaints, personal facts), rewritten in the
/// third person and with relative dates resolved against the message's time ("yesterday" →
/// "(7 May 2023)"), one observation per message citing it; an answer keeps the question the
/// message before it asked ("(Asked: which day suits you?)"), without which it means little. Statements that name something a
/// newer statement should replace become their own facts with a subject: the contact channel
/// (`preference.contact_channel`), e-mail and phone (`contact.email`, `contact.phone`), where the
/// customer lives (`personal.location`), their name (`personal.name`), language
/// (`preference.language`) and occupation (`personal.occupation`). Questions, greetings, thanks
/// and bare reactions are left out. The summary is extractive: the conversation's most central
/// sentences, in order, after its date and channels.
public struct RulesExtractor: ConversationExtractor {
    public let name = "rules/1"
    /// The `source` of the observations and summary it writes.
    public var source: String

    public init(source: String = "rules-extractor") {
        self.source = source
    }

    public func extract(_ job: ExtractionJob) async throws(ExtractionError) -> ExtractionOutput {
        extractNow(job)
    }

    /// The same, synchronously (it never waits on anything).
    public func extractNow(_ job: ExtractionJob) -> ExtractionOutput {
        let speakers = Set(job.messages.lazy.filter { $0.authorType == .customer }.map(\.authorAddress))
        // With one customer, facts are about "the customer"; with several (a group), each names
        // its speaker when the address reads as a name.
        let named = speakers.count > 1
        var observations: [ObservationInput] = []
        for (index, message) in job.messages.enumerated()
        where message.authorType == .customer && job.newMessageIDs.contains(message.id) {
            let subject = named ? Speaker(address: message.authorAddress) : Speaker.customer
            // The question this message answers, when the one before it (by someone else) asked one.
            var question: String?
            if index > 0, job.messages[index - 1].authorAddress != message.authorAddress,
                let asked = Sentences.split(job.messages[index - 1].text).last(where: { $0.hasSuffix("?") })
            {
                question = asked
            }
            observations += facts(
                in: message, speaker: subject, conversationID: job.key.conversationID, answering: question)
        }
        let summary = Summarizer.summary(of: job.messages)
        return ExtractionOutput(observations: observations, summary: summary)
    }

    /// The facts of one message: subject facts first, then its other statements as one fact.
    func facts(in message: Communication, speaker: Speaker, conversationID: String, answering question: String? = nil)
        -> [ObservationInput]
    {
        var out: [ObservationInput] = []
        var kept: [String] = []
        var seenSubjects = Set<String>()
        for sentence in Sentences.split(message.text) {
            let words = Words(sentence)
            for fact in SubjectRules.facts(in: sentence, words: words, speaker: speaker)
            where seenSubjects.insert(fact.subject).inserted {
                out.append(
                    ObservationInput(
                        content: fact.content, source: source, occurredAt: message.createdAt,
                        conversationIDs: [conversationID], subjectKey: fact.subject,
                        communicationIDs: [message.id]))
            }
            guard Statement.isWorthKeeping(sentence, words: words) else { continue }
            var text = ThirdPerson.rewrite(Statement.strippingInterjections(sentence), speaker: speaker)
            // A statement that does not name its speaker says who said it.
            if kept.isEmpty, !text.contains(speaker.inner), !text.contains(speaker.subject) {
                text = "\(speaker.subject) said: " + text
            }
            if let dated = RelativeDates.annotation(in: words, at: message.createdAt) { text += " (\(dated))" }
            kept.append(text)
        }
        if !kept.isEmpty {
            var content = kept.joined(separator: " ")
            if content.count > 1_000 { content = String(content.prefix(1_000)) }
            if let tag = Statement.tag(for: Words(message.text)) { content = tag + ": " + content }
            if let question, content.count + question.count < 1_000 { content += " (Asked: \(question))" }
            out.append(
                ObservationInput(
                    content: content, source: source, occurredAt: message.createdAt,
                    conversationIDs: [conversationID], communicationIDs: [message.id]))
        }
        return out
    }
}

/// Who a fact is about, as the rewritten sentence names them.
struct Speaker: Hashable {
    /// Starts a sentence ("The customer", "Caroline").
    var subject: String
    /// Inside a sentence ("the customer", "Caroline").
    var inner: String

    static let customer = Speaker(subject: "The customer", inner: "the customer")

    /// A speaker named by their address when it reads as a name (letters, spaces, dots,
    /// hyphens); a phone number or e-mail address reads as "the customer".
    init(address: String) {
        self = CommunicationParticipant.name(inAddress: address).map { Speaker(subject: $0, inner: $0) } ?? .customer
    }

    init(subject: String, inner: String) {
        self.subject = subject
        self.inner = inner
    }
}
