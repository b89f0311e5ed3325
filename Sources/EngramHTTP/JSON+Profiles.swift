import EngramWire

/// One trait value in JSON: a string, a number (an integer when it has no fraction), true or
/// false, a list of strings, or null (in a patch: remove the trait).
enum TraitJSON: Codable, Hashable {
    case string(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    case list([String])
    case null

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let v = try? c.decode(Bool.self) {
            self = .bool(v)
        } else if let v = try? c.decode(Int64.self) {
            self = .integer(v)
        } else if let v = try? c.decode(Double.self) {
            self = .number(v)
        } else if let v = try? c.decode(String.self) {
            self = .string(v)
        } else if let v = try? c.decode([String].self) {
            self = .list(v)
        } else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "must be a string, a number, true or false, a list of strings, or null"))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let v): try c.encode(v)
        case .integer(let v): try c.encode(v)
        case .number(let v): try c.encode(v.isFinite ? v : 0)
        case .bool(let v): try c.encode(v)
        case .list(let v): try c.encode(v)
        case .null: try c.encodeNil()
        }
    }

    init?(_ v: Wire.TraitValue) {
        switch v.kind {
        case .stringValue(let s): self = .string(s)
        case .integerValue(let i): self = .integer(i)
        case .numberValue(let d): self = .number(d)
        case .boolValue(let b): self = .bool(b)
        case .listValue(let l): self = .list(l.values)
        case .nullValue, nil: return nil
        }
    }

    var wire: Wire.TraitValue {
        switch self {
        case .string(let s): Wire.TraitValue(.stringValue(s))
        case .integer(let i): Wire.TraitValue(.integerValue(i))
        case .number(let d): Wire.TraitValue(.numberValue(d))
        case .bool(let b): Wire.TraitValue(.boolValue(b))
        case .list(let l):
            Wire.TraitValue(
                .listValue(
                    {
                        var list = Wire.StringList()
                        list.values = l
                        return list
                    }()))
        case .null: Wire.TraitValue(.nullValue(true))
        }
    }
}

typealias TraitsJSON = [String: [String: TraitJSON]]

extension Dictionary where Key == String, Value == Wire.TraitGroup {
    var json: TraitsJSON {
        mapValues { group in group.traits.compactMapValues(TraitJSON.init) }
    }
}

func wireTraits(_ traits: TraitsJSON?) -> [String: Wire.TraitGroup] {
    (traits ?? [:]).mapValues { traits in
        var group = Wire.TraitGroup()
        group.traits = traits.mapValues(\.wire)
        return group
    }
}

struct IdentifierJSON: Codable {
    var idType: String
    var value: String
    var addedAt: JSONTime?

    init(_ i: Wire.Identifier) {
        idType = i.type
        value = i.value
        addedAt = i.addedAtUs.time
    }

    var wire: Wire.Identifier { Wire.Identifier(type: idType, value: value) }
}

struct ProfileJSON: Encodable {
    var id: String
    var storeId: String
    var createdAt: JSONTime?
    var updatedAt: JSONTime?
    var traits: TraitsJSON
    var identifiers: [IdentifierJSON]
    var mergedProfileIds: [String]
    var observationCount: UInt64
    var summaryCount: UInt64
    var communicationCount: UInt64

    init(_ p: Wire.Profile?) {
        let p = p ?? Wire.Profile()
        id = p.id
        storeId = p.storeId
        createdAt = p.createdAtUs.time
        updatedAt = p.updatedAtUs.time
        traits = p.traits.json
        identifiers = p.identifiers.map(IdentifierJSON.init)
        mergedProfileIds = p.mergedProfileIds
        observationCount = p.observationCount
        summaryCount = p.summaryCount
        communicationCount = p.communicationCount
    }
}

/// POST .../Profiles: traits (identity resolved from the identifier traits of the `Contact`
/// group) and, Engram's addition, explicit identifiers.
struct CreateProfileBody: Decodable {
    var traits: TraitsJSON?
    var identifiers: [NewIdentifierJSON]?
}

struct NewIdentifierJSON: Decodable {
    var idType: String
    var value: String
    var wire: Wire.Identifier { Wire.Identifier(type: idType, value: value) }
}

/// `POST .../Identifiers`: one identifier as the hosted product sends it, or several.
struct AddIdentifiersBody: Decodable {
    var idType: String?
    var value: String?
    var identifiers: [NewIdentifierJSON]?
}

/// The profile a create resolved to, and how.
struct ResolvedProfileJSON: Encodable {
    var profile: ProfileJSON
    var outcome: JSONEnum<Wire.ResolveOutcome>
    var mergedProfileIds: [String]
    var demoted: [Demoted]

    struct Demoted: Encodable {
        var idType: String
        var value: String
        var reason: String
    }

    init(_ r: Wire.ResolveIdentityResponse) {
        profile = ProfileJSON(r.profile)
        outcome = r.outcome.json
        mergedProfileIds = r.mergedProfileIds
        demoted = r.demoted.map {
            Demoted(idType: $0.identifier?.type ?? "", value: $0.identifier?.value ?? "", reason: $0.reason)
        }
    }

    func encode(to encoder: any Encoder) throws {
        // The profile's own fields at the top, as the hosted product answers a create.
        try profile.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(demoted, forKey: .demoted)
    }

    private enum Keys: String, CodingKey { case outcome, demoted }
}

struct PatchProfileBody: Decodable {
    var traits: TraitsJSON?
}

struct LookupBody: Decodable {
    var idType: String
    var value: String
}

struct LookupJSON: Encodable {
    var idType: String
    var normalizedValue: String
    var profiles: [String]
}

struct IdentifiersJSON: Encodable {
    var profileId: String
    var identifiers: [IdentifierJSON]
}
