/// What ResolveIdentity did.
public enum ResolveOutcome: String, Sendable, Hashable {
    /// Nothing matched; a profile was created.
    case created = "CREATED"
    /// One profile matched.
    case matched = "MATCHED"
    /// Several matched and were merged into the earliest-created one.
    case merged = "MERGED"
}

/// The result of ResolveIdentity.
public struct ResolveResult: Sendable, Hashable {
    /// The canonical profile id.
    public var profileID: String
    /// CREATED, MATCHED or MERGED.
    public var outcome: ResolveOutcome
    /// For MERGED: the profiles merged away into `profileID`, earliest first.
    public var mergedProfileIDs: [String]
    /// Identifiers newly attached by this call.
    public var attached: [StoredIdentifier]
    /// Identifiers removed by the drop-oldest policy to make room.
    public var dropped: [StoredIdentifier]
    /// Identifiers of the call that were not attached, with the reason.
    public var demoted: [DemotedIdentifier]
    /// The command's log sequence number (0 without a journal).
    public var logPosition: UInt64
    /// The profile as this call left it (read under the same locks as the write).
    public var profile: Profile

    /// The profile's traits after the call.
    public var traits: Traits { profile.traits }
}

/// The result of LookupProfiles.
public struct LookupResult: Sendable, Hashable {
    /// The identifier type.
    public var type: String
    /// The value as normalised for matching.
    public var normalizedValue: String
    /// True if the value is blocked (then it matches nothing).
    public var blocked: Bool
    /// Canonical ids of the profiles holding the value (several only for non-unique types).
    public var profileIDs: [String]
}
