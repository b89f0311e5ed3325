extension ObservationInput {
    static func isSourceScalar(_ s: Unicode.Scalar) -> Bool {
        s.isASCIIAlphanumeric || s == " " || s == "_" || s == "." || s == "-"
    }

    static func isKeyScalar(_ s: Unicode.Scalar) -> Bool {
        s.isASCIIAlphanumeric || s == "_" || s == "." || s == "-" || s == ":"
    }

    /// Stateless checks; `path` is `observations[i]`.
    func validate(path: String, limits: EngineLimits, into problems: inout Violations) {
        if content.isBlank {
            problems.add(path + ".content", "required")
        } else if let length = content.lengthIfOver(limits.maxContentLength) {
            problems.add(path + ".content", "at most \(limits.maxContentLength) characters; got \(length)")
        }
        if let problem = Self.sourceProblem(source, limits: limits) { problems.add(path + ".source", problem) }
        if let occurredAt {
            if occurredAt < 0 { problems.add(path + ".occurred_at_us", "must not be before 1970-01-01") }
        } else {
            problems.add(path + ".occurred_at_us", "required")
        }
        Self.validateConversationIDs(conversationIDs, path: path + ".conversation_ids", limits: limits, into: &problems)
        if let subjectKey,
            let problem = subjectKey.tokenProblem(
                maxLength: 128, allowed: Self.isKeyScalar, allowedText: "letters, digits and _ . - :")
        {
            problems.add(path + ".subject", problem)
        }
        if let embedding {
            if embedding.isEmpty || embedding.count > limits.maxEmbeddingDimension {
                problems.add(
                    path + ".embedding",
                    "must have 1 to \(limits.maxEmbeddingDimension) dimensions; got \(embedding.count)")
            } else if let bad = embedding.firstIndex(where: { !$0.isFinite }) {
                problems.add(path + ".embedding[\(bad)]", "must be a finite number")
            }
        }
        if let idempotencyKey, let problem = idempotencyKey.plainTextProblem(maxLength: 128) {
            problems.add(path + ".idempotency_key", problem)
        }
        if communicationIDs.count > limits.maxCommunicationIDs {
            problems.add(
                path + ".communication_ids", "at most \(limits.maxCommunicationIDs); got \(communicationIDs.count)")
        }
        for (i, id) in communicationIDs.enumerated() {
            if let problem = CommunicationInput.idProblem(id) {
                problems.add(path + ".communication_ids[\(i)]", problem)
            }
        }
    }

    static func sourceProblem(_ source: String, limits: EngineLimits) -> String? {
        source.tokenProblem(
            maxLength: limits.maxSourceLength, allowed: isSourceScalar, allowedText: "letters, digits, space and _ . -")
    }

    static func validateConversationIDs(
        _ ids: [String], path: String, limits: EngineLimits, into problems: inout Violations
    ) {
        if ids.count > limits.maxConversationIDs {
            problems.add(path, "at most \(limits.maxConversationIDs); got \(ids.count)")
        }
        for (i, id) in ids.enumerated() {
            if let problem = conversationIDProblem(id) { problems.add("\(path)[\(i)]", problem) }
        }
    }

    static func conversationIDProblem(_ id: String) -> String? {
        if let problem = id.plainTextProblem(maxLength: 128) { return problem }
        return id.containsSpace ? "must not contain spaces" : nil
    }
}

extension SummaryInput {
    /// Stateless checks; `path` is `summaries[i]`.
    func validate(path: String, limits: EngineLimits, into problems: inout Violations) {
        if content.isBlank {
            problems.add(path + ".content", "required")
        } else if let length = content.lengthIfOver(limits.maxContentLength) {
            problems.add(path + ".content", "at most \(limits.maxContentLength) characters; got \(length)")
        }
        if let problem = ObservationInput.conversationIDProblem(conversationID) {
            problems.add(path + ".conversation_id", problem)
        }
        if let occurredAt {
            if occurredAt < 0 { problems.add(path + ".occurred_at_us", "must not be before 1970-01-01") }
        } else {
            problems.add(path + ".occurred_at_us", "required")
        }
        if let problem = ObservationInput.sourceProblem(source, limits: limits) {
            problems.add(path + ".source", problem)
        }
    }
}

extension CommunicationInput {
    /// A message id's problem, or nil: 1–128 characters, not blank.
    static func idProblem(_ id: String) -> String? {
        if id.isBlank { return "must not be blank" }
        if let length = id.lengthIfOver(128) { return "at most 128 characters; got \(length)" }
        return nil
    }

    /// Stateless checks; `path` is `communications[i]`.
    func validate(path: String, limits: EngineLimits, into problems: inout Violations) {
        if text.isBlank {
            problems.add(path + ".text", "required")
        } else if let length = text.lengthIfOver(limits.maxContentLength) {
            problems.add(path + ".text", "at most \(limits.maxContentLength) characters; got \(length)")
        }
        if let problem = ObservationInput.conversationIDProblem(conversationID) {
            problems.add(path + ".conversation_id", problem)
        }
        if let createdAt, createdAt < 0 { problems.add(path + ".created_at_us", "must not be before 1970-01-01") }
        if let clientID, let problem = Self.idProblem(clientID) { problems.add(path + ".id", problem) }
        if let length = authorAddress.lengthIfOver(256) {
            problems.add(path + ".author.address", "at most 256 characters; got \(length)")
        }
        if recipients.count > 20 {
            problems.add(path + ".recipients", "at most 20 recipients; got \(recipients.count)")
        }
        for (i, r) in recipients.enumerated() {
            if let length = r.address.lengthIfOver(256) {
                problems.add(path + ".recipients[\(i)].address", "at most 256 characters; got \(length)")
            }
        }
    }
}
