/// A partition of data: one business unit or environment. Nothing crosses stores.
public struct Store: Sendable, Hashable {
    /// The store's id.
    public var id: String
    /// 1–64 characters from `[A-Za-z0-9-]`, unique (case-insensitively) among stores.
    public var displayName: String
    /// At most 128 characters.
    public var description: String
    /// Microseconds since the Unix epoch.
    public var createdAt: Int64
    /// Microseconds since the Unix epoch.
    public var updatedAt: Int64
    /// How its conversations close and are extracted.
    public var conversationSettings: ConversationSettings

    /// Creates a store value.
    public init(
        id: String, displayName: String, description: String, createdAt: Int64, updatedAt: Int64,
        conversationSettings: ConversationSettings = ConversationSettings()
    ) {
        self.conversationSettings = conversationSettings
        self.id = id
        self.displayName = displayName
        self.description = description
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A store mutation's result.
public struct StoreResult: Sendable, Hashable {
    /// The store as it is now.
    public var store: Store
    /// The command's log sequence number (0 without a journal).
    public var logPosition: UInt64
}

/// What DeleteStore erased.
public struct StoreDeletionReceipt: Sendable, Hashable {
    /// The erased store.
    public var storeID: String
    /// Profiles erased.
    public var profilesErased: Int
    /// Observations erased.
    public var observationsErased: Int
    /// The erasure's log sequence number (0 without a journal).
    public var logPosition: UInt64
    /// When the erasure happened (the command's time, µs since the epoch).
    public var erasedAt: Int64 = 0
}

extension Store {
    /// Checks a display name; returns why it is bad, or nil.
    static func displayNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "required" }
        if name.unicodeScalars.count > 64 { return "at most 64 characters; got \(name.unicodeScalars.count)" }
        if let bad = name.unicodeScalars.first(where: { !($0.isASCIIAlphanumeric || $0 == "-") }) {
            return "only letters, digits and '-' are allowed; found \(bad.debugQuoted)"
        }
        return nil
    }

    /// Checks a description; returns why it is bad, or nil.
    static func descriptionProblem(_ text: String) -> String? {
        text.count > 128 ? "at most 128 characters; got \(text.count)" : nil
    }
}
