/// An identifier as a caller sends it: a type name and a raw value.
public struct IdentifierInput: Sendable, Hashable {
    /// A type name declared in the store's settings (`email`, `phone`, `user_id`, …).
    public var type: String
    /// The raw value; the engine normalises it.
    public var value: String

    /// Creates an identifier.
    public init(type: String, value: String) {
        self.type = type
        self.value = value
    }
}

/// A normalised identifier attached to a profile.
public struct StoredIdentifier: Sendable, Hashable {
    /// The type name.
    public var type: String
    /// The normalised value.
    public var value: String
    /// When it was attached (microseconds); the oldest is dropped first.
    public var addedAt: Int64

    /// Creates a stored identifier.
    public init(type: String, value: String, addedAt: Int64) {
        self.type = type
        self.value = value
        self.addedAt = addedAt
    }
}

/// The key of the identity index: a type and a normalised value.
struct IdentifierKey: Sendable, Hashable {
    var type: String
    var value: String
}

/// Why an identifier of a ResolveIdentity call was not attached.
public enum DemotionReason: String, Sendable, Hashable {
    /// The value is on the type's blocked list; it is never used to match.
    case blocked
    /// Attaching or merging would exceed the type's per-profile limit.
    case typeLimit = "type_limit"
    /// Attaching or merging would exceed the hard cap of identifier values per profile.
    case identifierCap = "identifier_cap"
    /// Merging would exceed the hard cap of merges per profile.
    case mergeCap = "merge_cap"
}

/// An identifier the call sent that was not attached, and why.
public struct DemotedIdentifier: Sendable, Hashable {
    /// Its position in the call's `identifiers`.
    public var index: Int
    /// Its type.
    public var type: String
    /// Its normalised value (the trimmed raw value if it was blocked before normalising).
    public var value: String
    /// The rule that demoted it.
    public var reason: DemotionReason
    /// A sentence for humans.
    public var detail: String
}
