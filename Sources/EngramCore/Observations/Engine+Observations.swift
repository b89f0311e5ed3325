extension Engine {
    /// Adds observations, summaries and communications (at most 100 items in all) to a
    /// profile and reports each observation's outcome: ADDED, DUPLICATE or SUPERSEDED.
    /// Once it returns, every read sees the writes.
    public func observe(
        storeID: String, profileID: String, observations: [ObservationInput] = [], summaries: [SummaryInput] = [],
        communications: [CommunicationInput] = []
    ) throws(EngineError) -> ObserveResult {
        try requireIDs(["store_id": storeID, "profile_id": profileID])
        let limits = configuration.limits
        var problems = Violations()
        let total = observations.count + summaries.count + communications.count
        if total == 0 {
            problems.add("observations", "an Observe call needs at least one observation, summary or communication")
        } else if total > limits.maxItemsPerObserve {
            let (field, index) =
                observations.count > limits.maxItemsPerObserve
                ? ("observations", limits.maxItemsPerObserve)
                : observations.count + summaries.count > limits.maxItemsPerObserve
                    ? ("summaries", limits.maxItemsPerObserve - observations.count)
                    : ("communications", limits.maxItemsPerObserve - observations.count - summaries.count)
            problems.add(
                "\(field)[\(index)]",
                "an Observe call takes at most \(limits.maxItemsPerObserve) items (observations, summaries and communications together); got \(total)"
            )
        }
        for (i, item) in observations.enumerated() {
            item.validate(path: "observations[\(i)]", limits: limits, into: &problems)
        }
        for (i, item) in summaries.enumerated() {
            item.validate(path: "summaries[\(i)]", limits: limits, into: &problems)
        }
        for (i, item) in communications.enumerated() {
            item.validate(path: "communications[\(i)]", limits: limits, into: &problems)
        }
        checkEmbeddingDimensions(observations, into: &problems)
        try problems.check()
        // Embedded here, before the command exists, so the log carries the vectors and
        // replay never calls the embedder.
        let embeddings = embeddings(for: observations)
        let embedder = embedderIdentity
        let at = now()
        let command = Command.Observe(
            storeID: storeID, profileID: profileID,
            observations: zip(observations, embeddings).map {
                Command.NewObservation(
                    id: newID(.observation), content: $0.content, source: $0.source, occurredAt: $0.occurredAt!,
                    conversationIDs: $0.conversationIDs, subjectKey: $0.subjectKey, embedding: $1,
                    idempotencyKey: $0.idempotencyKey, embedder: $0.embedding == nil ? embedder : nil,
                    communicationIDs: $0.communicationIDs)
            },
            summaries: summaries.map {
                Command.NewSummary(
                    id: newID(.summary), content: $0.content, conversationID: $0.conversationID,
                    occurredAt: $0.occurredAt!, source: $0.source)
            },
            communications: communications.map {
                Command.NewCommunication(
                    id: $0.clientID ?? newID(.communication), conversationID: $0.conversationID,
                    authorType: $0.authorType,
                    channel: $0.channel, text: $0.text, createdAt: $0.createdAt ?? at, authorAddress: $0.authorAddress,
                    recipients: $0.recipients)
            },
            at: at)
        guard case .observed(let result) = try apply(.observe(command), .live) else { throw .unexpectedOutput }
        return result
    }

    /// A profile's observations, newest first (by created_at, then id), filtered and paged.
    /// `pageSize` 0 means `limits.defaultPageSize` (100); the most is `limits.maxPageSize` (1,000).
    public func listObservations(
        storeID: String, profileID: String, filter: ObservationFilter = ObservationFilter(), pageSize: Int = 0,
        pageToken: String? = nil
    ) throws(EngineError) -> ObservationPage {
        try requireIDs(["store_id": storeID, "profile_id": profileID])
        var problems = Violations()
        let maxPage = configuration.limits.maxPageSize
        if pageSize < 0 || pageSize > maxPage {
            problems.add("page_size", "must be between 0 and \(maxPage); got \(pageSize)")
        }
        let cursor = pageToken.flatMap { $0.isEmpty ? nil : $0 }.map { PageCursor(token: $0) }
        if case .some(.none) = cursor { problems.add("page_token", "not a token this engine returned") }
        if let source = filter.source,
            let problem = ObservationInput.sourceProblem(source, limits: configuration.limits)
        {
            problems.add("source", problem)
        }
        // Named as the request spells them.
        for (name, range) in [("created", filter.created), ("occurred", filter.occurred)] {
            if let range, let begin = range.begin, let end = range.end, end <= begin {
                problems.add(name + "_before_us", "must be after \(name)_after_us (\(begin)); got \(end)")
            }
        }
        try problems.check()
        let profile = try readProfile(store: storeID, profile: profileID)
        // Sorting happens on the copy, outside the shard lock.
        var matching = profile.observations.values.lazy.map(\.observation).filter {
            filter.matches($0) && (cursor??.precedes($0) ?? true)
        }.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        let size = pageSize == 0 ? configuration.limits.defaultPageSize : pageSize
        var next: String?
        if matching.count > size {
            matching.removeSubrange(size...)
            next = PageCursor(createdAt: matching[size - 1].createdAt, id: matching[size - 1].id).token
        }
        return ObservationPage(profileID: profile.id, observations: matching, nextPageToken: next)
    }

    /// One observation and its revisions, newest first.
    public func listObservationRevisions(storeID: String, profileID: String, observationID: String) throws(EngineError)
        -> ObservationHistory
    {
        try requireIDs(["store_id": storeID, "profile_id": profileID, "observation_id": observationID])
        let profile = try readProfile(store: storeID, profile: profileID)
        guard let stored = profile.observations[observationID] else { throw Self.observationNotFound(observationID) }
        return ObservationHistory(
            profileID: profile.id, observation: stored.observation, revisions: stored.revisions.reversed())
    }

    /// A profile's summaries, the most recent conversation first, each with its revisions.
    public func listSummaries(storeID: String, profileID: String) throws(EngineError) -> SummaryList {
        try requireIDs(["store_id": storeID, "profile_id": profileID])
        let profile = try readProfile(store: storeID, profile: profileID)
        return SummaryList(
            profileID: profile.id,
            summaries: profile.summaries.values
                .sorted { ($0.summary.occurredAt, $0.summary.id) > ($1.summary.occurredAt, $1.summary.id) }
                .map { SummaryHistory(summary: $0.summary, revisions: $0.revisions.reversed()) })
    }

    /// Erases one observation and its revisions. Its idempotency key stays known, so a late
    /// retry of the call that created it does not bring it back.
    public func deleteObservation(storeID: String, profileID: String, observationID: String) throws(EngineError)
        -> ObservationDeletionReceipt
    {
        try requireIDs(["store_id": storeID, "profile_id": profileID, "observation_id": observationID])
        let command = Command.DeleteObservation(
            storeID: storeID, profileID: profileID, observationID: observationID, at: now())
        guard case .observationDeleted(let receipt) = try apply(.deleteObservation(command), .live) else {
            throw .unexpectedOutput
        }
        return receipt
    }

    // MARK: Apply

    func applyObserve(_ c: Command.Observe, _ mode: ApplyMode) throws(EngineError) -> ObserveResult {
        // Pure function of the content: computed before taking the lock.
        let fingerprints = c.observations.map { TextFingerprint($0.content) }
        let identity = c.communications.isEmpty ? nil : identity(of: c.storeID)
        return try withProfile(store: c.storeID, profile: c.profileID) {
            (state: inout ShardState, id: String) throws(EngineError) -> ObserveResult in
            // A retry of observations already stored, and nothing else, changes nothing: it is
            // answered from the idempotency table and neither written nor logged.
            if c.summaries.isEmpty && c.communications.isEmpty && !c.observations.isEmpty {
                let profile = state.profile(store: c.storeID, id: id)!
                var retried: [ObservationOutcome] = []
                for item in c.observations {
                    guard let key = item.idempotencyKey, var earlier = profile.idempotency[key] else { break }
                    earlier.isRetry = true
                    retried.append(earlier)
                }
                if retried.count == c.observations.count {
                    return ObserveResult(
                        profileID: id, observations: retried, summaryIDs: [], communicationIDs: [],
                        logPosition: unchanged(mode))
                }
            }
            let output = state.update(store: c.storeID, id: id) { profile in
                profile.observe(
                    c, fingerprints: fingerprints, window: configuration.communicationsWindow,
                    maxConversationIDs: configuration.limits.maxConversationIDs,
                    maxRevisions: configuration.limits.maxRevisions)
            }!
            if let identity {
                // Messages sent with Observe open conversations too; one that another profile
                // holds already stays listed under that one.
                let profile = state.profile(store: c.storeID, id: id)!
                identity.conversations.withLock { directory in
                    for conversationID in Set(c.communications.map(\.conversationID))
                    where directory.profiles[conversationID] == nil || directory.profiles[conversationID] == id {
                        if let conversation = profile.conversations[conversationID] {
                            directory.register(conversation, profileID: id)
                        }
                    }
                }
            }
            var logged = c
            logged.profileID = id
            return ObserveResult(
                profileID: id, observations: output.outcomes, summaryIDs: output.summaryIDs,
                communicationIDs: output.communicationIDs, logPosition: record(.observe(logged), mode))
        }
    }

    func applyDeleteObservation(_ c: Command.DeleteObservation, _ mode: ApplyMode) throws(EngineError)
        -> ObservationDeletionReceipt
    {
        try withProfile(store: c.storeID, profile: c.profileID) {
            (state: inout ShardState, id: String) throws(EngineError) -> ObservationDeletionReceipt in
            guard state.profile(store: c.storeID, id: id)!.observations[c.observationID] != nil else {
                throw Self.observationNotFound(c.observationID)
            }
            let removed = state.update(store: c.storeID, id: id) { profile in
                profile.updatedAt = c.at
                return profile.removeObservation(id: c.observationID)
            }!!
            var logged = c
            logged.profileID = id
            return ObservationDeletionReceipt(
                profileID: id, observationID: c.observationID, revisionsErased: removed.revisions.count,
                logPosition: record(.deleteObservation(logged), mode), erasedAt: c.at)
        }
    }

    static func observationNotFound(_ id: String) -> EngineError {
        EngineError.field("observation_id", "no observation \"\(id)\" in this profile", code: .notFound)
    }
}
