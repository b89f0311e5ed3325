import EngramCore
import EngramWire

// The Memory domain's mappings between the wire's messages and the engine's values: the only
// place they meet for observations, summaries, communications and recall.

extension Wire.ObserveRequest {
    /// The engine's inputs; a communication without an author, or with an unknown type or
    /// channel, is INVALID_ARGUMENT naming its field.
    func engineInputs() throws(ServiceError) -> (
        observations: [ObservationInput], summaries: [SummaryInput], communications: [CommunicationInput]
    ) {
        let observations = self.observations.map { o in
            ObservationInput(
                content: o.content, source: o.source, occurredAt: o.occurredAtUs == 0 ? nil : o.occurredAtUs,
                conversationIDs: o.conversationIds, subjectKey: o.subject.isEmpty ? nil : o.subject,
                embedding: o.embedding.isEmpty ? nil : o.embedding,
                idempotencyKey: o.idempotencyKey.isEmpty ? nil : o.idempotencyKey,
                communicationIDs: o.communicationIds)
        }
        let summaries = self.summaries.map { s in
            SummaryInput(
                content: s.content, conversationID: s.conversationId,
                occurredAt: s.occurredAtUs == 0 ? nil : s.occurredAtUs, source: s.source)
        }
        return (observations, summaries, try engineCommunications(self.communications))
    }
}

/// The engine's inputs for messages; one without an author, or with an unknown type or
/// channel, is INVALID_ARGUMENT naming its field.
func engineCommunications(_ list: [Wire.Communication]) throws(ServiceError) -> [CommunicationInput] {
    var communications: [CommunicationInput] = []
    communications.reserveCapacity(list.count)
    for (i, c) in list.enumerated() {
        let path = "communications[\(i)]"
        guard let author = c.author else { throw ServiceError.invalid("\(path).author", "is required") }
        var recipients: [CommunicationParticipant] = []
        for (j, p) in c.recipients.enumerated() {
            recipients.append(
                CommunicationParticipant(
                    type: try engineAuthor(p.type, field: "\(path).recipients[\(j)].type"), address: p.address))
        }
        var input = CommunicationInput(
            authorType: try engineAuthor(author.type, field: "\(path).author.type"),
            channel: try engineChannel(c.channel, field: "\(path).channel"), text: c.text,
            conversationID: c.conversationId, createdAt: c.createdAtUs == 0 ? nil : c.createdAtUs)
        input.clientID = c.id.isEmpty ? nil : c.id
        input.authorAddress = author.address
        input.recipients = recipients
        communications.append(input)
    }
    return communications
}

extension Wire.ObserveResponse {
    init(_ result: ObserveResult) {
        self.init()
        results = result.observations.map { o in
            var w = Wire.ObservationResult()
            w.observationId = o.observationID
            w.outcome =
                switch o.kind {
                case .added: .added
                case .duplicate: .duplicate
                case .superseded: .superseded
                }
            w.relatedObservationId = o.replacedID ?? (o.kind == .duplicate ? o.observationID : "")
            w.replayed = o.isRetry
            return w
        }
        summaryIds = result.summaryIDs
        communicationIds = result.communicationIDs
        profileId = result.profileID
        logSequence = result.logPosition
    }
}

extension Wire.ListObservationsRequest {
    /// The filter; an unknown status is INVALID_ARGUMENT.
    func engineFilter() throws(ServiceError) -> ObservationFilter {
        var filter = ObservationFilter()
        filter.source = source.isEmpty ? nil : source
        filter.conversationID = conversationId.isEmpty ? nil : conversationId
        if createdAfterUs != 0 || createdBeforeUs != 0 {
            filter.created = TimeRange(
                begin: createdAfterUs == 0 ? nil : createdAfterUs,
                end: createdBeforeUs == 0 ? nil : createdBeforeUs)
        }
        if occurredAfterUs != 0 || occurredBeforeUs != 0 {
            filter.occurred = TimeRange(
                begin: occurredAfterUs == 0 ? nil : occurredAfterUs,
                end: occurredBeforeUs == 0 ? nil : occurredBeforeUs)
        }
        switch status {
        case .unspecified: filter.status = nil
        case .active: filter.status = .active
        case .superseded: filter.status = .superseded
        default: throw ServiceError.invalid("status", "unknown value \(status.rawValue)")
        }
        return filter
    }
}

extension Wire.ListObservationRevisionsResponse {
    init(_ history: ObservationHistory) {
        self.init()
        current = Wire.Observation(withoutVector: history.observation)
        let count = history.revisions.count
        revisions = history.revisions.enumerated().map { (i, rev) in
            var w = Wire.ObservationRevision()
            w.revision = UInt32(count - i)
            w.previous = Wire.Observation(withoutVector: rev.prior)
            w.kind =
                switch rev.reason {
                case .duplicate: .mentioned
                case .superseded: .superseded
                }
            w.conversationId = rev.conversationIDs.first ?? ""
            w.changedAtUs = rev.recordedAt
            return w
        }
    }
}

extension Wire.DeletionReceipt {
    init(_ receipt: ObservationDeletionReceipt) {
        self.init()
        observations = 1
        revisions = UInt64(receipt.revisionsErased)
        logSequence = receipt.logPosition
        erasedAtUs = receipt.erasedAt
    }
}

extension Wire.RecallRequest {
    /// The engine's options; a profile must be named by its id or by an identifier, not both.
    func engineOptions() throws(ServiceError) -> RecallOptions {
        if profileId.isEmpty && identifier == nil {
            throw ServiceError.invalid("profile_id", "is required (or give identifier)")
        }
        if !profileId.isEmpty && identifier != nil {
            throw ServiceError.invalid("identifier", "give profile_id or identifier, not both")
        }
        return RecallOptions(
            query: query.isEmpty ? nil : query, conversationID: conversationId.isEmpty ? nil : conversationId,
            occurred: TimeRange(begin: beginUs == 0 ? nil : beginUs, end: endUs == 0 ? nil : endUs),
            observationsLimit: observationsLimit.map { Int($0) } ?? 20,
            summariesLimit: summariesLimit.map { Int($0) } ?? 5,
            communicationsLimit: communicationsLimit.map { Int($0) } ?? 0,
            relevanceThreshold: Double(relevanceThreshold),
            sources: sources, includeSuperseded: includeSuperseded, explain: explain,
            queryEmbedding: queryEmbedding.isEmpty ? nil : queryEmbedding, rankCommunications: rankCommunications,
            knowledgeBaseIDs: knowledgeBaseIds, knowledgeLimit: knowledgeLimit.map { Int($0) } ?? 0)
    }
}

extension Wire.RecallResponse {
    init(_ result: RecallResult) {
        self.init()
        observations = result.observations.map { item in
            var w = Wire.ScoredObservation()
            w.observation = Wire.Observation(withoutVector: item.observation)
            w.score = Float(item.score ?? 0)
            w.explanation = item.explanation.map(Wire.ScoreExplanation.init)
            return w
        }
        summaries = result.summaries.map { item in
            var w = Wire.ScoredSummary()
            w.summary = Wire.Summary(item.summary)
            w.score = Float(item.score ?? 0)
            w.explanation = item.explanation.map(Wire.ScoreExplanation.init)
            return w
        }
        communications = result.communications.map(Wire.Communication.init)
        rankedCommunications = result.rankedCommunications.map { item in
            var w = Wire.ScoredCommunication()
            w.communication = Wire.Communication(item.communication)
            w.score = Float(item.score)
            w.explanation = item.explanation.map(Wire.ScoreExplanation.init)
            return w
        }
        traits = wireTraits(result.traits)
        profileId = result.profileID
        queryTimeUs = result.queryTimeMicros
        effectiveQuery = result.effectiveQuery
        knowledge = result.knowledge.map(Wire.ScoredKnowledgeChunk.init)
    }
}

extension Wire.Observation {
    /// An observation as answers carry it: without its embedding. Every observation holds one
    /// (the client's, or the one the server's embedder made at Observe time), and a few
    /// hundred floats would dwarf the text in every listing and Recall answer; the client has
    /// its own vectors already, and the server's are an internal detail of its ranking.
    init(withoutVector o: Observation) {
        self.init(o)
        embedding = []
    }
}

extension Wire.ScoreExplanation {
    init(_ e: RecallExplanation) {
        self.init()
        lexical = Float(e.lexical)
        semantic = Float(e.semantic)
        recency = Float(e.recency)
        lexicalRank = UInt32(clamping: e.lexicalRank)
        semanticRank = UInt32(clamping: e.semanticRank)
        matchedTerms = e.matchedTerms
    }
}
