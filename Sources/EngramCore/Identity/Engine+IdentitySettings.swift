extension Engine {
    /// A store's identity settings, with built-in types filled in and priority complete.
    public func getIdentitySettings(storeID: String) throws(EngineError) -> IdentitySettings {
        try requireIDs(["store_id": storeID])
        guard let identity = identity(of: storeID) else { throw .storeNotFound(storeID) }
        guard let settings = identity.state.withLock({ $0.deleted ? nil : $0.settings }) else {
            throw .storeNotFound(storeID)
        }
        return settings
    }

    /// Replaces a store's identity settings. They apply to later calls; identifiers already
    /// attached stay as they are.
    @discardableResult
    public func putIdentitySettings(storeID: String, _ settings: IdentitySettings) throws(EngineError)
        -> IdentitySettingsResult
    {
        try requireIDs(["store_id": storeID])
        let effective = try settings.validated(limits: configuration.limits)
        let command = Command.PutIdentitySettings(storeID: storeID, settings: effective, at: now())
        guard case .settings(let result) = try apply(.putIdentitySettings(command), .live) else {
            throw .unexpectedOutput
        }
        return result
    }

    /// The canonical profiles holding an identifier, and its normalised value.
    public func lookupProfiles(storeID: String, type: String, value: String) throws(EngineError) -> LookupResult {
        try requireIDs(["store_id": storeID])
        guard let identity = identity(of: storeID) else { throw .storeNotFound(storeID) }
        return try identity.state.withLock { (ids: inout IdentityState) throws(EngineError) -> LookupResult in
            guard !ids.deleted else { throw .storeNotFound(storeID) }
            guard let rules = ids.compiled.types[type] else {
                throw EngineError.field("type", "unknown identifier type \"\(type)\"")
            }
            let raw = value.trimmed
            if raw.isEmpty { throw EngineError.field("value", "required") }
            if rules.isBlocked(raw) {
                return LookupResult(type: type, normalizedValue: String(raw), blocked: true, profileIDs: [])
            }
            let normalized: String
            do throws(InvalidIdentifier) {
                normalized = try rules.settings.normalization.normalize(value, regionCode: ids.compiled.regionCode)
            } catch {
                throw EngineError.field("value", "invalid \(type): \(error.reason)")
            }
            if rules.isBlocked(normalized[...]) {
                return LookupResult(type: type, normalizedValue: normalized, blocked: true, profileIDs: [])
            }
            let owners = ids.owners[IdentifierKey(type: type, value: normalized)] ?? []
            return LookupResult(type: type, normalizedValue: normalized, blocked: false, profileIDs: owners)
        }
    }

    func applyPutIdentitySettings(_ c: Command.PutIdentitySettings, _ mode: ApplyMode) throws(EngineError)
        -> IdentitySettingsResult
    {
        guard let identity = identity(of: c.storeID) else { throw .storeNotFound(c.storeID) }
        return try identity.state.withLock { (ids: inout IdentityState) throws(EngineError) -> IdentitySettingsResult in
            guard !ids.deleted else { throw .storeNotFound(c.storeID) }
            ids.settings = c.settings
            ids.compiled = CompiledIdentitySettings(c.settings)
            return IdentitySettingsResult(settings: c.settings, logPosition: record(.putIdentitySettings(c), mode))
        }
    }
}
