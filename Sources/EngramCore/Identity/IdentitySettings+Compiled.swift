/// One type's rules, ready for matching: rank, lower-cased blocked values, compiled patterns.
///
/// Not Sendable (`Regex` is not), so it only ever lives inside a store's identity lock.
struct CompiledIdentifierType {
    var settings: IdentifierTypeSettings
    var rank: Int
    var blockedValues: Set<String>
    var blockedPatterns: [BlockedPattern]

    func isBlocked(_ value: Substring) -> Bool {
        if blockedValues.contains(value.lowercased()) { return true }
        return blockedPatterns.contains { $0.matchesWhole(value) }
    }
}

/// A blocked-value pattern. The common shape, one bracket class of ASCII characters repeated
/// (the default `[0-]+`), is matched by a byte table: Swift's `Regex` costs microseconds a
/// call, on every identifier of every ResolveIdentity. Anything else is a `Regex`.
package enum BlockedPattern {
    /// `[...]+` (or `*`): every scalar is one of `allowed`; `+` needs at least one.
    case classRun(allowed: [Bool], allowsEmpty: Bool)
    case regex(Regex<AnyRegexOutput>)

    /// nil if the pattern does not compile.
    package init?(_ pattern: String) {
        if let run = Self.classRun(pattern) {
            self = run
        } else if let regex = try? Regex(pattern) {
            self = .regex(regex)
        } else {
            return nil
        }
    }

    package func matchesWhole(_ value: Substring) -> Bool {
        switch self {
        case .classRun(let allowed, let allowsEmpty):
            if value.isEmpty { return allowsEmpty }
            return value.unicodeScalars.allSatisfy { $0.value < 128 && allowed[Int($0.value)] }
        case .regex(let regex):
            return (try? regex.wholeMatch(in: value)) != nil
        }
    }

    /// Parses `[` ASCII letters, digits and punctuation, with `a-z` ranges and a literal `-`
    /// first or last `]` then `+` or `*`; nil for anything else (escapes, negation, nested
    /// classes, other syntax), which goes to `Regex`.
    package static func classRun(_ pattern: String) -> BlockedPattern? {
        let bytes = Array(pattern.utf8)
        guard bytes.count >= 4, bytes[0] == UInt8(ascii: "["), bytes[bytes.count - 2] == UInt8(ascii: "]"),
            bytes.last == UInt8(ascii: "+") || bytes.last == UInt8(ascii: "*")
        else { return nil }
        let inner = bytes[1..<(bytes.count - 2)]
        guard !inner.isEmpty, inner.first != UInt8(ascii: "^"),
            inner.allSatisfy({ $0 > 32 && $0 < 127 && !"[]\\&~|:".utf8.contains($0) })
        else { return nil }
        var allowed = [Bool](repeating: false, count: 128)
        let chars = Array(inner)
        var i = 0
        while i < chars.count {
            if i + 2 < chars.count, chars[i + 1] == UInt8(ascii: "-") {
                guard chars[i] <= chars[i + 2] else { return nil }
                for c in chars[i]...chars[i + 2] { allowed[Int(c)] = true }
                i += 3
            } else {
                // A '-' that neither starts, ends nor spans a range is syntax Regex reads its way.
                if chars[i] == UInt8(ascii: "-") && i != 0 && i != chars.count - 1 { return nil }
                allowed[Int(chars[i])] = true
                i += 1
            }
        }
        return .classRun(allowed: allowed, allowsEmpty: bytes.last == UInt8(ascii: "*"))
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
                blockedPatterns: type.blockedPatterns.compactMap(BlockedPattern.init))
        }
        self.types = types
        self.regionCode = CountryCallingCodes.code(forRegion: settings.defaultRegion) ?? "1"
    }
}
