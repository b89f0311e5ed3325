import EngramWire

struct ObservationJSON: Encodable {
    var id: String
    var content: String
    var source: String
    var occurredAt: JSONTime?
    var conversationIds: [String]
    var subject: String?
    var createdAt: JSONTime?
    var updatedAt: JSONTime?
    var mentionCount: UInt32
    var status: JSONEnum<Wire.ObservationStatus>
    var supersededBy: String?
    var idempotencyKey: String?
    var communicationIds: [String]
    // Recall's additions.
    var score: Float?
    var explanation: ExplanationJSON?

    init(_ o: Wire.Observation?) {
        let o = o ?? Wire.Observation()
        id = o.id
        content = o.content
        source = o.source
        occurredAt = o.occurredAtUs.time
        conversationIds = o.conversationIds
        subject = o.subject.isEmpty ? nil : o.subject
        createdAt = o.createdAtUs.time
        updatedAt = o.updatedAtUs.time
        mentionCount = o.mentionCount
        status = o.status.json
        supersededBy = o.supersededBy.isEmpty ? nil : o.supersededBy
        idempotencyKey = o.idempotencyKey.isEmpty ? nil : o.idempotencyKey
        communicationIds = o.communicationIds
    }
}

struct ExplanationJSON: Encodable {
    var lexical: Float
    var semantic: Float
    var recency: Float
    var lexicalRank: UInt32
    var semanticRank: UInt32
    var matchedTerms: [String]

    init?(_ e: Wire.ScoreExplanation?) {
        guard let e else { return nil }
        lexical = e.lexical
        semantic = e.semantic
        recency = e.recency
        lexicalRank = e.lexicalRank
        semanticRank = e.semanticRank
        matchedTerms = e.matchedTerms
    }
}

struct NewObservationJSON: Decodable {
    var content: String?
    var source: String?
    var occurredAt: JSONTime?
    var conversationIds: [String]?
    var subject: String?
    var idempotencyKey: String?
    var embedding: [Double]?
    var communicationIds: [String]?

    func wire(_ path: String) throws(APIError) -> Wire.NewObservation {
        var o = Wire.NewObservation()
        o.content = content ?? ""
        o.source = source ?? ""
        o.occurredAtUs = occurredAt?.us ?? 0
        o.conversationIds = conversationIds ?? []
        o.subject = subject ?? ""
        o.idempotencyKey = idempotencyKey ?? ""
        o.embedding = try floats(embedding, "\(path).embedding")
        o.communicationIds = communicationIds ?? []
        return o
    }
}

struct CreateObservationsBody: Decodable {
    var observations: [NewObservationJSON]

    func wire() throws(APIError) -> [Wire.NewObservation] {
        var out: [Wire.NewObservation] = []
        for (i, o) in observations.enumerated() { out.append(try o.wire("observations[\(i)]")) }
        return out
    }
}

/// A vector in JSON (numbers of any size, read as Double) as the wire's floats: each must be
/// finite as a Float. Foundation's decoder rejects a number a Float cannot hold exactly with no
/// field named, so vectors are read as Doubles and checked here.
func floats(_ values: [Double]?, _ path: String) throws(APIError) -> [Float] {
    guard let values else { return [] }
    var out = [Float]()
    out.reserveCapacity(values.count)
    for (i, v) in values.enumerated() {
        let f = Float(v)
        guard f.isFinite else {
            throw APIError.invalid("\(path)[\(i)]", "must be a finite number within Float's range")
        }
        out.append(f)
    }
    return out
}

struct ObservationResultJSON: Encodable {
    var id: String
    var outcome: JSONEnum<Wire.ObserveOutcome>
    var relatedObservationId: String?
    var replayed: Bool

    init(_ r: Wire.ObservationResult) {
        id = r.observationId
        outcome = r.outcome.json
        relatedObservationId = r.relatedObservationId.isEmpty ? nil : r.relatedObservationId
        replayed = r.replayed
    }
}

struct CreatedObservationsJSON: Encodable {
    var profileId: String
    var observations: [ObservationResultJSON]
}

struct RevisionJSON: Encodable {
    var revision: UInt32
    var kind: JSONEnum<Wire.RevisionKind>
    var conversationId: String?
    var changedAt: JSONTime?
    var previous: ObservationJSON

    init(_ r: Wire.ObservationRevision) {
        revision = r.revision
        kind = r.kind.json
        conversationId = r.conversationId.isEmpty ? nil : r.conversationId
        changedAt = r.changedAtUs.time
        previous = ObservationJSON(r.previous)
    }
}

struct RevisionsJSON: Encodable {
    var current: ObservationJSON
    var revisions: [RevisionJSON]
    var meta: PageMeta
}

struct SummaryJSON: Encodable {
    var id: String
    var content: String
    var conversationId: String
    var occurredAt: JSONTime?
    var source: String?
    var createdAt: JSONTime?
    var updatedAt: JSONTime?
    var score: Float?
    var explanation: ExplanationJSON?

    init(_ s: Wire.Summary?) {
        let s = s ?? Wire.Summary()
        id = s.id
        content = s.content
        conversationId = s.conversationId
        occurredAt = s.occurredAtUs.time
        source = s.source.isEmpty ? nil : s.source
        createdAt = s.createdAtUs.time
        updatedAt = s.updatedAtUs.time
    }
}

struct NewSummaryJSON: Decodable {
    var content: String?
    var conversationId: String?
    var occurredAt: JSONTime?
    var source: String?

    var wire: Wire.NewSummary {
        var s = Wire.NewSummary()
        s.content = content ?? ""
        s.conversationId = conversationId ?? ""
        s.occurredAtUs = occurredAt?.us ?? 0
        s.source = source ?? ""
        return s
    }
}

struct CreateSummariesBody: Decodable {
    var summaries: [NewSummaryJSON]
}

struct CreatedSummariesJSON: Encodable {
    var profileId: String
    var summaries: [Created]
    struct Created: Encodable { var id: String }
}

/// A communication as the hosted product's Recall returns one.
struct CommunicationJSON: Encodable {
    var id: String
    var conversationId: String?
    var author: Participant
    var recipients: [Participant]
    var content: Content
    var createdAt: JSONTime?
    // Recall's additions, for ranked messages.
    var score: Float?
    var explanation: ExplanationJSON?

    struct Participant: Encodable {
        var type: JSONEnum<Wire.ParticipantType>
        var address: String
        var channel: JSONEnum<Wire.Channel>
    }
    struct Content: Encodable { var text: String }

    init(_ c: Wire.Communication) {
        id = c.id
        conversationId = c.conversationId.isEmpty ? nil : c.conversationId
        let author = c.author ?? Wire.Participant()
        self.author = Participant(type: author.type.json, address: author.address, channel: c.channel.json)
        recipients = c.recipients.map { Participant(type: $0.type.json, address: $0.address, channel: c.channel.json) }
        content = Content(text: c.text)
        createdAt = c.createdAtUs.time
    }
}
