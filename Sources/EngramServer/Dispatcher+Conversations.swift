import EngramCore
import EngramWire

extension Dispatcher {
    func appendCommunications(_ r: Wire.AppendCommunicationsRequest, _ context: RequestContext) throws(ServiceError)
        -> (Wire.AppendCommunicationsResponse, UInt64)
    {
        let inputs = try engineCommunications(r.communications)
        let result = try engineCall { () throws(EngineError) in
            try engine.appendCommunications(
                storeID: r.storeId, conversationID: r.conversationId,
                profileID: r.profileId.isEmpty ? nil : r.profileId,
                communications: inputs, close: r.close)
        }
        var response = Wire.AppendCommunicationsResponse()
        response.conversation = Wire.Conversation(result.conversation)
        response.communicationIds = result.communicationIDs
        response.added = UInt32(clamping: result.added)
        response.profileId = result.conversation.profileID
        response.resolveOutcome =
            switch result.resolution {
            case .created?: .created
            case .matched?: .matched
            case .merged?: .merged
            case nil: .unspecified
            }
        response.logSequence = result.logPosition
        return (response, result.logPosition)
    }

    func closeConversation(_ r: Wire.CloseConversationRequest, _ context: RequestContext) throws(ServiceError)
        -> (Wire.CloseConversationResponse, UInt64)
    {
        let result = try engineCall { () throws(EngineError) in
            try engine.closeConversation(
                storeID: r.storeId, conversationID: r.conversationId, profileID: r.profileId.isEmpty ? nil : r.profileId
            )
        }
        var response = Wire.CloseConversationResponse()
        response.conversation = Wire.Conversation(result.conversation)
        response.logSequence = result.logPosition
        return (response, result.logPosition)
    }

    func getConversation(_ r: Wire.GetConversationRequest, _ context: RequestContext) throws(ServiceError)
        -> Wire.GetConversationResponse
    {
        let conversation = try engineCall { () throws(EngineError) in
            try engine.getConversation(
                storeID: r.storeId, conversationID: r.conversationId, profileID: r.profileId.isEmpty ? nil : r.profileId
            )
        }
        var response = Wire.GetConversationResponse()
        response.conversation = Wire.Conversation(conversation)
        return response
    }

    func listConversations(_ r: Wire.ListConversationsRequest, _ context: RequestContext) throws(ServiceError)
        -> Wire.ListConversationsResponse
    {
        let state: ConversationState? =
            switch r.state {
            case .unspecified: nil
            case .open: .open
            case .closed: .closed
            case .extracting: .extracting
            case .extracted: .extracted
            case .failed: .failed
            default:
                throw ServiceError.invalid(
                    "state", "must be one of CONVERSATION_STATE_OPEN … CONVERSATION_STATE_FAILED")
            }
        let range = TimeRange(
            begin: r.lastMessageAfterUs == 0 ? nil : r.lastMessageAfterUs,
            end: r.lastMessageBeforeUs == 0 ? nil : r.lastMessageBeforeUs)
        let page = try engineCall { () throws(EngineError) in
            try engine.listConversations(
                storeID: r.storeId, profileID: r.profileId.isEmpty ? nil : r.profileId,
                filter: ConversationFilter(
                    state: state, lastMessage: range.begin == nil && range.end == nil ? nil : range),
                pageSize: Int(r.pageSize), pageToken: r.pageToken)
        }
        var response = Wire.ListConversationsResponse()
        response.conversations = page.conversations.map(Wire.Conversation.init)
        response.nextPageToken = page.nextPageToken ?? ""
        response.profileId = page.profileID
        return response
    }

    func listCommunications(_ r: Wire.ListCommunicationsRequest, _ context: RequestContext) throws(ServiceError)
        -> Wire.ListCommunicationsResponse
    {
        let range = TimeRange(
            begin: r.createdAfterUs == 0 ? nil : r.createdAfterUs, end: r.createdBeforeUs == 0 ? nil : r.createdBeforeUs
        )
        let page = try engineCall { () throws(EngineError) in
            try engine.listCommunications(
                storeID: r.storeId, profileID: r.profileId.isEmpty ? nil : r.profileId,
                conversationID: r.conversationId.isEmpty ? nil : r.conversationId,
                created: range.begin == nil && range.end == nil ? nil : range, pageSize: Int(r.pageSize),
                pageToken: r.pageToken)
        }
        var response = Wire.ListCommunicationsResponse()
        response.communications = page.communications.map(Wire.Communication.init)
        response.nextPageToken = page.nextPageToken ?? ""
        response.profileId = page.profileID
        return response
    }

    /// A store's conversation settings from the wire: unset fields take their defaults, and
    /// the extractor must be one this server runs.
    func engineConversationSettings(_ w: Wire.ConversationSettings, field: String) throws(ServiceError)
        -> ConversationSettings
    {
        var settings = ConversationSettings()
        if let seconds = w.idleTimeoutSeconds { settings.idleTimeout = Int64(seconds) * 1_000_000 }
        if let link = w.linkWhatsappToPhone { settings.linkWhatsAppToPhone = link }
        if let days = w.messageRetentionDays { settings.messageRetention = Int64(days) * 86_400_000_000 }
        if let days = w.observationRetentionDays { settings.observationRetention = Int64(days) * 86_400_000_000 }
        switch w.extractor {
        case .unspecified, .rules: settings.extractor = .rules
        case .llm: settings.extractor = .llm
        case .none: settings.extractor = .none
        default:
            throw ServiceError.invalid(
                field + ".extractor", "must be one of EXTRACTOR_RULES, EXTRACTOR_LLM, EXTRACTOR_NONE")
        }
        guard configuration.extractors.contains(settings.extractor) else {
            let reason = "this server has no LLM endpoint (start engramd with --llm-url)"
            var error = ServiceError(.failedPrecondition, "\(field).extractor: \(reason)")
            error.status.fieldViolations = [Wire.FieldViolation(field: field + ".extractor", description: reason)]
            throw error
        }
        return settings
    }
}

extension Wire.ConversationSettings {
    init(_ s: ConversationSettings) {
        self.init()
        idleTimeoutSeconds = UInt32(clamping: s.idleTimeout / 1_000_000)
        extractor =
            switch s.extractor {
            case .rules: .rules
            case .llm: .llm
            case .none: .none
            }
        linkWhatsappToPhone = s.linkWhatsAppToPhone
        messageRetentionDays = UInt32(clamping: s.messageRetention / 86_400_000_000)
        observationRetentionDays = UInt32(clamping: s.observationRetention / 86_400_000_000)
    }
}

extension Wire.Conversation {
    init(_ c: Conversation) {
        self.init()
        id = c.id
        profileId = c.profileID
        state =
            switch c.state {
            case .open: .open
            case .closed: .closed
            case .extracting: .extracting
            case .extracted: .extracted
            case .failed: .failed
            }
        createdAtUs = c.createdAt
        updatedAtUs = c.updatedAt
        lastAppendAtUs = c.lastAppendAt
        firstMessageAtUs = c.messageIDs.isEmpty ? 0 : c.firstMessageAt
        lastMessageAtUs = c.messageIDs.isEmpty ? 0 : c.lastMessageAt
        messageCount = UInt32(clamping: c.messageCount)
        channels = c.channels.map(wireChannel)
        closedAtUs = c.closedAt
        error = c.error ?? ""
        observationIds = c.observationIDs
        summaryId = c.summaryID ?? ""
        extractor = c.extractor ?? ""
        extractedAtUs = c.extractedAt
        extractedMessageCount = UInt32(clamping: c.extractedMessageCount)
    }
}
