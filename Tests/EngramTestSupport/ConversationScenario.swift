import EngramCore

/// A conversation life cycle through every conversation command: a store with its own
/// settings, messages resolved by phone and linked WhatsApp, closes (by call and by idle
/// timeout), an extraction with facts and a summary, a failed one, a reopened conversation
/// and a merge of two profiles holding conversations. For replay and snapshot tests.
/// `advance` moves the engine's clock (for the idle timeout); returns the store's id.
@discardableResult
package func runConversationScenario(_ engine: Engine, advance: (Int64) -> Void) throws -> String {
    let store = try engine.createStore(
        displayName: "conversations-\(engine.listStores().count)",
        conversationSettings: ConversationSettings(
            idleTimeout: 60_000_000, extractor: .rules, linkWhatsAppToPhone: true)
    ).store.id
    func message(_ text: String, _ channel: Channel, from address: String, id: String? = nil, at: Int64? = nil)
        -> CommunicationInput
    {
        CommunicationInput(
            authorType: .customer, channel: channel, text: text, conversationID: "", createdAt: at, clientID: id,
            authorAddress: address)
    }
    let call = try engine.appendCommunications(
        storeID: store, conversationID: "call-1",
        communications: [
            message("I prefer SMS please", .voice, from: "+1 415 555 0100", id: "m1", at: 1_000),
            CommunicationInput(
                authorType: .aiAgent, channel: .voice, text: "Noted", conversationID: "call-1", createdAt: 1_001,
                clientID: "m2", authorAddress: "bot",
                recipients: [CommunicationParticipant(type: .customer, address: "+1 415 555 0100")]),
        ])
    let profile = call.conversation.profileID
    _ = try engine.appendCommunications(
        storeID: store, conversationID: "wa-1",
        communications: [message("hello on whatsapp", .whatsapp, from: "whatsapp:+14155550100", id: "m3")])
    _ = try engine.closeConversation(storeID: store, conversationID: "call-1")
    for key in engine.pendingExtractions() where key.storeID == store {
        guard let job = engine.beginExtraction(key, extractorName: { _ in "test/1" }) else { continue }
        let facts = job.messages.filter { $0.authorType == .customer }.map {
            ObservationInput(
                content: "said: \($0.text)", source: "test", occurredAt: $0.createdAt, subjectKey: "said.\($0.id)",
                communicationIDs: [$0.id])
        }
        try engine.finishExtraction(
            job, extractorName: "test/1", output: ExtractionOutput(observations: facts, summary: "a call"))
    }
    // A failed extraction, then new messages reopen the conversation.
    _ = try engine.appendCommunications(
        storeID: store, conversationID: "chat-1", profileID: profile,
        communications: [message("my order is late", .chat, from: "visitor-1", id: "m4")], close: true)
    if let job = engine.beginExtraction(
        ConversationKey(storeID: store, profileID: profile, conversationID: "chat-1"), extractorName: { _ in "test/1" })
    {
        try engine.finishExtraction(job, extractorName: "test/1", output: nil, failure: "model unavailable")
    }
    _ = try engine.appendCommunications(
        storeID: store, conversationID: "chat-1",
        communications: [message("still waiting", .chat, from: "visitor-1", id: "m5")])
    // The idle timeout closes the WhatsApp conversation.
    advance(120_000_000)
    _ = try engine.appendCommunications(
        storeID: store, conversationID: "chat-1",
        communications: [message("any news?", .chat, from: "visitor-1", id: "m6")])
    engine.closeIdleConversations()
    // Retention erases the oldest message.
    _ = try engine.updateStore(
        store,
        conversationSettings: ConversationSettings(
            idleTimeout: 60_000_000, extractor: .rules, linkWhatsAppToPhone: true, messageRetention: 1_000))
    engine.expireRetained()
    // Another profile with a conversation, merged into the first by a shared e-mail.
    let other = try engine.appendCommunications(
        storeID: store, conversationID: "mail-1",
        communications: [message("please email me", .email, from: "ana@example.com", id: "m7")])
    _ = try engine.resolveIdentity(
        storeID: store,
        identifiers: [
            IdentifierInput(type: "phone", value: "+1 415 555 0100"),
            IdentifierInput(type: "email", value: "ana@example.com"),
        ])
    _ = other
    return store
}
