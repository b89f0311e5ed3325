#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Engine {
    /// The observations and summaries that matter for a query, ranked, with the profile's
    /// latest communications and its traits. `profileID` may be a merged-away id.
    ///
    /// With a query (or a conversation to build one from), items are ranked by a weighted
    /// mean of BM25, embedding cosine and recency (see `RecallConfiguration`), scores in
    /// [0, 1]. With neither, items come newest first (by occurred_at), unscored.
    ///
    /// The work is that of this profile alone: the profile is copied out of its shard in
    /// O(1) and ranked with no lock held, over indexes kept current by every write.
    public func recall(storeID: String, profileID: String, _ options: RecallOptions = RecallOptions())
        throws(EngineError)
        -> RecallResult
    {
        let started = Self.monotonicMicros()
        try requireIDs(["store_id": storeID, "profile_id": profileID])
        let query = try validate(options)
        let bases = try knowledgeBases(for: storeID, options)
        let profile = try readIndexedProfile(store: storeID, profile: profileID)
        return recall(in: profile, options, query, bases: bases, started: started)
    }

    /// Recall for the one profile holding an identifier (normalised as the store's settings
    /// say). Fails with `notFound` if none holds it, and `failedPrecondition` if several do
    /// (a non-unique type): then recall by profile id.
    public func recall(storeID: String, identifier: IdentifierInput, _ options: RecallOptions = RecallOptions())
        throws(EngineError) -> RecallResult
    {
        let started = Self.monotonicMicros()
        try requireIDs(["store_id": storeID, "identifier.type": identifier.type, "identifier.value": identifier.value])
        let query = try validate(options)
        let bases = try knowledgeBases(for: storeID, options)
        let found: LookupResult
        do {
            found = try lookupProfiles(storeID: storeID, type: identifier.type, value: identifier.value)
        } catch {
            // Name the fields as the request does: identifier.type, not type.
            var error = error
            error.fieldViolations = error.fieldViolations.map {
                $0.field == "store_id"
                    ? $0 : FieldViolation(field: "identifier." + $0.field, description: $0.description)
            }
            if let first = error.fieldViolations.first { error.message = "\(first.field): \(first.description)" }
            throw error
        }
        guard let profileID = found.profileIDs.first else {
            throw EngineError.field(
                "identifier", "no profile holds \(identifier.type) \"\(found.normalizedValue)\"", code: .notFound)
        }
        guard found.profileIDs.count == 1 else {
            throw EngineError.field(
                "identifier",
                "\(found.profileIDs.count) profiles hold \(identifier.type) \"\(found.normalizedValue)\"; recall by profile_id",
                code: .failedPrecondition)
        }
        let profile = try readIndexedProfile(store: storeID, profile: profileID)
        return recall(in: profile, options, query, bases: bases, started: started)
    }

    /// The knowledge bases a Recall searches (none unless it names some).
    private func knowledgeBases(for storeID: String, _ options: RecallOptions) throws(EngineError)
        -> [KnowledgeBaseBox]
    {
        guard !options.knowledgeBaseIDs.isEmpty else { return [] }
        return try knowledgeBases(storeID, options.knowledgeBaseIDs, field: "knowledge_base_ids")
    }

    /// Embeds the observations that came without an embedding, in one batch.
    func embeddings(for observations: [ObservationInput]) -> [[Float]?] {
        let missing = observations.indices.filter { observations[$0].embedding == nil }
        var result = observations.map(\.embedding)
        guard !missing.isEmpty else { return result }
        let vectors = configuration.recall.embedder.embed(missing.map { observations[$0].content })
        for (index, vector) in zip(missing, vectors) { result[index] = vector }
        return result
    }

    /// A client embedding must have the embedder's dimension, or its cosine means nothing.
    func checkEmbeddingDimensions(_ observations: [ObservationInput], into problems: inout Violations) {
        let embedder = configuration.recall.embedder
        for (i, item) in observations.enumerated() {
            if let embedding = item.embedding, !embedding.isEmpty, embedding.count != embedder.dimension {
                problems.add(
                    "observations[\(i)].embedding",
                    "must have \(embedder.dimension) dimensions, like the server's embedder (\(embedder.name)); got \(embedding.count)"
                )
            }
        }
    }

    // MARK: Private

    /// The checked query text (nil if none) after all stateless checks.
    private func validate(_ options: RecallOptions) throws(EngineError) -> String? {
        var problems = Violations()
        var query: String?
        if let text = options.query {
            if let length = text.lengthIfOver(1_024) {
                problems.add("query", "at most 1,024 characters; got \(length)")
            } else if !text.isBlank {
                query = text
            }
        }
        if let conversation = options.conversationID, !conversation.isEmpty,
            let problem = ObservationInput.conversationIDProblem(conversation)
        {
            problems.add("conversation_id", problem)
        }
        if let begin = options.occurred.begin, begin < 0 { problems.add("begin_us", "must not be before 1970-01-01") }
        if let end = options.occurred.end {
            if end < 0 {
                problems.add("end_us", "must not be before 1970-01-01")
            } else if let begin = options.occurred.begin, end <= begin {
                problems.add("end_us", "must be after begin_us (\(begin)); got \(end)")
            }
        }
        if !(0...20).contains(options.knowledgeLimit) {
            problems.add("knowledge_limit", "must be between 0 and 20; got \(options.knowledgeLimit)")
        }
        for (i, id) in options.knowledgeBaseIDs.enumerated() where id.isEmpty {
            problems.add("knowledge_base_ids[\(i)]", "must not be empty")
        }
        for (field, value) in [
            ("observations_limit", options.observationsLimit), ("summaries_limit", options.summariesLimit),
            ("communications_limit", options.communicationsLimit),
        ] where !(0...100).contains(value) {
            problems.add(field, "must be between 0 and 100; got \(value)")
        }
        let threshold = options.relevanceThreshold
        if !(threshold >= 0 && threshold <= 1) {
            problems.add("relevance_threshold", "must be between 0 and 1; got \(threshold)")
        }
        for (i, source) in options.sources.enumerated() {
            if let problem = ObservationInput.sourceProblem(source, limits: configuration.limits) {
                problems.add("sources[\(i)]", problem)
            }
        }
        if let embedding = options.queryEmbedding {
            let embedder = configuration.recall.embedder
            if embedding.count != embedder.dimension {
                problems.add(
                    "query_embedding",
                    "must have \(embedder.dimension) dimensions, like the server's embedder (\(embedder.name)); got \(embedding.count)"
                )
            } else if let bad = embedding.firstIndex(where: { !$0.isFinite }) {
                problems.add("query_embedding[\(bad)]", "must be a finite number")
            }
        }
        try problems.check()
        return query
    }

    private func recall(
        in profile: ProfileState, _ options: RecallOptions, _ query: String?, bases: [KnowledgeBaseBox],
        started: Int64
    ) -> RecallResult {
        let settings = configuration.recall
        let index = profile.indexed.recall
        let conversation = options.conversationID.flatMap { $0.isEmpty ? nil : $0 }
        var text = query ?? ""
        if query == nil, let conversation {
            let turns = profile.communications.filter { $0.conversationID == conversation }.suffix(
                max(0, settings.conversationTurns))
            text = turns.map(\.text).joined(separator: "\n")
        }
        let hasText = !text.isBlank
        let isRanked = hasText || options.queryEmbedding != nil

        var observations: [RecalledObservation] = []
        var summaries: [RecalledSummary] = []
        var ranked: [RecalledCommunication] = []
        var filter = RecallFilter(
            occurred: options.occurred, sources: Set(options.sources), includeInactive: options.includeSuperseded)
        if isRanked {
            // The query vectors. With an embedder that sums over words (hashed, static) and
            // reweighting on, each corpus embeds the query itself, its words weighted by their
            // idf there; otherwise one call here.
            let standard = HashedEmbedder.standard
            let reweight = settings.reweightQuery && hasText
            // The query is embedded by the embedder whose vectors this profile's matrix holds:
            // the configured one, or the built-in hashed one while a profile written under it
            // waits to be re-embedded. Another model's vectors get no semantic part until then.
            // A profile with no vectors at all costs no model run.
            let corpus = index.observations
            let space = corpus.space
            var queryEmbedder: (any Embedder)?
            if corpus.vectorCount == 0 {
                queryEmbedder = nil
            } else if space == nil || space == embedderIdentity {
                queryEmbedder = settings.embedder
            } else if space == HashedEmbedder.standardIdentity {
                queryEmbedder = standard
            }
            var observationVector = options.queryEmbedding
            var observationReweighting: (any TermWeightedQuery)?
            if observationVector == nil, hasText {
                if reweight, let weighted = queryEmbedder?.termWeightedQuery(text) {
                    observationReweighting = weighted
                } else {
                    observationVector = queryEmbedder?.embedQuery(text)
                }
            }
            let summaryVector = hasText && !reweight ? standard.embed(text) : nil
            var plan = RecallQueryPlan(text: text, observationVector: observationVector, summaryVector: summaryVector)
            plan.reweighting = observationReweighting
            let threshold = options.relevanceThreshold
            observations = index.observations.rank(
                plan, vector: plan.observationVector, filter: filter, limit: options.observationsLimit,
                threshold: threshold,
                configuration: settings, explain: options.explain
            ).compactMap { ranked in
                profile.observations[ranked.id].map {
                    RecalledObservation(
                        observation: $0.observation, score: ranked.score, explanation: ranked.explanation)
                }
            }
            filter.includeInactive = false
            // Summary vectors are always the standard hashed embedder's.
            if reweight {
                // Tokenized and hashed once when both corpora use the standard embedder.
                let hashed = observationReweighting as? HashedQueryFeatures
                plan.reweighting = hashed?.embedder == standard ? hashed : HashedQueryFeatures(text, embedder: standard)
            } else {
                plan.reweighting = nil
            }
            summaries = index.summaries.rank(
                plan, vector: plan.summaryVector, filter: filter, limit: options.summariesLimit, threshold: threshold,
                configuration: settings, explain: options.explain
            ).compactMap { ranked in
                profile.summaries[ranked.id].map {
                    RecalledSummary(summary: $0.summary, score: ranked.score, explanation: ranked.explanation)
                }
            }
            if options.rankCommunications {
                // Messages are ranked as summaries are (hashed vectors); sources name
                // observations' and summaries' origins, not channels, so they do not apply.
                var messages = filter
                messages.sources = []
                let byID = Dictionary(
                    profile.communications.lazy.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                ranked = index.communications.rank(
                    plan, vector: plan.summaryVector, filter: messages, limit: options.communicationsLimit,
                    threshold: threshold, configuration: settings, explain: options.explain
                ).compactMap { ranked in
                    byID[ranked.id].map {
                        RecalledCommunication(communication: $0, score: ranked.score, explanation: ranked.explanation)
                    }
                }
            }
        } else {
            observations = index.observations.newest(filter: filter, limit: options.observationsLimit).compactMap {
                profile.observations[$0.id].map {
                    RecalledObservation(observation: $0.observation, score: nil, explanation: nil)
                }
            }
            filter.includeInactive = false
            summaries = index.summaries.newest(filter: filter, limit: options.summariesLimit).compactMap {
                profile.summaries[$0.id].map { RecalledSummary(summary: $0.summary, score: nil, explanation: nil) }
            }
        }
        var communications: [Communication] = []
        if options.communicationsLimit > 0, !(isRanked && options.rankCommunications) {
            for communication in profile.communications.reversed()
            where conversation == nil || communication.conversationID == conversation {
                communications.append(communication)
                if communications.count == options.communicationsLimit { break }
            }
        }
        var result = RecallResult(
            profileID: profile.id, observations: observations, summaries: summaries, communications: communications,
            rankedCommunications: ranked, traits: profile.traits, effectiveQuery: hasText ? text : "",
            isRanked: isRanked, queryTimeMicros: 0)
        if !bases.isEmpty, hasText {
            let limit = options.knowledgeLimit == 0 ? 5 : options.knowledgeLimit
            result.knowledge = search(bases, text: text, limit: limit, explain: options.explain)
        }
        result.queryTimeMicros = max(0, Self.monotonicMicros() - started)
        return result
    }

    static func monotonicMicros() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
    }
}
