import EngramCore
import EngramWire

extension Dispatcher {
    func observe(_ r: ObserveRequest, _ context: RequestContext) throws(ServiceError) -> (ObserveResponse, UInt64) {
        try requireField(r.profileId, "profile_id")
        let observations = r.observations.map { o in
            ObservationInput(
                content: o.content, source: o.source, occurredAt: o.occurredAtUs == 0 ? nil : o.occurredAtUs,
                conversationIDs: o.conversationIds, subjectKey: o.subject.isEmpty ? nil : o.subject,
                embedding: o.embedding.isEmpty ? nil : o.embedding,
                idempotencyKey: o.idempotencyKey.isEmpty ? nil : o.idempotencyKey)
        }
        let summaries = r.summaries.map { s in
            SummaryInput(
                content: s.content, conversationID: s.conversationId,
                occurredAt: s.occurredAtUs == 0 ? nil : s.occurredAtUs, source: s.source)
        }
        var communications: [CommunicationInput] = []
        for (i, c) in r.communications.enumerated() {
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
        let result = try engineCall { () throws(EngineError) in
            try engine.observe(
                storeID: r.storeId, profileID: r.profileId, observations: observations, summaries: summaries,
                communications: communications)
        }
        var response = ObserveResponse()
        response.results = result.observations.map { o in
            var w = ObservationResult()
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
        response.summaryIds = result.summaryIDs
        response.communicationIds = result.communicationIDs
        response.profileId = result.profileID
        response.logSequence = result.logPosition
        return (response, result.logPosition)
    }

    func listObservations(_ r: ListObservationsRequest, _ context: RequestContext) throws(ServiceError)
        -> ListObservationsResponse
    {
        try requireField(r.profileId, "profile_id")
        var filter = ObservationFilter()
        filter.source = r.source.isEmpty ? nil : r.source
        filter.conversationID = r.conversationId.isEmpty ? nil : r.conversationId
        if r.createdAfterUs != 0 || r.createdBeforeUs != 0 {
            filter.created = TimeRange(
                begin: r.createdAfterUs == 0 ? nil : r.createdAfterUs,
                end: r.createdBeforeUs == 0 ? nil : r.createdBeforeUs)
        }
        if r.occurredAfterUs != 0 || r.occurredBeforeUs != 0 {
            filter.occurred = TimeRange(
                begin: r.occurredAfterUs == 0 ? nil : r.occurredAfterUs,
                end: r.occurredBeforeUs == 0 ? nil : r.occurredBeforeUs)
        }
        switch r.status {
        case .unspecified: filter.status = nil
        case .active: filter.status = .active
        case .superseded: filter.status = .superseded
        default: throw ServiceError.invalid("status", "unknown value \(r.status.rawValue)")
        }
        let page = try engineCall { () throws(EngineError) in
            try engine.listObservations(
                storeID: r.storeId, profileID: r.profileId, filter: filter, pageSize: Int(r.pageSize),
                pageToken: r.pageToken.isEmpty ? nil : r.pageToken)
        }
        var response = ListObservationsResponse()
        response.observations = page.observations.map(EngramWire.Observation.init(withoutVector:))
        response.nextPageToken = page.nextPageToken ?? ""
        response.profileId = page.profileID
        return response
    }

    func listObservationRevisions(_ r: ListObservationRevisionsRequest, _ context: RequestContext) throws(ServiceError)
        -> ListObservationRevisionsResponse
    {
        try requireField(r.profileId, "profile_id")
        try requireField(r.observationId, "observation_id")
        let history = try engineCall { () throws(EngineError) in
            try engine.listObservationRevisions(
                storeID: r.storeId, profileID: r.profileId, observationID: r.observationId)
        }
        var response = ListObservationRevisionsResponse()
        response.current = EngramWire.Observation(withoutVector: history.observation)
        let count = history.revisions.count
        response.revisions = history.revisions.enumerated().map { (i, rev) in
            var w = EngramWire.ObservationRevision()
            w.revision = UInt32(count - i)
            w.previous = EngramWire.Observation(withoutVector: rev.prior)
            w.kind =
                switch rev.reason {
                case .duplicate: .mentioned
                case .superseded: .superseded
                }
            w.conversationId = rev.conversationIDs.first ?? ""
            w.changedAtUs = rev.recordedAt
            return w
        }
        return response
    }

    func deleteObservation(_ r: DeleteObservationRequest, _ context: RequestContext) throws(ServiceError) -> (
        DeleteObservationResponse, UInt64
    ) {
        try requireField(r.profileId, "profile_id")
        try requireField(r.observationId, "observation_id")
        let receipt = try engineCall { () throws(EngineError) in
            try engine.deleteObservation(storeID: r.storeId, profileID: r.profileId, observationID: r.observationId)
        }
        var w = DeletionReceipt()
        w.observations = 1
        w.revisions = UInt64(receipt.revisionsErased)
        w.logSequence = receipt.logPosition
        w.erasedAtUs = receipt.erasedAt
        var response = DeleteObservationResponse()
        response.receipt = w
        return (response, receipt.logPosition)
    }

    func recall(_ r: RecallRequest, _ context: RequestContext) throws(ServiceError) -> RecallResponse {
        if r.profileId.isEmpty && r.identifier == nil {
            throw ServiceError.invalid("profile_id", "is required (or give identifier)")
        }
        if !r.profileId.isEmpty && r.identifier != nil {
            throw ServiceError.invalid("identifier", "give profile_id or identifier, not both")
        }
        let options = RecallOptions(
            query: r.query.isEmpty ? nil : r.query, conversationID: r.conversationId.isEmpty ? nil : r.conversationId,
            occurred: TimeRange(begin: r.beginUs == 0 ? nil : r.beginUs, end: r.endUs == 0 ? nil : r.endUs),
            observationsLimit: r.observationsLimit.map { Int($0) } ?? 20,
            summariesLimit: r.summariesLimit.map { Int($0) } ?? 5,
            communicationsLimit: r.communicationsLimit.map { Int($0) } ?? 0,
            relevanceThreshold: Double(r.relevanceThreshold),
            sources: r.sources, includeSuperseded: r.includeSuperseded, explain: r.explain,
            queryEmbedding: r.queryEmbedding.isEmpty ? nil : r.queryEmbedding)
        let result = try engineCall { () throws(EngineError) in
            if let identifier = r.identifier {
                try engine.recall(
                    storeID: r.storeId, identifier: IdentifierInput(type: identifier.type, value: identifier.value),
                    options)
            } else {
                try engine.recall(storeID: r.storeId, profileID: r.profileId, options)
            }
        }
        var response = RecallResponse()
        response.observations = result.observations.map { item in
            var w = EngramWire.ScoredObservation()
            w.observation = EngramWire.Observation(withoutVector: item.observation)
            w.score = Float(item.score ?? 0)
            w.explanation = item.explanation.map(EngramWire.ScoreExplanation.init)
            return w
        }
        response.summaries = result.summaries.map { item in
            var w = EngramWire.ScoredSummary()
            w.summary = EngramWire.Summary(item.summary)
            w.score = Float(item.score ?? 0)
            w.explanation = item.explanation.map(EngramWire.ScoreExplanation.init)
            return w
        }
        response.communications = result.communications.map(EngramWire.Communication.init)
        response.traits = wireTraits(result.traits)
        response.profileId = result.profileID
        response.queryTimeUs = result.queryTimeMicros
        response.effectiveQuery = result.effectiveQuery
        return response
    }
}

extension EngramWire.Observation {
    /// An observation as answers carry it: without its embedding. Every observation holds one
    /// (the client's, or the one the server's embedder made at Observe time), and a few
    /// hundred floats would dwarf the text in every listing and Recall answer; the client has
    /// its own vectors already, and the server's are an internal detail of its ranking.
    init(withoutVector o: EngramCore.Observation) {
        self.init(o)
        embedding = []
    }
}

extension EngramWire.ScoreExplanation {
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
