extension IdentitySettings {
    static let builtInNames: Set<String> = ["email", "phone", "whatsapp", "chat"]
    static let customNormalizations: Set<IdentifierNormalization> = [.none, .trim, .lowercase]
    static let maxBlockedValues = 100
    static let maxBlockedPatterns = 20

    /// Checks `self` and returns the settings to store: built-in types filled in with their
    /// defaults, and every type present in `priority` (unlisted ones appended in type order).
    func validated(limits: EngineLimits) throws(EngineError) -> IdentitySettings {
        var problems = Violations()
        var seen = Set<String>()
        for (i, type) in types.enumerated() {
            let path = "types[\(i)]"
            if let problem = type.name.tokenProblem(
                maxLength: 32, allowed: { $0.isASCIIDigit || ("a"..."z").contains($0) || $0 == "_" },
                allowedText: "lower-case letters, digits and '_'")
            {
                problems.add(path + ".name", problem)
            } else if !type.name.unicodeScalars.first!.properties.isAlphabetic {
                problems.add(path + ".name", "must start with a letter")
            } else if !seen.insert(type.name).inserted {
                problems.add(path + ".name", "type \"\(type.name)\" is declared twice")
            }
            if Self.builtInNames.contains(type.name) {
                let expected = IdentitySettings.builtInTypes.first { $0.name == type.name }!.normalization
                if type.normalization != expected {
                    problems.add(
                        path + ".normalization",
                        "the built-in type \"\(type.name)\" always uses \(expected.rawValue) normalisation")
                }
            } else if !Self.customNormalizations.contains(type.normalization) {
                problems.add(path + ".normalization", "a custom type is normalised with none, trim or lowercase")
            }
            if !(1...100).contains(type.limit) {
                problems.add(path + ".limit", "must be between 1 and 100; got \(type.limit)")
            }
            if type.blockedValues.count > Self.maxBlockedValues {
                problems.add(path + ".blocked_values", "at most \(Self.maxBlockedValues) values")
            }
            for (j, value) in type.blockedValues.enumerated() {
                if let problem = value.plainTextProblem(maxLength: 256) {
                    problems.add(path + ".blocked_values[\(j)]", problem)
                }
            }
            if type.blockedPatterns.count > Self.maxBlockedPatterns {
                problems.add(path + ".blocked_patterns", "at most \(Self.maxBlockedPatterns) patterns")
            }
            for (j, pattern) in type.blockedPatterns.enumerated() {
                if let problem = pattern.plainTextProblem(maxLength: 256) {
                    problems.add(path + ".blocked_patterns[\(j)]", problem)
                } else if (try? Regex(pattern)) == nil {
                    problems.add(path + ".blocked_patterns[\(j)]", "not a valid regular expression")
                }
            }
        }
        var effectiveTypes = IdentitySettings.builtInTypes.map { builtIn in
            types.first { $0.name == builtIn.name } ?? builtIn
        }
        effectiveTypes += types.filter { !Self.builtInNames.contains($0.name) }
        if effectiveTypes.count > limits.maxIdentifierTypes {
            problems.add(
                "types",
                "at most \(limits.maxIdentifierTypes) identifier types, built-ins included; got \(effectiveTypes.count)"
            )
        }
        let known = Set(effectiveTypes.map(\.name))
        var listed = Set<String>()
        for (j, name) in priority.enumerated() {
            if !known.contains(name) {
                problems.add("priority[\(j)]", "unknown identifier type \"\(name)\"")
            } else if !listed.insert(name).inserted {
                problems.add("priority[\(j)]", "type \"\(name)\" is listed twice")
            }
        }
        if CountryCallingCodes.code(forRegion: defaultRegion) == nil {
            problems.add("default_region", "unknown region \"\(defaultRegion)\"; use an ISO 3166 code such as US or GB")
        }
        try problems.check()
        let effectivePriority = priority + effectiveTypes.map(\.name).filter { !listed.contains($0) }
        return IdentitySettings(priority: effectivePriority, types: effectiveTypes, defaultRegion: defaultRegion)
    }
}
