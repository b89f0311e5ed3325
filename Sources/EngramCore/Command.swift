/// Every mutation of the engine, as a plain value.
///
/// A command carries everything that is not a function of the engine's state: new ids and
/// the time are decided before it is applied. Applying the same commands in the same order
/// to the same state gives the same state, which is what the write-ahead log relies on.
/// Journaled commands name profiles by their canonical id at the time they were applied.
public enum Command: Sendable, Hashable {
    case createStore(CreateStore)
    case updateStore(UpdateStore)
    case deleteStore(DeleteStore)
    case putIdentitySettings(PutIdentitySettings)
    case resolveIdentity(ResolveIdentity)
    case updateTraits(UpdateTraits)
    case deleteProfile(DeleteProfile)
    case observe(Observe)
    case deleteObservation(DeleteObservation)

    /// Creates a store.
    public struct CreateStore: Sendable, Hashable {
        public var storeID: String
        public var displayName: String
        public var description: String
        public var at: Int64
        public init(storeID: String, displayName: String, description: String, at: Int64) {
            self.storeID = storeID
            self.displayName = displayName
            self.description = description
            self.at = at
        }
    }

    /// Changes a store's name or description (nil leaves a field as it is).
    public struct UpdateStore: Sendable, Hashable {
        public var storeID: String
        public var displayName: String?
        public var description: String?
        public var at: Int64
        public init(storeID: String, displayName: String?, description: String?, at: Int64) {
            self.storeID = storeID
            self.displayName = displayName
            self.description = description
            self.at = at
        }
    }

    /// Erases a store and everything in it.
    public struct DeleteStore: Sendable, Hashable {
        public var storeID: String
        public var at: Int64
        public init(storeID: String, at: Int64) {
            self.storeID = storeID
            self.at = at
        }
    }

    /// Replaces a store's identity settings (already validated and completed).
    public struct PutIdentitySettings: Sendable, Hashable {
        public var storeID: String
        public var settings: IdentitySettings
        public var at: Int64
        public init(storeID: String, settings: IdentitySettings, at: Int64) {
            self.storeID = storeID
            self.settings = settings
            self.at = at
        }
    }

    /// Resolves identifiers to a profile. Carries the raw identifiers: normalising them
    /// depends on the store's settings, which are part of the state at apply time.
    public struct ResolveIdentity: Sendable, Hashable {
        public var storeID: String
        /// The id a new profile gets if nothing matches.
        public var newProfileID: String
        public var identifiers: [IdentifierInput]
        /// Trait updates, each with its time filled in.
        public var traits: [TraitUpdate]
        public var at: Int64
        public init(storeID: String, newProfileID: String, identifiers: [IdentifierInput], traits: [TraitUpdate], at: Int64) {
            self.storeID = storeID
            self.newProfileID = newProfileID
            self.identifiers = identifiers
            self.traits = traits
            self.at = at
        }
    }

    /// Patches a profile's traits.
    public struct UpdateTraits: Sendable, Hashable {
        public var storeID: String
        public var profileID: String
        /// Trait updates, each with its time filled in.
        public var traits: [TraitUpdate]
        public var at: Int64
        public init(storeID: String, profileID: String, traits: [TraitUpdate], at: Int64) {
            self.storeID = storeID
            self.profileID = profileID
            self.traits = traits
            self.at = at
        }
    }

    /// Erases a profile and everything about it.
    public struct DeleteProfile: Sendable, Hashable {
        public var storeID: String
        public var profileID: String
        public var at: Int64
        public init(storeID: String, profileID: String, at: Int64) {
            self.storeID = storeID
            self.profileID = profileID
            self.at = at
        }
    }

    /// Adds observations, summaries and communications to a profile.
    public struct Observe: Sendable, Hashable {
        public var storeID: String
        public var profileID: String
        public var observations: [NewObservation]
        public var summaries: [NewSummary]
        public var communications: [NewCommunication]
        public var at: Int64
        public init(
            storeID: String, profileID: String, observations: [NewObservation], summaries: [NewSummary],
            communications: [NewCommunication], at: Int64
        ) {
            self.storeID = storeID
            self.profileID = profileID
            self.observations = observations
            self.summaries = summaries
            self.communications = communications
            self.at = at
        }
    }

    /// Erases one observation and its revisions.
    public struct DeleteObservation: Sendable, Hashable {
        public var storeID: String
        public var profileID: String
        public var observationID: String
        public var at: Int64
        public init(storeID: String, profileID: String, observationID: String, at: Int64) {
            self.storeID = storeID
            self.profileID = profileID
            self.observationID = observationID
            self.at = at
        }
    }

    /// A validated observation with its id decided.
    public struct NewObservation: Sendable, Hashable {
        /// Used only if the outcome is ADDED or SUPERSEDED.
        public var id: String
        public var content: String
        public var source: String
        public var occurredAt: Int64
        public var conversationIDs: [String]
        public var subjectKey: String?
        public var embedding: [Float]?
        public var idempotencyKey: String?
        public init(
            id: String, content: String, source: String, occurredAt: Int64, conversationIDs: [String],
            subjectKey: String?, embedding: [Float]?, idempotencyKey: String?
        ) {
            self.id = id
            self.content = content
            self.source = source
            self.occurredAt = occurredAt
            self.conversationIDs = conversationIDs
            self.subjectKey = subjectKey
            self.embedding = embedding
            self.idempotencyKey = idempotencyKey
        }
    }

    /// A validated summary with its id decided (unused if it replaces an existing one).
    public struct NewSummary: Sendable, Hashable {
        public var id: String
        public var content: String
        public var conversationID: String
        public var occurredAt: Int64
        public var source: String
        public init(id: String, content: String, conversationID: String, occurredAt: Int64, source: String) {
            self.id = id
            self.content = content
            self.conversationID = conversationID
            self.occurredAt = occurredAt
            self.source = source
        }
    }

    /// A validated communication with its id and time decided.
    public struct NewCommunication: Sendable, Hashable {
        public var id: String
        public var conversationID: String
        public var authorType: AuthorType
        public var channel: Channel
        public var text: String
        public var createdAt: Int64
        public init(id: String, conversationID: String, authorType: AuthorType, channel: Channel, text: String, createdAt: Int64) {
            self.id = id
            self.conversationID = conversationID
            self.authorType = authorType
            self.channel = channel
            self.text = text
            self.createdAt = createdAt
        }
    }

    /// The store the command acts on.
    public var storeID: String {
        switch self {
        case .createStore(let c): c.storeID
        case .updateStore(let c): c.storeID
        case .deleteStore(let c): c.storeID
        case .putIdentitySettings(let c): c.storeID
        case .resolveIdentity(let c): c.storeID
        case .updateTraits(let c): c.storeID
        case .deleteProfile(let c): c.storeID
        case .observe(let c): c.storeID
        case .deleteObservation(let c): c.storeID
        }
    }
}
