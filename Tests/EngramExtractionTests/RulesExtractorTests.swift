import EngramCore
import Testing

@testable import EngramExtraction

@Suite struct RulesExtractorTests {
    /// 8 May 2023 13:56 UTC, a Monday.
    static let may8: Int64 = 1_683_554_160_000_000

    func job(_ messages: [Communication], new: Set<String>? = nil) -> ExtractionJob {
        ExtractionJob(
            key: ConversationKey(storeID: "st", profileID: "pr", conversationID: "c1"), extractor: .rules,
            messages: messages, newMessageIDs: new ?? Set(messages.map(\.id)), messageCount: messages.count,
            activeObservations: [], summary: nil, closedAt: Self.may8 + 1)
    }

    func said(_ text: String, id: String = "m1", by author: AuthorType = .customer, address: String = "+15550100")
        -> Communication
    {
        Communication(
            id: id, conversationID: "c1", authorType: author, channel: .sms, text: text, createdAt: Self.may8,
            authorAddress: address)
    }

    func facts(_ text: String) -> [ObservationInput] {
        RulesExtractor().extractNow(job([said(text)])).observations
    }

    @Test func firstPersonStatementsBecomeThirdPersonFacts() {
        let out = facts("Hi, I love hiking and my dog joins me. What about you?")
        #expect(out.map(\.content) == ["The customer loves hiking and the customer's dog joins the customer."])
        #expect(out[0].communicationIDs == ["m1"] && out[0].conversationIDs == ["c1"] && out[0].subjectKey == nil)
        #expect(out[0].occurredAt == Self.may8)
        #expect(
            ThirdPerson.rewrite("I've moved and I'm happy", speaker: .customer)
                == "The customer has moved and the customer is happy")
        #expect(ThirdPerson.rewrite("I really try hard", speaker: .customer) == "The customer really tries hard")
        #expect(
            ThirdPerson.rewrite("I went and I can go", speaker: .customer)
                == "The customer went and the customer can go")
        #expect(ThirdPerson.rewrite("I watch my shows", speaker: Speaker(address: "Ana")) == "Ana watches Ana's shows")
    }

    @Test func chitChatQuestionsAndRepliesToTheAgentAreLeftOut() {
        for text in [
            "Thanks so much!", "How are you doing today?", "Wow, that's awesome!", "ok", "You are so kind to help.",
        ] {
            #expect(facts(text).isEmpty, "\(text)")
        }
        // The agent's own words are never facts about the customer.
        let agent = RulesExtractor().extractNow(job([said("I will send you a new card tomorrow", by: .aiAgent)]))
        #expect(agent.observations.isEmpty)
    }

    @Test func statementsANewerOneReplacesGetSubjects() {
        func subject(_ text: String) -> [String: String] {
            Dictionary(
                facts(text).compactMap { f in f.subjectKey.map { ($0, f.content) } }, uniquingKeysWith: { a, _ in a })
        }
        #expect(
            subject("Please text me instead of calling.")["preference.contact_channel"]
                == "The customer prefers to be contacted by SMS.")
        #expect(
            subject("I'd rather get e-mail updates than calls")["preference.contact_channel"]
                == "The customer prefers to be contacted by e-mail.")
        #expect(
            subject("Don't call me at work.")["preference.contact_channel"] == "The customer does not want phone calls."
        )
        #expect(
            subject("My email is Ana.Lopez@example.com, thanks")["contact.email"]
                == "The customer's e-mail address is Ana.Lopez@example.com.")
        #expect(
            subject("You can reach me on my cell +1 (415) 555-0199 anytime")["contact.phone"]
                == "The customer's phone number is +1 (415) 555-0199.")
        #expect(
            subject("I just moved to San Francisco last month")["personal.location"]
                == "The customer moved to San Francisco.")
        #expect(subject("My name is Ana Lopez.")["personal.name"] == "The customer's name is Ana Lopez.")
        #expect(subject("I speak Spanish at home")["preference.language"] == "The customer prefers to speak Spanish.")
        #expect(
            subject("I work as a night nurse at the clinic")["personal.occupation"]
                == "The customer works as a night nurse at the clinic.")
        #expect(subject("I moved the meeting").isEmpty)
    }

    @Test func relativeDatesAreResolvedAgainstTheMessagesTime() {
        let text = facts("I went to a support group yesterday and it was powerful.").first?.content ?? ""
        #expect(text.hasSuffix("(yesterday: 7 May 2023)"), "\(text)")
        func annotation(_ sentence: String) -> String? { RelativeDates.annotation(in: Words(sentence), at: Self.may8) }
        #expect(annotation("we ran a race last Saturday") == "last saturday: 6 May 2023")
        #expect(annotation("camping next month") == "next month: June 2023")
        #expect(annotation("since three years ago") == "three years ago: 2020")
        #expect(annotation("painted it last year") == "last year: 2022")
        #expect(annotation("nothing relative here") == nil)
    }

    @Test func kindsAnAgentActsOnAreTagged() {
        #expect(facts("My package never arrived and I want a refund.").first?.content.hasPrefix("Complaint: ") == true)
        #expect(facts("I would like to change my delivery address.").first?.content.hasPrefix("Request: ") == true)
        #expect(facts("I'm going to visit the store next week.").first?.content.hasPrefix("Plan: ") == true)
    }

    @Test func groupConversationsNameEachSpeaker() {
        let out = RulesExtractor().extractNow(
            job([
                said("I adopted a cat named Milo.", id: "a", address: "Caroline"),
                said("Researching adoption agencies these days.", id: "b", address: "Melanie"),
            ])
        ).observations
        #expect(
            out.map(\.content) == [
                "Caroline adopted a cat named Milo.", "Melanie said: Researching adoption agencies these days.",
            ])
    }

    @Test func anAnswerKeepsTheQuestionItAnswers() {
        let out = RulesExtractor().extractNow(
            job([
                said(
                    "Thanks for calling. Which day suits you for the delivery?", id: "q", by: .aiAgent, address: "bot"),
                said("Tuesday morning works best for my schedule.", id: "a"),
            ])
        ).observations
        #expect(
            out.map(\.content) == [
                "Tuesday morning works best for the customer's schedule. (Asked: Which day suits you for the delivery?)"
            ])
        #expect(out.first?.communicationIDs == ["a"])
    }

    @Test func onlyNewMessagesAreExtractedButTheSummaryCoversAll() {
        let messages = [
            said("I prefer email for updates about my order.", id: "old"),
            said("The replacement phone works great now.", id: "new"),
            said("Glad to hear it, anything else?", id: "agent", by: .humanAgent, address: "agent-7"),
        ]
        let output = RulesExtractor().extractNow(job(messages, new: ["new"]))
        #expect(output.observations.allSatisfy { $0.communicationIDs == ["new"] })
        let summary = output.summary ?? ""
        #expect(summary.hasPrefix("Conversation of 8 May 2023 on sms, 3 messages."))
        #expect(summary.contains("email") && summary.contains("replacement phone"))
        #expect(summary.count <= Summarizer.maxCharacters)
    }

    @Test func sentencesSplitAfterEndMarksAndLineBreaks() {
        #expect(
            Sentences.split("One. Two!  Three?! Four…  five\nsix") == [
                "One.", "Two!", "Three?!", "Four…", "five", "six",
            ])
        #expect(Sentences.split("  ") == [])
        #expect(Words("I’M Happy, e-mail X@Y.io").all == ["i'm", "happy", "e", "mail", "x@y", "io"])
    }
}
