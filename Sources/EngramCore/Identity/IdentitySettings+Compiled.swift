/// One type's rules, ready for matching: rank, lower-cased blocked values, compiled patterns.
///
/// Not Sendable (`Regex` is not), so it only ever lives inside a store's identity lock.
struct CompiledIdentifierType {
    var settings: IdentifierTypeSettings
    var rank: Int
    var blockedValues: Set<String>
    var blockedPatterns: [Regex<AnyRegexOutput>]

    func isBlocked(_ value: Substring) -> Bool {
        if blockedValues.contains(value.lowercased()) { return true }
        return blockedPatterns.contains { (try? $0.wholeMatch(in: value)) != nil }
    }
}

/// A store's settings, compiled once per change.
struct CompiledIdentitySettings {
    var types: [String: CompiledIdentifierType]
    var regionCode: String

    /// Compiles settings that already passed `validated(limits:)`; a pattern that fails to
    /// compile (impossible after validation) is skipped rather than crashing.
    init(_ settings: IdentitySettings) {
        var types: [String: CompiledIdentifierType] = [:]
        let rank = Dictionary(settings.priority.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for type in settings.types {
            types[type.name] = CompiledIdentifierType(
                settings: type,
                rank: rank[type.name] ?? Int.max,
                blockedValues: Set(type.blockedValues.map { $0.lowercased() }),
                blockedPatterns: type.blockedPatterns.compactMap { try? Regex($0) })
        }
        self.types = types
        self.regionCode = CountryCallingCodes.code(forRegion: settings.defaultRegion) ?? "1"
    }
}
