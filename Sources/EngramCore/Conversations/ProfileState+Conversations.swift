extension ProfileState {
    /// Appends messages to a conversation, creating it, or reopening it if it was closed and
    /// a message is new. Messages the profile holds already (by id) are skipped, so a retried
    /// append changes nothing. Returns how many were new, and whether the conversation was.
    @discardableResult
    mutating func append(
        _ items: some Sequence<Command.NewCommunication>, to conversationID: String, at: Int64, window: Int
    ) -> (added: Int, created: Bool) {
        var conversation =
            conversations[conversationID]
            ?? Conversation(
                id: conversationID, profileID: id, state: .open, createdAt: at, updatedAt: at, lastAppendAt: at,
                firstMessageAt: .max, lastMessageAt: .min, messageIDs: [], channels: [])
        let isNew = conversations[conversationID] == nil
        var added = 0
        for item in items where knownCommunications[item.id] == nil {
            insertCommunication(
                Communication(
                    id: item.id, conversationID: conversationID, authorType: item.authorType, channel: item.channel,
                    text: item.text, createdAt: item.createdAt, authorAddress: item.authorAddress,
                    recipients: item.recipients),
                window: window)
            conversation.messageIDs.append(item.id)
            conversation.firstMessageAt = min(conversation.firstMessageAt, item.createdAt)
            conversation.lastMessageAt = max(conversation.lastMessageAt, item.createdAt)
            if !conversation.channels.contains(item.channel) { conversation.channels.append(item.channel) }
            added += 1
        }
        guard added > 0 || isNew else { return (0, false) }
        if conversation.state != .open {
            conversation.state = .open
            conversation.error = nil
        }
        conversation.lastAppendAt = at
        conversation.updatedAt = at
        conversations[conversationID] = conversation
        updatedAt = at
        return (added, isNew)
    }

    /// Closes an open conversation, or queues a FAILED one for another extraction; returns
    /// false if it was neither (nothing changed).
    mutating func close(_ conversationID: String, at: Int64) -> Bool {
        guard var conversation = conversations[conversationID],
            conversation.state == .open || conversation.state == .failed
        else { return false }
        conversation.state = .closed
        conversation.closedAt = at
        conversation.updatedAt = at
        conversations[conversationID] = conversation
        updatedAt = at
        return true
    }

    /// Takes in a conversation of a profile merged into this one; both may hold the same id
    /// (messages appended under each before they were found to be one customer).
    mutating func absorb(conversation theirs: Conversation) {
        guard var mine = conversations[theirs.id] else {
            var theirs = theirs
            theirs.profileID = id
            conversations[theirs.id] = theirs
            return
        }
        let known = Set(mine.messageIDs)
        mine.messageIDs += theirs.messageIDs.filter { !known.contains($0) }
        for channel in theirs.channels where !mine.channels.contains(channel) { mine.channels.append(channel) }
        mine.firstMessageAt = min(mine.firstMessageAt, theirs.firstMessageAt)
        mine.lastMessageAt = max(mine.lastMessageAt, theirs.lastMessageAt)
        mine.lastAppendAt = max(mine.lastAppendAt, theirs.lastAppendAt)
        mine.createdAt = min(mine.createdAt, theirs.createdAt)
        mine.updatedAt = max(mine.updatedAt, theirs.updatedAt)
        mine.closedAt = max(mine.closedAt, theirs.closedAt)
        for observation in theirs.observationIDs where !mine.observationIDs.contains(observation) {
            mine.observationIDs.append(observation)
        }
        mine.summaryID = mine.summaryID ?? theirs.summaryID
        // Open if either was: its messages are not all extracted. Otherwise the combined
        // messages need an extraction that covers them all.
        if mine.state == .open || theirs.state == .open {
            mine.state = .open
        } else if mine.extractedMessageCount < mine.messageIDs.count || mine.state != theirs.state {
            mine.state = .closed
        }
        mine.extractedMessageCount = min(mine.extractedMessageCount, mine.messageIDs.count)
        conversations[mine.id] = mine
    }

    /// Inserts by time (after equal times) and keeps only the newest `window`.
    mutating func insertCommunication(_ communication: Communication, window: Int) {
        var low = 0
        var high = communications.count
        while low < high {
            let mid = (low + high) / 2
            if communications[mid].createdAt <= communication.createdAt { low = mid + 1 } else { high = mid }
        }
        communications.insert(communication, at: low)
        knownCommunications[communication.id] = communication.conversationID
        indexes?.recall.put(communication)
        if communications.count > window {
            for dropped in communications.prefix(communications.count - window) {
                knownCommunications[dropped.id] = nil
                indexes?.recall.communications.remove(id: dropped.id)
            }
            communications.removeFirst(communications.count - window)
        }
    }
}
