import EngramWire

/// A store as the control plane answers it.
struct StoreJSON: Encodable {
    var id: String
    var displayName: String
    var description: String
    var createdAt: JSONTime?
    var updatedAt: JSONTime?
    var conversationSettings: ConversationSettingsJSON

    init(_ s: Wire.Store) {
        id = s.id
        displayName = s.displayName
        description = s.description
        createdAt = s.createdAtUs.time
        updatedAt = s.updatedAtUs.time
        conversationSettings = ConversationSettingsJSON(s.conversationSettings)
    }
}

struct CreateStoreBody: Decodable {
    var displayName: String?
    var description: String?
    var conversationSettings: ConversationSettingsJSON?
}

struct UpdateStoreBody: Decodable {
    var displayName: String?
    var description: String?
    var conversationSettings: ConversationSettingsJSON?
}

/// What an erasure removed.
struct DeletionJSON: Encodable {
    var profiles: UInt64
    var identifiers: UInt64
    var traits: UInt64
    var observations: UInt64
    var revisions: UInt64
    var summaries: UInt64
    var communications: UInt64
    var knowledge: UInt64
    var chunks: UInt64
    var logSequence: UInt64
    var erasedAt: JSONTime?

    init(_ r: Wire.DeletionReceipt?) {
        let r = r ?? Wire.DeletionReceipt()
        profiles = r.profiles
        identifiers = r.identifiers
        traits = r.traits
        observations = r.observations
        revisions = r.revisions
        summaries = r.summaries
        communications = r.communications
        knowledge = r.knowledge
        chunks = r.chunks
        logSequence = r.logSequence
        erasedAt = r.erasedAtUs.time
    }
}

struct StoreDeletedJSON: Encodable {
    var id: String
    var deleted: DeletionJSON
}

/// IdentityResolutionSettings in JSON.
struct IdentitySettingsJSON: Codable {
    var matchingOrder: [String]?
    var rules: [Rule]?
    var defaultRegion: String?

    struct Rule: Codable {
        var idType: String
        var maxValues: UInt32?
        var limitPolicy: JSONEnum<Wire.LimitPolicy>?
        var blockedValues: [String]?
        var blockedPatterns: [String]?
        var unique: Bool?
        var normalization: JSONEnum<Wire.Normalization>?
    }

    init(_ s: Wire.IdentitySettings?) {
        let s = s ?? Wire.IdentitySettings()
        matchingOrder = s.matchingOrder
        defaultRegion = s.defaultRegion
        rules = s.rules.map { r in
            Rule(
                idType: r.type, maxValues: r.maxValues, limitPolicy: r.limitPolicy.json, blockedValues: r.blockedValues,
                blockedPatterns: r.blockedPatterns, unique: r.unique,
                normalization: r.normalization == .unspecified ? nil : r.normalization.json)
        }
    }

    var wire: Wire.IdentitySettings {
        var s = Wire.IdentitySettings()
        s.matchingOrder = matchingOrder ?? []
        s.defaultRegion = defaultRegion ?? ""
        s.rules = (rules ?? []).map { r in
            var w = Wire.IdentifierRule()
            w.type = r.idType
            w.maxValues = r.maxValues ?? 0
            w.limitPolicy = r.limitPolicy?.value ?? .unspecified
            w.blockedValues = r.blockedValues ?? []
            w.blockedPatterns = r.blockedPatterns ?? []
            w.unique = r.unique ?? false
            w.normalization = r.normalization?.value ?? .unspecified
            return w
        }
        return s
    }
}
