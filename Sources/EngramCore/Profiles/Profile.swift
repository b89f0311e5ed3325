/// A profile as GetProfile returns it.
public struct Profile: Sendable, Hashable {
    /// The canonical id (the one asked for may have been merged away into it).
    public var id: String
    /// The store it lives in.
    public var storeID: String
    /// When it was created (µs since the Unix epoch).
    public var createdAt: Int64
    /// When it last changed (µs since the Unix epoch).
    public var updatedAt: Int64
    /// Attached identifiers, oldest first.
    public var identifiers: [StoredIdentifier]
    /// Traits by group, then name.
    public var traits: Traits
    /// Ids merged into this profile; each still resolves to `id`.
    public var mergedIDs: [String]
    /// Observations of any status.
    public var observationCount: Int
    /// Summaries kept.
    public var summaryCount: Int
    /// Communications kept (within the window).
    public var communicationCount: Int
}

/// What DeleteProfile erased.
public struct ProfileDeletionReceipt: Sendable, Hashable {
    /// The canonical id that was erased.
    public var profileID: String
    /// Merged-away ids that no longer resolve.
    public var mergedIDs: [String]
    /// Identifiers erased.
    public var identifiersErased: Int
    /// Traits erased.
    public var traitsErased: Int
    /// Observations erased.
    public var observationsErased: Int
    /// Revisions erased.
    public var revisionsErased: Int
    /// Summaries erased.
    public var summariesErased: Int
    /// Communications erased.
    public var communicationsErased: Int
    /// The erasure's log sequence number (0 without a journal).
    public var logPosition: UInt64
    /// When the erasure happened (the command's time, µs since the epoch).
    public var erasedAt: Int64 = 0
}

extension ProfileState {
    func publicProfile(store: String) -> Profile {
        Profile(
            id: id, storeID: store, createdAt: createdAt, updatedAt: updatedAt, identifiers: identifiers,
            traits: traits,
            mergedIDs: mergedIDs, observationCount: observations.count, summaryCount: summaries.count,
            communicationCount: communications.count)
    }
}
