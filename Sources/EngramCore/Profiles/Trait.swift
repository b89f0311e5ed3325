/// A trait's typed value.
public enum TraitValue: Sendable, Hashable {
    case string(String)
    /// A finite number.
    case number(Double)
    case bool(Bool)
    case strings([String])
    /// A whole number, kept exact (a number trait is a Double).
    case integer(Int64)
}

/// A trait's value and the time it was written; the newer time wins.
public struct Trait: Sendable, Hashable {
    /// The value.
    public var value: TraitValue
    /// When it was written (microseconds).
    public var updatedAt: Int64

    /// Creates a trait.
    public init(value: TraitValue, updatedAt: Int64) {
        self.value = value
        self.updatedAt = updatedAt
    }
}

/// A profile's traits: group → name → trait, e.g. `Contact` → `email`.
public typealias Traits = [String: [String: Trait]]

/// Removed traits: group → name → when the removal was written (µs). A write older than a
/// trait's removal is ignored, so a late write cannot bring the trait back. Kept beside the
/// traits, never shown to callers, at most `EngineLimits.maxTraitTombstones` per profile.
public typealias TraitTombstones = [String: [String: Int64]]

/// One change to one trait. A nil `value` removes the trait.
public struct TraitUpdate: Sendable, Hashable {
    /// The group, e.g. `Contact`.
    public var group: String
    /// The trait's name within its group, e.g. `email`.
    public var name: String
    /// The new value, or nil to remove the trait.
    public var value: TraitValue?
    /// The write's time; nil means now. It applies only if not older than the stored one.
    public var updatedAt: Int64?

    /// Creates an update.
    public init(group: String, name: String, value: TraitValue?, updatedAt: Int64? = nil) {
        self.group = group
        self.name = name
        self.value = value
        self.updatedAt = updatedAt
    }
}

/// The result of UpdateTraits.
public struct TraitsResult: Sendable, Hashable {
    /// The canonical profile id.
    public var profileID: String
    /// The command's log sequence number (0 without a journal).
    public var logPosition: UInt64
    /// The profile as this update left it (read under the same lock as the write).
    public var profile: Profile

    /// The profile's traits after the update.
    public var traits: Traits { profile.traits }
}
