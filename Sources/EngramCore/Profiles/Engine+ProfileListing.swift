extension Engine {
    /// A store's profiles in id order, paged: the token is the last id of the previous page.
    /// `pageSize` 0 means `limits.defaultPageSize`. Each page reads every shard's profiles of the
    /// store (keeping the smallest ids past the token), so a page costs O(profiles in the store):
    /// for browsing and exports, not for a turn's hot path.
    public func listProfiles(storeID: String, pageSize: Int = 0, pageToken: String? = nil) throws(EngineError)
        -> ProfileListPage
    {
        try requireIDs(["store_id": storeID])
        let maxPage = configuration.limits.maxPageSize
        guard pageSize >= 0, pageSize <= maxPage else {
            throw EngineError.field("page_size", "must be between 0 and \(maxPage); got \(pageSize)")
        }
        guard identity(of: storeID) != nil else { throw .storeNotFound(storeID) }
        let size = pageSize == 0 ? configuration.limits.defaultPageSize : pageSize
        let after = pageToken ?? ""
        // The size + 1 smallest ids past the token, kept sorted; one more tells whether a next
        // page exists.
        var smallest: [ProfileState] = []
        smallest.reserveCapacity(size + 1)
        for shard in shards {
            shard.state.withLock { state in
                guard let profiles = state.stores[storeID] else { return }
                for (id, profile) in profiles where id > after {
                    if smallest.count == size + 1, id >= smallest[size].id { continue }
                    var low = 0
                    var high = smallest.count
                    while low < high {
                        let mid = (low + high) / 2
                        if smallest[mid].id < id { low = mid + 1 } else { high = mid }
                    }
                    smallest.insert(profile, at: low)
                    if smallest.count > size + 1 { smallest.removeLast() }
                }
            }
        }
        let more = smallest.count > size
        if more { smallest.removeLast() }
        return ProfileListPage(
            profiles: smallest.map { $0.publicProfile(store: storeID) },
            nextPageToken: more ? smallest.last?.id : nil)
    }

    /// A profile's summaries, the most recent conversation first (by occurred_at, then id),
    /// optionally of one conversation, paged.
    public func listSummaries(
        storeID: String, profileID: String, conversationID: String?, pageSize: Int, pageToken: String?
    ) throws(EngineError) -> SummaryPage {
        try requireIDs(["store_id": storeID, "profile_id": profileID])
        let maxPage = configuration.limits.maxPageSize
        var problems = Violations()
        if pageSize < 0 || pageSize > maxPage {
            problems.add("page_size", "must be between 0 and \(maxPage); got \(pageSize)")
        }
        let cursor = pageToken.flatMap { $0.isEmpty ? nil : $0 }.map { PageCursor(token: $0) }
        if case .some(.none) = cursor { problems.add("page_token", "not a token this engine returned") }
        try problems.check()
        let profile = try readProfile(store: storeID, profile: profileID)
        var matching = profile.summaries.values.lazy.map(\.summary).filter { summary in
            guard conversationID == nil || summary.conversationID == conversationID else { return false }
            guard let cursor = cursor ?? nil else { return true }
            return (summary.occurredAt, summary.id) < (cursor.createdAt, cursor.id)
        }.sorted { ($0.occurredAt, $0.id) > ($1.occurredAt, $1.id) }
        let size = pageSize == 0 ? configuration.limits.defaultPageSize : pageSize
        var next: String?
        if matching.count > size {
            matching.removeSubrange(size...)
            next = PageCursor(createdAt: matching[size - 1].occurredAt, id: matching[size - 1].id).token
        }
        return SummaryPage(profileID: profile.id, summaries: matching, nextPageToken: next)
    }
}

/// One page of a store's profiles.
public struct ProfileListPage: Sendable, Hashable {
    /// This page, by id.
    public var profiles: [Profile]
    /// Pass it back to get the next page; nil on the last page.
    public var nextPageToken: String?
}

/// One page of a profile's summaries.
public struct SummaryPage: Sendable, Hashable {
    /// The canonical profile id.
    public var profileID: String
    /// This page, the most recent conversation first.
    public var summaries: [Summary]
    /// Pass it back to get the next page; nil on the last page.
    public var nextPageToken: String?
}
