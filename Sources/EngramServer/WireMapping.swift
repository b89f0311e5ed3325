import EngramCore
import EngramWire

// Conversions between the wire's messages and the engine's values. The wire layer knows nothing
// of the engine's rules and the engine nothing of bytes. This file maps stores, profiles, traits,
// identity settings, channels and participants; WireMapping+Memory.swift maps observations,
// summaries, communications and recall.

@inline(__always)
func engineCall<T>(_ body: () throws(EngineError) -> T) throws(ServiceError) -> T {
    do { return try body() } catch { throw ServiceError(error) }
}

func requireField(_ value: String, _ field: String) throws(ServiceError) {
    if value.isEmpty { throw ServiceError.invalid(field, "is required") }
}

extension Wire.Store {
    init(_ s: Store) {
        self.init()
        id = s.id
        displayName = s.displayName
        description = s.description
        createdAtUs = s.createdAt
        updatedAtUs = s.updatedAt
        conversationSettings = Wire.ConversationSettings(s.conversationSettings)
    }
}

extension Wire.Profile {
    init(_ p: Profile) {
        self.init()
        id = p.id
        storeId = p.storeID
        createdAtUs = p.createdAt
        updatedAtUs = p.updatedAt
        identifiers = p.identifiers.map { i in
            var w = Wire.Identifier(type: i.type, value: i.value)
            w.addedAtUs = i.addedAt
            return w
        }
        traits = wireTraits(p.traits)
        mergedProfileIds = p.mergedIDs
        observationCount = UInt64(p.observationCount)
        summaryCount = UInt64(p.summaryCount)
        communicationCount = UInt64(p.communicationCount)
    }
}

func wireTraits(_ traits: Traits) -> [String: Wire.TraitGroup] {
    traits.mapValues { group in
        Wire.TraitGroup(
            group.mapValues { trait in
                let kind: Wire.TraitValue.Kind =
                    switch trait.value {
                    case .string(let s): .stringValue(s)
                    case .number(let n): .numberValue(n)
                    case .bool(let b): .boolValue(b)
                    case .strings(let l): .listValue(Wire.StringList(l))
                    case .integer(let i): .integerValue(i)
                    }
                return Wire.TraitValue(kind, updatedAtUs: trait.updatedAt)
            })
    }
}

/// A trait patch: a `null_value` removes the trait; a missing value is an error.
func traitUpdates(_ groups: [String: Wire.TraitGroup], field: String = "traits") throws(ServiceError) -> [TraitUpdate] {
    var updates: [TraitUpdate] = []
    for group in groups.keys.sorted() {
        for (name, value) in groups[group]!.traits.sorted(by: { $0.key < $1.key }) {
            let updatedAt: Int64? = value.updatedAtUs == 0 ? nil : value.updatedAtUs
            let converted: TraitValue?
            switch value.kind {
            case .stringValue(let s): converted = .string(s)
            case .numberValue(let n): converted = .number(n)
            case .boolValue(let b): converted = .bool(b)
            case .listValue(let l): converted = .strings(l.values)
            case .integerValue(let i): converted = .integer(i)
            case .nullValue: converted = nil
            case nil:
                throw ServiceError.invalid(
                    "\(field)[\(group)].traits[\(name)]", "has no value; set one, or null_value to remove the trait")
            }
            updates.append(TraitUpdate(group: group, name: name, value: converted, updatedAt: updatedAt))
        }
    }
    return updates
}

extension Wire.IdentitySettings {
    init(_ s: IdentitySettings) {
        self.init()
        matchingOrder = s.priority
        defaultRegion = s.defaultRegion
        rules = s.types.map { t in
            var r = Wire.IdentifierRule()
            r.type = t.name
            r.maxValues = UInt32(t.limit)
            r.limitPolicy = t.overflowPolicy == .dropOldest ? .dropOldest : .refuse
            r.blockedValues = t.blockedValues
            r.blockedPatterns = t.blockedPatterns
            r.unique = t.unique
            r.normalization =
                switch t.normalization {
                case .none: .none
                case .trim: .trim
                case .lowercase: .lowercase
                default: .unspecified
                }
            return r
        }
    }
}

func engineSettings(_ w: Wire.IdentitySettings) throws(ServiceError) -> IdentitySettings {
    var types: [IdentifierTypeSettings] = []
    for (i, r) in w.rules.enumerated() {
        let builtIn: IdentifierNormalization? =
            switch r.type {
            case "email": .email
            case "phone": .phone
            case "whatsapp": .whatsapp
            case "chat": .chat
            default: nil
            }
        let normalization: IdentifierNormalization
        if let builtIn {
            guard r.normalization == .unspecified else {
                throw ServiceError.invalid(
                    "settings.rules[\(i)].normalization",
                    "built-in type '\(r.type)' has a fixed normalisation; leave it unspecified")
            }
            normalization = builtIn
        } else {
            switch r.normalization {
            case .none, .unspecified: normalization = .none
            case .trim: normalization = .trim
            case .lowercase: normalization = .lowercase
            default:
                throw ServiceError.invalid(
                    "settings.rules[\(i)].normalization", "unknown value \(r.normalization.rawValue)")
            }
        }
        let policy: OverflowPolicy
        switch r.limitPolicy {
        case .dropOldest, .unspecified: policy = .dropOldest
        case .refuse: policy = .refuse
        default:
            throw ServiceError.invalid("settings.rules[\(i)].limit_policy", "unknown value \(r.limitPolicy.rawValue)")
        }
        types.append(
            IdentifierTypeSettings(
                name: r.type, normalization: normalization, limit: Int(r.maxValues), overflowPolicy: policy,
                unique: r.unique,
                blockedValues: r.blockedValues, blockedPatterns: r.blockedPatterns))
    }
    return IdentitySettings(priority: w.matchingOrder, types: types, defaultRegion: w.defaultRegion)
}

extension Wire.Observation {
    init(_ o: Observation) {
        self.init()
        id = o.id
        content = o.content
        source = o.source
        occurredAtUs = o.occurredAt
        conversationIds = o.conversationIDs
        subject = o.subjectKey ?? ""
        embedding = o.embedding ?? []
        createdAtUs = o.createdAt
        updatedAtUs = o.updatedAt
        mentionCount = UInt32(clamping: o.mentionCount)
        status = o.status == .active ? .active : .superseded
        supersededBy = o.supersededBy ?? ""
        idempotencyKey = o.idempotencyKey ?? ""
        communicationIds = o.communicationIDs
    }
}

extension Wire.Summary {
    init(_ s: Summary) {
        self.init()
        id = s.id
        content = s.content
        conversationId = s.conversationID
        occurredAtUs = s.occurredAt
        source = s.source
        createdAtUs = s.createdAt
        updatedAtUs = s.updatedAt
    }
}

extension Wire.DeletionReceipt {
    init(_ r: ProfileDeletionReceipt) {
        self.init()
        profiles = UInt64(1 + r.mergedIDs.count)
        identifiers = UInt64(r.identifiersErased)
        traits = UInt64(r.traitsErased)
        observations = UInt64(r.observationsErased)
        revisions = UInt64(r.revisionsErased)
        summaries = UInt64(r.summariesErased)
        communications = UInt64(r.communicationsErased)
        logSequence = r.logPosition
        erasedAtUs = r.erasedAt
    }
}

func engineChannel(_ c: Wire.Channel, field: String) throws(ServiceError) -> Channel {
    switch c {
    case .voice: return .voice
    case .sms: return .sms
    case .rcs: return .rcs
    case .email: return .email
    case .whatsapp: return .whatsapp
    case .chat: return .chat
    case .api: return .api
    case .system: return .system
    default: throw ServiceError.invalid(field, "must be one of CHANNEL_VOICE … CHANNEL_SYSTEM")
    }
}

func wireChannel(_ c: Channel) -> Wire.Channel {
    switch c {
    case .voice: .voice
    case .sms: .sms
    case .rcs: .rcs
    case .email: .email
    case .whatsapp: .whatsapp
    case .chat: .chat
    case .api: .api
    case .system: .system
    }
}

func engineAuthor(_ t: Wire.ParticipantType, field: String) throws(ServiceError) -> AuthorType {
    switch t {
    case .customer: return .customer
    case .humanAgent: return .humanAgent
    case .aiAgent: return .aiAgent
    case .system: return .system
    case .unknown: return .unknown
    default: throw ServiceError.invalid(field, "must be one of PARTICIPANT_TYPE_CUSTOMER … PARTICIPANT_TYPE_UNKNOWN")
    }
}

func wireAuthor(_ t: AuthorType) -> Wire.ParticipantType {
    switch t {
    case .customer: .customer
    case .humanAgent: .humanAgent
    case .aiAgent: .aiAgent
    case .system: .system
    case .unknown: .unknown
    }
}

extension Wire.Communication {
    init(_ c: Communication) {
        self.init()
        id = c.id
        conversationId = c.conversationID
        var author = Wire.Participant()
        author.type = wireAuthor(c.authorType)
        author.address = c.authorAddress
        self.author = author
        recipients = c.recipients.map { r in
            var p = Wire.Participant()
            p.type = wireAuthor(r.type)
            p.address = r.address
            return p
        }
        channel = wireChannel(c.channel)
        text = c.text
        createdAtUs = c.createdAt
    }
}
