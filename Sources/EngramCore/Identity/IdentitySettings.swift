/// How a type's values are normalised before matching.
public enum IdentifierNormalization: String, Sendable, Hashable, CaseIterable {
    /// Trimmed, lower-cased, checked to have a local part and a dotted domain.
    case email
    /// E.164 (`+15551234567`); 10-digit numbers get the store's default region.
    case phone
    /// A phone; an optional `whatsapp:` prefix is stripped first.
    case whatsapp
    /// Trimmed.
    case chat
    /// Kept exactly as given (custom types only).
    case none
    /// Trimmed (custom types only).
    case trim
    /// Trimmed and lower-cased (custom types only).
    case lowercase
}

/// What happens when a profile would get more values of a type than its limit.
public enum OverflowPolicy: String, Sendable, Hashable, CaseIterable {
    /// Attach the new value and drop the profile's oldest value of that type.
    case dropOldest = "drop_oldest"
    /// Do not attach the new value (it is reported as demoted).
    case refuse
}

/// One identifier type's rules in a store.
public struct IdentifierTypeSettings: Sendable, Hashable {
    /// `[a-z][a-z0-9_]{0,31}`. Built-in names: email, phone, whatsapp, chat.
    public var name: String
    /// Built-in types use their own normalisation; custom types use none, trim or lowercase.
    public var normalization: IdentifierNormalization
    /// Values of this type one profile may hold, 1–100.
    public var limit: Int
    /// What happens past `limit` when a value is attached to an already matched profile.
    /// Merges never exceed the limit, whatever the policy (merge protection).
    public var overflowPolicy: OverflowPolicy
    /// Whether a value may belong to only one profile. A non-unique (shared) value never causes
    /// a merge, and matches (its earliest holder) only in calls carrying no unique identifier.
    public var unique: Bool
    /// Values never used to match, compared case-insensitively with the raw and normalised value.
    public var blockedValues: [String]
    /// Regular expressions (whole-value match) never used to match.
    public var blockedPatterns: [String]

    /// The product's suggested blocked values.
    public static let defaultBlockedValues = ["-1", "null", "anonymous"]
    /// The product's suggested blocked pattern: all zeros or dashes.
    public static let defaultBlockedPatterns = ["[0-]+"]

    /// Creates a type's settings.
    public init(
        name: String,
        normalization: IdentifierNormalization,
        limit: Int = 10,
        overflowPolicy: OverflowPolicy = .dropOldest,
        unique: Bool = true,
        blockedValues: [String] = IdentifierTypeSettings.defaultBlockedValues,
        blockedPatterns: [String] = IdentifierTypeSettings.defaultBlockedPatterns
    ) {
        self.name = name
        self.normalization = normalization
        self.limit = limit
        self.overflowPolicy = overflowPolicy
        self.unique = unique
        self.blockedValues = blockedValues
        self.blockedPatterns = blockedPatterns
    }
}

/// A store's identity-resolution settings.
public struct IdentitySettings: Sendable, Hashable {
    /// Type names, highest priority first. Types not listed follow, built-ins first.
    public var priority: [String]
    /// Rules per type. Built-in types left out get their defaults.
    public var types: [IdentifierTypeSettings]
    /// ISO 3166 region (e.g. `US`, `GB`) whose calling code 10-digit phone numbers get.
    public var defaultRegion: String

    /// Creates settings.
    public init(priority: [String] = [], types: [IdentifierTypeSettings] = [], defaultRegion: String = "US") {
        self.priority = priority
        self.types = types
        self.defaultRegion = defaultRegion
    }

    /// The built-in types in their default priority order.
    public static let builtInTypes: [IdentifierTypeSettings] = [
        IdentifierTypeSettings(name: "email", normalization: .email),
        IdentifierTypeSettings(name: "phone", normalization: .phone),
        IdentifierTypeSettings(name: "whatsapp", normalization: .whatsapp),
        IdentifierTypeSettings(name: "chat", normalization: .chat),
    ]

    /// A new store's settings: the built-in types, in the order email, phone, whatsapp, chat.
    public static let `default` = IdentitySettings(
        priority: builtInTypes.map(\.name), types: builtInTypes, defaultRegion: "US")

    /// The settings for the type named `name`, if declared.
    public func type(named name: String) -> IdentifierTypeSettings? {
        types.first { $0.name == name }
    }
}

/// The result of PutIdentitySettings.
public struct IdentitySettingsResult: Sendable, Hashable {
    /// The settings now in force (built-ins filled in, priority completed).
    public var settings: IdentitySettings
    /// The command's log sequence number (0 without a journal).
    public var logPosition: UInt64
}
