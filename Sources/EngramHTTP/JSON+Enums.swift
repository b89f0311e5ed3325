import EngramWire

/// A schema enum in JSON: its value name without the type's prefix (`DROP_OLDEST` for
/// `LIMIT_POLICY_DROP_OLDEST`), as the hosted product spells enums.
struct JSONEnum<E: ProtoEnum>: Codable, Sendable, Hashable {
    var value: E
    init(_ value: E) { self.value = value }

    static var prefix: String {
        let unspecified = E.names[0] ?? ""
        return unspecified.hasSuffix("UNSPECIFIED") ? String(unspecified.dropLast("UNSPECIFIED".count)) : ""
    }

    /// The names a request may use (every known value but UNSPECIFIED).
    static var allowed: [String] {
        E.names.keys.sorted().filter { $0 != 0 }.compactMap { E.names[$0].map { String($0.dropFirst(prefix.count)) } }
    }

    init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let wanted = text.uppercased()
        guard
            let match = E.names.first(where: { $0.key != 0 && ($0.value == wanted || $0.value == Self.prefix + wanted) }
            )
        else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "must be one of \(Self.allowed.joined(separator: ", ")), not '\(text.prefix(40))'"
                ))
        }
        value = E(rawValue: match.key)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }

    /// The value's name without the type's prefix (on every answer's hot path: counts bytes
    /// rather than building the prefix).
    var name: String {
        guard let name = E.names[value.rawValue] else { return "\(value.rawValue)" }
        let prefixLength = (E.names[0]?.utf8.count ?? 11) - 11  // "UNSPECIFIED"
        guard prefixLength > 0, name.utf8.count > prefixLength else { return name }
        return String(Substring(name.utf8.dropFirst(prefixLength)))
    }
}

extension ProtoEnum {
    var json: JSONEnum<Self> { JSONEnum(self) }
}
