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
    case reembed(Reembed)
    case appendCommunications(AppendCommunications)
    case closeConversation(CloseConversation)
    case recordExtraction(RecordExtraction)
    case expire(Expire)
    case createKnowledgeBase(CreateKnowledgeBase)
    case updateKnowledgeBase(UpdateKnowledgeBase)
    case deleteKnowledgeBase(DeleteKnowledgeBase)
    case putKnowledge(PutKnowledge)
    case updateKnowledgeInfo(UpdateKnowledgeInfo)
    case deleteKnowledge(DeleteKnowledge)

    /// Creates a store.
    public struct CreateStore: Sendable, Hashable {
        /// The store's id.
        public var storeID: String
        /// The display name.
        public var displayName: String
        /// The description.
        public var description: String
        /// When the command was issued (µs since the Unix epoch); every time it sets comes from here.
        public var at: Int64
        /// The conversation settings; nil means the defaults.
        public var conversationSettings: ConversationSettings?
        /// Creates the value.
        public init(
            storeID: String, displayName: String, description: String, at: Int64,
            conversationSettings: ConversationSettings? = nil
        ) {
            self.conversationSettings = conversationSettings
            self.storeID = storeID
            self.displayName = displayName
            self.description = description
            self.at = at
        }
    }

    /// Changes a store's name or description (nil leaves a field as it is).
    public struct UpdateStore: Sendable, Hashable {
        /// The store's id.
        public var storeID: String
        /// The new display name, or nil to keep it.
        public var displayName: String?
        /// The new description, or nil to keep it.
        public var description: String?
        /// When the command was issued (µs since the Unix epoch); every time it sets comes from here.
        public var at: Int64
        /// New conversation settings, or nil to keep them.
        public var conversationSettings: ConversationSettings?
        /// Creates the value.
        public init(
            storeID: String, displayName: String?, description: String?, at: Int64,
            conversationSettings: ConversationSettings? = nil
        ) {
            self.conversationSettings = conversationSettings
            self.storeID = storeID
            self.displayName = displayName
            self.description = description
            self.at = at
        }
    }

    /// Erases a store and everything in it.
    public struct DeleteStore: Sendable, Hashable {
        /// The store's id.
        public var storeID: String
        /// When the command was issued (µs since the Unix epoch); every time it sets comes from here.
        public var at: Int64
        /// Creates the value.
        public init(storeID: String, at: Int64) {
            self.storeID = storeID
            self.at = at
        }
    }

    /// Replaces a store's identity settings (already validated and completed).
    public struct PutIdentitySettings: Sendable, Hashable {
        /// The store's id.
        public var storeID: String
        /// The identity settings.
        public var settings: IdentitySettings
        /// When the command was issued (µs since the Unix epoch); every time it sets comes from here.
        public var at: Int64
        /// Creates the value.
        public init(storeID: String, settings: IdentitySettings, at: Int64) {
            self.storeID = storeID
            self.settings = settings
            self.at = at
        }
    }

    /// Resolves identifiers to a profile. Carries the raw identifiers: normalising them
    /// depends on the store's settings, which are part of the state at apply time.
    public struct ResolveIdentity: Sendable, Hashable {
        /// The store's id.
        public var storeID: String
        /// The id a new profile gets if nothing matches.
        public var newProfileID: String
        /// The identifiers as sent; they are normalised when applied.
        public var identifiers: [IdentifierInput]
        /// Trait updates, each with its time filled in.
        public var traits: [TraitUpdate]
        /// When the command was issued (µs since the Unix epoch); every time it sets comes from here.
        public var at: Int64
        /// The profile the identifiers go to (any of its ids), rather than the one they match.
        public var profileID: String?
        /// Creates the value.
        public init(
            storeID: String, newProfileID: String, identifiers: [IdentifierInput], traits: [TraitUpdate], at: Int64,
            profileID: String? = nil
        ) {
            self.storeID = storeID
            self.newProfileID = newProfileID
            self.identifiers = identifiers
            self.traits = traits
            self.at = at
            self.profileID = profileID
        }
    }

    /// Patches a profile's traits.
    public struct UpdateTraits: Sendable, Hashable {
        /// The store's id.
        public var storeID: String
        /// The profile's id (the canonical one when journaled).
        public var profileID: String
        /// Trait updates, each with its time filled in.
        public var traits: [TraitUpdate]
        /// When the command was issued (µs since the Unix epoch); every time it sets comes from here.
        public var at: Int64
        /// Creates the value.
        public init(storeID: String, profileID: String, traits: [TraitUpdate], at: Int64) {
            self.storeID = storeID
            self.profileID = profileID
            self.traits = traits
            self.at = at
        }
    }

    /// Erases a profile and everything about it.
    public struct DeleteProfile: Sendable, Hashable {
        /// The store's id.
        public var storeID: String
        /// The profile's id (the canonical one when journaled).
        public var profileID: String
        /// When the command was issued (µs since the Unix epoch); every time it sets comes from here.
        public var at: Int64
        /// Creates the value.
        public init(storeID: String, profileID: String, at: Int64) {
            self.storeID = storeID
            self.profileID = profileID
            self.at = at
        }
    }

    /// Adds observations, summaries and communications to a profile.
    public struct Observe: Sendable, Hashable {
        /// The store's id.
        public var storeID: String
        /// The profile's id (the canonical one when journaled).
        public var profileID: String
        /// Observations, ids decided.
        public var observations: [NewObservation]
        /// Summaries, ids decided.
        public var summaries: [NewSummary]
        /// Communications, ids and times decided.
        public var communications: [NewCommunication]
        /// When the command was issued (µs since the Unix epoch); every time it sets comes from here.
        public var at: Int64
        /// Creates the value.
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
        /// The store's id.
        public var storeID: String
        /// The profile's id (the canonical one when journaled).
        public var profileID: String
        /// The observation's id.
        public var observationID: String
        /// When the command was issued (µs since the Unix epoch); every time it sets comes from here.
        public var at: Int64
        /// Creates the value.
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
        /// The text.
        public var content: String
        /// Where it came from, e.g. the agent.
        public var source: String
        /// When it happened (µs since the Unix epoch).
        public var occurredAt: Int64
        /// The conversations it came from.
        public var conversationIDs: [String]
        /// What it is about; a newer fact with the same key supersedes it.
        public var subjectKey: String?
        /// Its vector: the client's, or the engine embedder's. The log leaves out the
        /// built-in hashed embedder's (replay builds it from the content), so a replayed
        /// command may hold nil where the served one held that vector.
        public var embedding: [Float]?
        /// The key that makes retries harmless, if any.
        public var idempotencyKey: String?
        /// Which embedder made `embedding`; nil for a client's vector.
        public var embedder: String?
        /// The messages it was taken from.
        public var communicationIDs: [String]
        /// Creates the value.
        public init(
            id: String, content: String, source: String, occurredAt: Int64, conversationIDs: [String],
            subjectKey: String?, embedding: [Float]?, idempotencyKey: String?, embedder: String? = nil,
            communicationIDs: [String] = []
        ) {
            self.communicationIDs = communicationIDs
            self.id = id
            self.content = content
            self.source = source
            self.occurredAt = occurredAt
            self.conversationIDs = conversationIDs
            self.subjectKey = subjectKey
            self.embedding = embedding
            self.idempotencyKey = idempotencyKey
            self.embedder = embedder
        }
    }

    /// New vectors for a profile's observations, made by another embedder than their old
    /// ones (after the server started with a new embedder). Derived data: no revision, no
    /// change to `updatedAt`. Observations that are gone, or hold a client's vector, are skipped.
    public struct Reembed: Sendable, Hashable {
        public var storeID: String
        public var profileID: String
        /// `EmbedderIdentity.description` of the embedder that made `vectors`.
        public var embedder: String
        public var vectors: [ObservationVector]
        public var at: Int64
        public init(storeID: String, profileID: String, embedder: String, vectors: [ObservationVector], at: Int64) {
            self.storeID = storeID
            self.profileID = profileID
            self.embedder = embedder
            self.vectors = vectors
            self.at = at
        }
    }

    /// One observation's new vector.
    public struct ObservationVector: Sendable, Hashable {
        public var observationID: String
        /// Nil only for the built-in hashed embedder, whose vector is built from the text
        /// when the command is applied.
        public var embedding: [Float]?
        public init(observationID: String, embedding: [Float]?) {
            self.observationID = observationID
            self.embedding = embedding
        }
    }

    /// A validated summary with its id decided (unused if it replaces an existing one).
    public struct NewSummary: Sendable, Hashable {
        /// The id.
        public var id: String
        /// The text.
        public var content: String
        /// The conversation.
        public var conversationID: String
        /// When it happened (µs since the Unix epoch).
        public var occurredAt: Int64
        /// Where it came from, e.g. the agent.
        public var source: String
        /// Creates the value.
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
        /// The id.
        public var id: String
        /// The conversation.
        public var conversationID: String
        /// Who wrote it.
        public var authorType: AuthorType
        /// Where it travelled.
        public var channel: Channel
        /// The message.
        public var text: String
        /// When it was created (µs since the Unix epoch).
        public var createdAt: Int64
        /// The author's address; may be empty.
        public var authorAddress: String
        /// Who received it.
        public var recipients: [CommunicationParticipant]
        /// Creates the value.
        public init(
            id: String, conversationID: String, authorType: AuthorType, channel: Channel, text: String,
            createdAt: Int64,
            authorAddress: String = "", recipients: [CommunicationParticipant] = []
        ) {
            self.id = id
            self.conversationID = conversationID
            self.authorType = authorType
            self.channel = channel
            self.text = text
            self.createdAt = createdAt
            self.authorAddress = authorAddress
            self.recipients = recipients
        }
    }

    /// Appends messages to a profile's conversation (opening it, or reopening a closed one).
    /// A message whose id the profile holds already is skipped.
    public struct AppendCommunications: Sendable, Hashable {
        public var storeID: String
        /// The profile's id (the canonical one when journaled).
        public var profileID: String
        public var conversationID: String
        /// Ids and times decided; each carries `conversationID`.
        public var communications: [NewCommunication]
        public var at: Int64
        public init(
            storeID: String, profileID: String, conversationID: String, communications: [NewCommunication], at: Int64
        ) {
            self.storeID = storeID
            self.profileID = profileID
            self.conversationID = conversationID
            self.communications = communications
            self.at = at
        }
    }

    /// Closes an open conversation, which queues it for extraction.
    public struct CloseConversation: Sendable, Hashable {
        public var storeID: String
        /// The profile's id (the canonical one when journaled).
        public var profileID: String
        public var conversationID: String
        /// True when the idle timeout closed it rather than a call.
        public var idle: Bool
        public var at: Int64
        public init(storeID: String, profileID: String, conversationID: String, idle: Bool, at: Int64) {
            self.storeID = storeID
            self.profileID = profileID
            self.conversationID = conversationID
            self.idle = idle
            self.at = at
        }
    }

    /// What an extractor made of a conversation's first `messageCount` messages (in append
    /// order), or why it failed. The observations go through reconciliation as Observe's do.
    public struct RecordExtraction: Sendable, Hashable {
        public var storeID: String
        /// The profile's id (the canonical one when journaled).
        public var profileID: String
        public var conversationID: String
        /// The extractor and its version, e.g. "rules/1".
        public var extractor: String
        /// How many of the conversation's messages the extraction covered.
        public var messageCount: Int
        /// Ids and vectors decided, as Observe's.
        public var observations: [NewObservation]
        public var summary: NewSummary?
        /// Why it failed; then nothing else is applied.
        public var failure: String?
        public var at: Int64
        public init(
            storeID: String, profileID: String, conversationID: String, extractor: String, messageCount: Int,
            observations: [NewObservation], summary: NewSummary?, failure: String?, at: Int64
        ) {
            self.storeID = storeID
            self.profileID = profileID
            self.conversationID = conversationID
            self.extractor = extractor
            self.messageCount = messageCount
            self.observations = observations
            self.summary = summary
            self.failure = failure
            self.at = at
        }
    }

    /// Erases a profile's messages and observations older than its store's retention allows.
    public struct Expire: Sendable, Hashable {
        public var storeID: String
        /// The profile's id (the canonical one when journaled).
        public var profileID: String
        /// Messages created before this time go; nil keeps them.
        public var messagesBefore: Int64?
        /// Observations that occurred before this time go; nil keeps them.
        public var observationsBefore: Int64?
        /// Idempotency keys first used before this time are forgotten; nil keeps them.
        public var idempotencyBefore: Int64?
        public var at: Int64
        public init(
            storeID: String, profileID: String, messagesBefore: Int64?, observationsBefore: Int64?,
            idempotencyBefore: Int64? = nil, at: Int64
        ) {
            self.storeID = storeID
            self.profileID = profileID
            self.messagesBefore = messagesBefore
            self.observationsBefore = observationsBefore
            self.idempotencyBefore = idempotencyBefore
            self.at = at
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
        case .reembed(let c): c.storeID
        case .appendCommunications(let c): c.storeID
        case .closeConversation(let c): c.storeID
        case .recordExtraction(let c): c.storeID
        case .expire(let c): c.storeID
        case .createKnowledgeBase(let c): c.storeID
        case .updateKnowledgeBase(let c): c.storeID
        case .deleteKnowledgeBase(let c): c.storeID
        case .putKnowledge(let c): c.storeID
        case .updateKnowledgeInfo(let c): c.storeID
        case .deleteKnowledge(let c): c.storeID
        }
    }
}
