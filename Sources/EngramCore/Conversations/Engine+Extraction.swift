/// A conversation being extracted, named as the store's directory names it.
struct ExtractionSlot: Hashable, Sendable {
    var storeID: String
    var conversationID: String
}

/// Extractions under way, and totals since start (not state: a restart clears them).
struct ExtractionBook: Sendable {
    var inFlight: Set<ExtractionSlot> = []
    var completed = 0
    var failed = 0
    /// Sum and most of the times from close to the recorded result (µs).
    var totalLatency: Int64 = 0
    var maxLatency: Int64 = 0
}

/// What an extractor works from.
public struct ExtractionJob: Sendable, Hashable {
    /// The conversation, its canonical profile included.
    public var key: ConversationKey
    /// The store's extractor.
    public var extractor: ExtractorKind
    /// All the conversation's messages, by time.
    public var messages: [Communication]
    /// The ids of the messages the extractor has not yet seen; the others were extracted
    /// before by the same extractor (its observations stand).
    public var newMessageIDs: Set<String>
    /// How many messages (in append order) the job covers.
    public var messageCount: Int
    /// The profile's active observations: what the new facts are reconciled against.
    public var activeObservations: [Observation]
    /// The conversation's current summary, if any.
    public var summary: String?
    /// When the conversation closed (µs).
    public var closedAt: Int64

    public init(
        key: ConversationKey, extractor: ExtractorKind, messages: [Communication], newMessageIDs: Set<String>,
        messageCount: Int, activeObservations: [Observation], summary: String?, closedAt: Int64
    ) {
        self.key = key
        self.extractor = extractor
        self.messages = messages
        self.newMessageIDs = newMessageIDs
        self.messageCount = messageCount
        self.activeObservations = activeObservations
        self.summary = summary
        self.closedAt = closedAt
    }
}

/// Extraction's counters, for ServerInfo and /metrics.
public struct ExtractionStats: Sendable, Hashable {
    /// Closed conversations waiting for an extractor.
    public var pending: Int
    /// Extractions under way.
    public var running: Int
    public var completed: Int
    public var failed: Int
    /// Mean and most of the times from close to result (µs).
    public var meanLatency: Int64
    public var maxLatency: Int64
}

extension Engine {
    /// The closed conversations waiting for extraction, across stores (by store, then id).
    /// Stores whose extractor is `none` are left out: theirs wait until it changes.
    public func pendingExtractions() -> [ConversationKey] {
        var keys: [ConversationKey] = []
        for identity in extractingIdentities() {
            identity.conversations.withLock { directory in
                for id in directory.pending {
                    if let owner = directory.profiles[id] {
                        keys.append(ConversationKey(storeID: identity.storeID, profileID: owner, conversationID: id))
                    }
                }
            }
        }
        return keys.sorted { ($0.storeID, $0.conversationID) < ($1.storeID, $1.conversationID) }
    }

    /// The identity locks of the stores that run an extractor.
    func extractingIdentities() -> [StoreIdentity] {
        catalog.withLock { catalog in
            catalog.stores.values.filter { $0.conversationSettings.extractor != .none }.compactMap {
                catalog.identities[$0.id]
            }
        }
    }

    /// Takes a closed conversation for extraction by `extractorName` (e.g. "rules/1"): it
    /// shows as EXTRACTING until `finishExtraction` or `abandonExtraction`. Nil when it is not
    /// closed any more, is taken already, or its store runs no extractor.
    public func beginExtraction(_ key: ConversationKey, extractorName: (ExtractorKind) -> String) -> ExtractionJob? {
        guard let store = try? getStore(key.storeID), store.conversationSettings.extractor != .none,
            let profile = try? readProfile(store: key.storeID, profile: key.profileID),
            let conversation = profile.conversations[key.conversationID], conversation.state == .closed
        else { return nil }
        let slot = ExtractionSlot(storeID: key.storeID, conversationID: key.conversationID)
        guard extractions.withLock({ $0.inFlight.insert(slot).inserted }) else { return nil }
        let kind = store.conversationSettings.extractor
        let start = conversation.extractor == extractorName(kind) ? conversation.extractedMessageCount : 0
        let ids = Set(conversation.messageIDs)
        return ExtractionJob(
            key: ConversationKey(storeID: key.storeID, profileID: profile.id, conversationID: key.conversationID),
            extractor: kind,
            messages: profile.communications.filter { $0.conversationID == key.conversationID && ids.contains($0.id) },
            newMessageIDs: Set(conversation.messageIDs[min(start, conversation.messageIDs.count)...]),
            messageCount: conversation.messageIDs.count,
            activeObservations: profile.observations.values.lazy.map(\.observation).filter { $0.status == .active }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) },
            summary: profile.summaries[key.conversationID]?.summary.content,
            closedAt: conversation.closedAt)
    }

    /// Gives a job back unfinished (the server is stopping): the conversation stays CLOSED
    /// and is extracted after the restart.
    public func abandonExtraction(_ job: ExtractionJob) {
        _ = extractions.withLock {
            $0.inFlight.remove(ExtractionSlot(storeID: job.key.storeID, conversationID: job.key.conversationID))
        }
    }

    /// Records what the extractor made of a job: its observations go through reconciliation
    /// as Observe's do, each carrying the conversation id, and the summary replaces the
    /// conversation's. Output that breaks a rule (an empty fact, a bad subject) fails the
    /// whole extraction with the reason, and nothing of it is written. With `failure`, the
    /// conversation ends FAILED with it.
    @discardableResult
    public func finishExtraction(
        _ job: ExtractionJob, extractorName: String, output: ExtractionOutput?, failure: String? = nil
    ) throws(EngineError) -> ExtractionResult {
        let slot = ExtractionSlot(storeID: job.key.storeID, conversationID: job.key.conversationID)
        defer { _ = extractions.withLock { $0.inFlight.remove(slot) } }
        var failure = failure
        var observations: [ObservationInput] = []
        var summary: Command.NewSummary?
        let at = now()
        if failure == nil, let output {
            var problems = Violations()
            for (i, item) in output.observations.enumerated() {
                var item = item
                if !item.conversationIDs.contains(job.key.conversationID) {
                    item.conversationIDs.insert(job.key.conversationID, at: 0)
                }
                item.validate(path: "observations[\(i)]", limits: configuration.limits, into: &problems)
                observations.append(item)
            }
            checkEmbeddingDimensions(observations, into: &problems)
            if let text = output.summary {
                let input = SummaryInput(
                    content: text, conversationID: job.key.conversationID,
                    occurredAt: job.messages.last?.createdAt ?? at,
                    source: "extractor")
                input.validate(path: "summary", limits: configuration.limits, into: &problems)
                summary = Command.NewSummary(
                    id: newID(.summary), content: text, conversationID: job.key.conversationID,
                    occurredAt: input.occurredAt!, source: input.source)
            }
            if let first = problems.items.first {
                failure = "the extractor's output broke a rule: \(first.field): \(first.description)"
            }
        } else if failure == nil {
            failure = "the extractor returned nothing"
        }
        if failure != nil {
            observations = []
            summary = nil
        }
        let embeddings = embeddings(for: observations)
        let embedder = embedderIdentity
        let command = Command.RecordExtraction(
            storeID: job.key.storeID, profileID: job.key.profileID, conversationID: job.key.conversationID,
            extractor: extractorName, messageCount: job.messageCount,
            observations: zip(observations, embeddings).map {
                Command.NewObservation(
                    id: newID(.observation), content: $0.content, source: $0.source, occurredAt: $0.occurredAt!,
                    conversationIDs: $0.conversationIDs, subjectKey: $0.subjectKey, embedding: $1,
                    idempotencyKey: $0.idempotencyKey, embedder: $0.embedding == nil ? embedder : nil,
                    communicationIDs: $0.communicationIDs)
            },
            summary: summary, failure: failure.map { String($0.prefix(1_000)) }, at: at)
        guard case .extracted(let result) = try apply(.recordExtraction(command), .live) else {
            throw .unexpectedOutput
        }
        let latency = max(0, at - job.closedAt)
        extractions.withLock { book in
            if failure == nil { book.completed += 1 } else { book.failed += 1 }
            book.totalLatency += latency
            book.maxLatency = max(book.maxLatency, latency)
        }
        return result
    }

    /// Extraction's counters.
    public func extractionStats() -> ExtractionStats {
        let pending = extractingIdentities().reduce(0) { sum, identity in
            sum + identity.conversations.withLock { $0.pending.count }
        }
        return extractions.withLock { book in
            let finished = book.completed + book.failed
            return ExtractionStats(
                pending: max(0, pending - book.inFlight.count), running: book.inFlight.count,
                completed: book.completed, failed: book.failed,
                meanLatency: finished > 0 ? book.totalLatency / Int64(finished) : 0, maxLatency: book.maxLatency)
        }
    }

    // MARK: Apply

    func applyRecordExtraction(_ c: Command.RecordExtraction, _ mode: ApplyMode) throws(EngineError)
        -> ExtractionResult
    {
        guard let identity = identity(of: c.storeID) else { throw .storeNotFound(c.storeID) }
        let fingerprints = c.observations.map { TextFingerprint($0.content) }
        // Pure functions of the command: computed before taking the lock. A vector the log
        // leaves out (the built-in hashed embedder's) is rebuilt from the text, as replay does.
        let semantic = SemanticDuplicates(
            vectors: c.observations.map { o in
                o.embedding
                    ?? (EmbedderIdentity.isRebuiltFromText(o.embedder) ? HashedEmbedder.standard.embed(o.content) : nil)
            }, threshold: configuration.semanticDuplicateThreshold)
        return try withProfile(store: c.storeID, profile: c.profileID) {
            (state: inout ShardState, id: String) throws(EngineError) -> ExtractionResult in
            guard state.profile(store: c.storeID, id: id)!.conversations[c.conversationID] != nil else {
                throw Self.conversationNotFound(c.conversationID)
            }
            let (conversation, outcomes) = state.update(store: c.storeID, id: id) {
                profile -> (Conversation, [ObservationOutcome]) in
                var outcomes: [ObservationOutcome] = []
                if c.failure == nil {
                    // A summary the same as the current one is not written again (no revision).
                    let summaries =
                        c.summary.map {
                            profile.summaries[c.conversationID]?.summary.content == $0.content ? [] : [$0]
                        } ?? []
                    let observe = Command.Observe(
                        storeID: c.storeID, profileID: id, observations: c.observations, summaries: summaries,
                        communications: [], at: c.at)
                    let output = profile.observe(
                        observe, fingerprints: fingerprints, window: configuration.communicationsWindow,
                        maxConversationIDs: configuration.limits.maxConversationIDs,
                        maxRevisions: configuration.limits.maxRevisions, semantic: semantic)
                    outcomes = output.outcomes
                }
                var conversation = profile.conversations[c.conversationID]!
                conversation.updatedAt = c.at
                if let failure = c.failure {
                    conversation.error = failure
                    if conversation.state == .closed { conversation.state = .failed }
                } else {
                    for outcome in outcomes where !conversation.observationIDs.contains(outcome.observationID) {
                        conversation.observationIDs.append(outcome.observationID)
                    }
                    if let summary = profile.summaries[c.conversationID], c.summary != nil {
                        conversation.summaryID = summary.summary.id
                    }
                    conversation.error = nil
                    conversation.extractor = c.extractor
                    conversation.extractedAt = c.at
                    conversation.extractedMessageCount = min(c.messageCount, conversation.messageIDs.count)
                    if conversation.state == .closed || conversation.state == .failed {
                        conversation.state = .extracted
                    }
                }
                profile.conversations[c.conversationID] = conversation
                profile.updatedAt = c.at
                return (conversation, outcomes)
            }!
            identity.conversations.withLock { $0.register(conversation, profileID: id) }
            var logged = c
            logged.profileID = id
            var presented = conversation
            presented.profileID = id
            return ExtractionResult(
                conversation: presented, outcomes: outcomes, logPosition: record(.recordExtraction(logged), mode))
        }
    }
}
