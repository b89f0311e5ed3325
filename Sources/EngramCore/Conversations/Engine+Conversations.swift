extension Engine {
    /// Appends up to 1,000 messages to a conversation. The profile is `profileID`, or the one
    /// the conversation already belongs to, or the one identity resolution finds for the
    /// first customer participant's address (created when new; see `customerIdentifiers`).
    /// A message whose id the profile holds already is stored once, so a retry changes
    /// nothing. Appending a new message to a closed conversation reopens it; with `close`,
    /// the conversation closes once the messages are in.
    public func appendCommunications(
        storeID: String, conversationID: String, profileID: String? = nil, communications: [CommunicationInput],
        close: Bool = false
    ) throws(EngineError) -> AppendResult {
        try requireIDs(["store_id": storeID, "conversation_id": conversationID])
        let limits = configuration.limits
        var problems = Violations()
        if let problem = ObservationInput.conversationIDProblem(conversationID) {
            problems.add("conversation_id", problem)
        }
        if communications.isEmpty {
            problems.add("communications", "at least one message is required")
        } else if communications.count > limits.maxMessagesPerAppend {
            problems.add(
                "communications[\(limits.maxMessagesPerAppend)]",
                "at most \(limits.maxMessagesPerAppend) messages per call; got \(communications.count)")
        }
        var items = communications
        for i in items.indices {
            if items[i].conversationID.isEmpty { items[i].conversationID = conversationID }
            if items[i].conversationID != conversationID {
                problems.add(
                    "communications[\(i)].conversation_id",
                    "must be empty or the call's conversation_id \"\(conversationID)\"; got \"\(items[i].conversationID)\""
                )
            } else {
                items[i].validate(path: "communications[\(i)]", limits: limits, into: &problems)
            }
        }
        try problems.check()
        guard let identity = identity(of: storeID) else { throw .storeNotFound(storeID) }

        var resolution: ResolveOutcome?
        let target: String
        if let profileID, !profileID.isEmpty {
            target = profileID
        } else if let owner = identity.conversations.withLock({ $0.profiles[conversationID] }) {
            target = owner
        } else {
            let settings = try getStore(storeID).conversationSettings
            let (identifiers, paths) = try Self.customerIdentifiers(
                items, linkWhatsAppToPhone: settings.linkWhatsAppToPhone)
            let resolved: ResolveResult
            do {
                resolved = try resolveIdentity(storeID: storeID, identifiers: identifiers)
            } catch {
                // Name the message field the identifier came from.
                throw error.renamingFields { field in
                    guard field.hasPrefix("identifiers["),
                        let close = field.firstIndex(of: "]"),
                        let index = Int(field[field.index(field.startIndex, offsetBy: 12)..<close]),
                        index < paths.count
                    else { return field }
                    return paths[index]
                }
            }
            target = resolved.profileID
            resolution = resolved.outcome
        }
        let at = now()
        let command = Command.AppendCommunications(
            storeID: storeID, profileID: target, conversationID: conversationID,
            communications: items.map {
                Command.NewCommunication(
                    id: $0.clientID ?? newID(.communication), conversationID: conversationID, authorType: $0.authorType,
                    channel: $0.channel, text: $0.text, createdAt: $0.createdAt ?? at, authorAddress: $0.authorAddress,
                    recipients: $0.recipients)
            }, at: at)
        guard case .appended(var result) = try apply(.appendCommunications(command), .live) else {
            throw .unexpectedOutput
        }
        result.resolution = resolution
        if close {
            let closed = try closeConversation(
                storeID: storeID, conversationID: conversationID, profileID: result.conversation.profileID)
            result.conversation = closed.conversation
            result.logPosition = max(result.logPosition, closed.logPosition)
        }
        return result
    }

    /// The identifiers of a conversation's customer: the address of the first customer
    /// participant (author, then recipients) as the identifier type its channel implies
    /// (voice, sms and rcs → phone; whatsapp → whatsapp, and phone too when linked; email →
    /// email; chat → chat). Also returns the field each identifier came from.
    static func customerIdentifiers(_ items: [CommunicationInput], linkWhatsAppToPhone: Bool) throws(EngineError)
        -> ([IdentifierInput], [String])
    {
        for (i, item) in items.enumerated() {
            let participants =
                [(item.authorType, item.authorAddress, "communications[\(i)].author.address")]
                + item.recipients.enumerated().map {
                    ($1.type, $1.address, "communications[\(i)].recipients[\($0)].address")
                }
            for (type, address, path) in participants where type == .customer && !address.isBlank {
                switch item.channel {
                case .voice, .sms, .rcs:
                    return ([IdentifierInput(type: "phone", value: address)], [path])
                case .whatsapp:
                    var identifiers = [IdentifierInput(type: "whatsapp", value: address)]
                    if linkWhatsAppToPhone {
                        var number = Substring(
                            String(String.UnicodeScalarView(address.unicodeScalars.drop(while: \.isSpace))))
                        if number.lowercased().hasPrefix("whatsapp:") { number = number.dropFirst("whatsapp:".count) }
                        identifiers.append(IdentifierInput(type: "phone", value: String(number)))
                    }
                    return (identifiers, Array(repeating: path, count: identifiers.count))
                case .email:
                    return ([IdentifierInput(type: "email", value: address)], [path])
                case .chat:
                    return ([IdentifierInput(type: "chat", value: address)], [path])
                case .api, .system:
                    continue
                }
            }
        }
        throw EngineError.field(
            "profile_id",
            "required when the conversation is new and no message names a customer participant's address on a voice, sms, rcs, whatsapp, email or chat channel"
        )
    }

    /// Closes a conversation (by its profile, or found through the store's directory), which
    /// queues it for extraction. Closing a FAILED one queues it again; closing one that is
    /// closed already changes nothing.
    public func closeConversation(storeID: String, conversationID: String, profileID: String? = nil)
        throws(EngineError) -> CloseResult
    {
        try requireIDs(["store_id": storeID, "conversation_id": conversationID])
        let owner = try self.owner(of: conversationID, in: storeID, given: profileID)
        let command = Command.CloseConversation(
            storeID: storeID, profileID: owner, conversationID: conversationID, idle: false, at: now())
        guard case .closed(let result) = try apply(.closeConversation(command), .live) else { throw .unexpectedOutput }
        return result
    }

    /// A conversation, by id (its profile found through the store's directory when not given).
    public func getConversation(storeID: String, conversationID: String, profileID: String? = nil)
        throws(EngineError) -> Conversation
    {
        try requireIDs(["store_id": storeID, "conversation_id": conversationID])
        let owner = try self.owner(of: conversationID, in: storeID, given: profileID)
        let profile = try readProfile(store: storeID, profile: owner)
        guard let conversation = profile.conversations[conversationID] else {
            throw Self.conversationNotFound(conversationID)
        }
        return presented(conversation, profileID: profile.id, storeID: storeID)
    }

    /// Conversations, the latest message first: a profile's, or with no profile the whole
    /// store's. Paged as ListObservations.
    public func listConversations(
        storeID: String, profileID: String? = nil, filter: ConversationFilter = ConversationFilter(), pageSize: Int = 0,
        pageToken: String? = nil
    ) throws(EngineError) -> ConversationPage {
        try requireIDs(["store_id": storeID])
        let (size, cursor) = try pageParameters(pageSize: pageSize, pageToken: pageToken)
        if let range = filter.lastMessage, let begin = range.begin, let end = range.end, end <= begin {
            throw EngineError.field(
                "last_message_before_us", "must be after last_message_after_us (\(begin)); got \(end)")
        }
        var all: [Conversation] = []
        var canonical = ""
        if let profileID, !profileID.isEmpty {
            let profile = try readProfile(store: storeID, profile: profileID)
            canonical = profile.id
            all = profile.conversations.values.map { presented($0, profileID: profile.id, storeID: storeID) }
        } else {
            guard let identity = identity(of: storeID) else { throw .storeNotFound(storeID) }
            let owners = Set(identity.conversations.withLock { $0.profiles.values })
            for owner in owners.sorted() {
                guard let profile = try? readProfile(store: storeID, profile: owner) else { continue }
                all += profile.conversations.values.map { presented($0, profileID: profile.id, storeID: storeID) }
            }
        }
        var matching = all.filter { conversation in
            filter.matches(conversation)
                && (cursor?.precedes(createdAt: conversation.lastMessageAt, id: conversation.id) ?? true)
        }.sorted { ($0.lastMessageAt, $0.id) > ($1.lastMessageAt, $1.id) }
        var next: String?
        if matching.count > size {
            matching.removeSubrange(size...)
            next = PageCursor(createdAt: matching[size - 1].lastMessageAt, id: matching[size - 1].id).token
        }
        return ConversationPage(profileID: canonical, conversations: matching, nextPageToken: next)
    }

    /// Messages, newest first (by their time, then id): a profile's, or one conversation's
    /// (its profile found through the store's directory when not given).
    public func listCommunications(
        storeID: String, profileID: String? = nil, conversationID: String? = nil, created: TimeRange? = nil,
        pageSize: Int = 0, pageToken: String? = nil
    ) throws(EngineError) -> CommunicationPage {
        try requireIDs(["store_id": storeID])
        let (size, cursor) = try pageParameters(pageSize: pageSize, pageToken: pageToken)
        if let created, let begin = created.begin, let end = created.end, end <= begin {
            throw EngineError.field("created_before_us", "must be after created_after_us (\(begin)); got \(end)")
        }
        let conversationID = conversationID.flatMap { $0.isEmpty ? nil : $0 }
        let owner: String
        if let conversationID {
            owner = try self.owner(of: conversationID, in: storeID, given: profileID)
        } else if let profileID, !profileID.isEmpty {
            owner = profileID
        } else {
            throw EngineError.field("profile_id", "required when no conversation_id is given")
        }
        let profile = try readProfile(store: storeID, profile: owner)
        if let conversationID, profile.conversations[conversationID] == nil {
            throw Self.conversationNotFound(conversationID)
        }
        // The array is ordered by time alone: gather one more than a page, plus every message
        // sharing the last one's time, so ordering by (time, id) cannot skip a tie.
        var page: [Communication] = []
        var boundary: Int64?
        for communication in profile.communications.reversed() {
            if let boundary, communication.createdAt < boundary { break }
            if let conversationID, communication.conversationID != conversationID { continue }
            if let created, !created.contains(communication.createdAt) { continue }
            if let cursor, !cursor.precedes(createdAt: communication.createdAt, id: communication.id) { continue }
            page.append(communication)
            if page.count == size + 1 { boundary = communication.createdAt }
        }
        page.sort { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        var next: String?
        if page.count > size {
            page.removeSubrange(size...)
            next = PageCursor(createdAt: page[size - 1].createdAt, id: page[size - 1].id).token
        }
        return CommunicationPage(profileID: profile.id, communications: page, nextPageToken: next)
    }

    /// Closes the open conversations whose store's idle timeout has passed since their last
    /// append; returns them. engramd calls it every second.
    @discardableResult
    public func closeIdleConversations() -> [ConversationKey] {
        let at = now()
        let stores = catalog.withLock { catalog in
            catalog.stores.values.compactMap { store -> (String, Int64, StoreIdentity)? in
                guard store.conversationSettings.idleTimeout > 0, let identity = catalog.identities[store.id] else {
                    return nil
                }
                return (store.id, store.conversationSettings.idleTimeout, identity)
            }
        }
        var closed: [ConversationKey] = []
        for (storeID, timeout, identity) in stores {
            let due = identity.conversations.withLock { directory in
                directory.open.compactMap { id, last in last + timeout <= at ? (id, directory.profiles[id]) : nil }
            }
            for case (let conversationID, let profileID?) in due {
                let command = Command.CloseConversation(
                    storeID: storeID, profileID: profileID, conversationID: conversationID, idle: true, at: at)
                if case .closed(let result)? = try? apply(.closeConversation(command), .live),
                    result.conversation.closedAt == at
                {
                    closed.append(
                        ConversationKey(
                            storeID: storeID, profileID: result.conversation.profileID, conversationID: conversationID))
                }
            }
        }
        return closed
    }

    // MARK: Helpers

    /// The canonical-or-given profile a conversation belongs to.
    func owner(of conversationID: String, in storeID: String, given profileID: String?) throws(EngineError) -> String {
        if let profileID, !profileID.isEmpty { return profileID }
        guard let identity = identity(of: storeID) else { throw .storeNotFound(storeID) }
        guard let owner = identity.conversations.withLock({ $0.profiles[conversationID] }) else {
            throw Self.conversationNotFound(conversationID)
        }
        return owner
    }

    /// A conversation as callers see it: its canonical profile, and EXTRACTING while an
    /// extractor works on it.
    func presented(_ conversation: Conversation, profileID: String, storeID: String) -> Conversation {
        var conversation = conversation
        conversation.profileID = profileID
        if conversation.state == .closed,
            extractions.withLock({
                $0.inFlight.contains(ExtractionSlot(storeID: storeID, conversationID: conversation.id))
            })
        {
            conversation.state = .extracting
        }
        return conversation
    }

    func pageParameters(pageSize: Int, pageToken: String?) throws(EngineError) -> (Int, PageCursor?) {
        var problems = Violations()
        let maxPage = configuration.limits.maxPageSize
        if pageSize < 0 || pageSize > maxPage {
            problems.add("page_size", "must be between 0 and \(maxPage); got \(pageSize)")
        }
        let cursor = pageToken.flatMap { $0.isEmpty ? nil : $0 }.map { PageCursor(token: $0) }
        if case .some(.none) = cursor { problems.add("page_token", "not a token this engine returned") }
        try problems.check()
        return (pageSize == 0 ? configuration.limits.defaultPageSize : pageSize, cursor ?? nil)
    }

    static func conversationNotFound(_ id: String) -> EngineError {
        EngineError.field("conversation_id", "no conversation \"\(id)\" in this store", code: .notFound)
    }

    // MARK: Apply

    func applyAppend(_ c: Command.AppendCommunications, _ mode: ApplyMode) throws(EngineError) -> AppendResult {
        guard let identity = identity(of: c.storeID) else { throw .storeNotFound(c.storeID) }
        return try withProfile(store: c.storeID, profile: c.profileID) {
            (state: inout ShardState, id: String) throws(EngineError) -> AppendResult in
            try identity.conversations.withLock { (directory: inout ConversationDirectory) throws(EngineError) in
                if let owner = directory.profiles[c.conversationID], owner != id {
                    throw EngineError.field(
                        "conversation_id",
                        "conversation \"\(c.conversationID)\" belongs to profile \(owner), not \(id)",
                        code: .failedPrecondition)
                }
                let (appended, conversation) = state.update(store: c.storeID, id: id) { profile in
                    let appended = profile.append(
                        c.communications, to: c.conversationID, at: c.at, window: configuration.communicationsWindow)
                    return (appended, profile.conversations[c.conversationID]!)
                }!
                let added = appended.added
                directory.register(conversation, profileID: id)
                var logged = c
                logged.profileID = id
                let position =
                    added > 0 || appended.created
                    ? record(.appendCommunications(logged), mode) : unchanged(mode)
                var presented = conversation
                presented.profileID = id
                return AppendResult(
                    conversation: presented, communicationIDs: c.communications.map(\.id), added: added,
                    resolution: nil, logPosition: position)
            }
        }
    }

    func applyClose(_ c: Command.CloseConversation, _ mode: ApplyMode) throws(EngineError) -> CloseResult {
        guard let identity = identity(of: c.storeID) else { throw .storeNotFound(c.storeID) }
        let result = try withProfile(store: c.storeID, profile: c.profileID) {
            (state: inout ShardState, id: String) throws(EngineError) -> (CloseResult, Bool) in
            guard var conversation = state.profile(store: c.storeID, id: id)!.conversations[c.conversationID] else {
                throw Self.conversationNotFound(c.conversationID)
            }
            // An idle close that a newer append overtook leaves the conversation open.
            guard conversation.state == .open || (conversation.state == .failed && !c.idle),
                !(c.idle && conversation.lastAppendAt >= c.at)
            else {
                conversation.profileID = id
                return (CloseResult(conversation: conversation, logPosition: unchanged(mode)), false)
            }
            conversation = state.update(store: c.storeID, id: id) { profile in
                _ = profile.close(c.conversationID, at: c.at)
                return profile.conversations[c.conversationID]!
            }!
            conversation.profileID = id
            identity.conversations.withLock { $0.register(conversation, profileID: id) }
            var logged = c
            logged.profileID = id
            return (
                CloseResult(conversation: conversation, logPosition: record(.closeConversation(logged), mode)), true
            )
        }
        if result.1, case .live = mode {
            extractionQueue.yield(
                ConversationKey(
                    storeID: c.storeID, profileID: result.0.conversation.profileID, conversationID: c.conversationID))
        }
        return result.0
    }
}

extension EngineError {
    /// The error with each field violation's path passed through `rename` (and the message
    /// following the first).
    func renamingFields(_ rename: (String) -> String) -> EngineError {
        var error = self
        error.fieldViolations = error.fieldViolations.map {
            FieldViolation(field: rename($0.field), description: $0.description)
        }
        if let first = error.fieldViolations.first { error.message = "\(first.field): \(first.description)" }
        return error
    }
}
