// The schema's enums. Each is a struct over its raw value because proto3 enums are open: a value
// added by a newer peer survives a decode and re-encode unchanged.

extension Wire {
    /// What a per-type identifier limit does when a profile would exceed it.
    public struct LimitPolicy: ProtoEnum {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let unspecified = Self(rawValue: 0)
        public static let dropOldest = Self(rawValue: 1)
        public static let refuse = Self(rawValue: 2)
        public static let names: [Int32: String] = [
            0: "LIMIT_POLICY_UNSPECIFIED", 1: "LIMIT_POLICY_DROP_OLDEST", 2: "LIMIT_POLICY_REFUSE",
        ]
    }
}

extension Wire {
    /// How a custom identifier type's values are normalised.
    public struct Normalization: ProtoEnum {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let unspecified = Self(rawValue: 0)
        public static let none = Self(rawValue: 1)
        public static let trim = Self(rawValue: 2)
        public static let lowercase = Self(rawValue: 3)
        public static let names: [Int32: String] = [
            0: "NORMALIZATION_UNSPECIFIED", 1: "NORMALIZATION_NONE", 2: "NORMALIZATION_TRIM",
            3: "NORMALIZATION_LOWERCASE",
        ]
    }
}

extension Wire {
    /// What ResolveIdentity did.
    public struct ResolveOutcome: ProtoEnum {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let unspecified = Self(rawValue: 0)
        public static let created = Self(rawValue: 1)
        public static let matched = Self(rawValue: 2)
        public static let merged = Self(rawValue: 3)
        public static let names: [Int32: String] = [
            0: "RESOLVE_OUTCOME_UNSPECIFIED", 1: "RESOLVE_OUTCOME_CREATED", 2: "RESOLVE_OUTCOME_MATCHED",
            3: "RESOLVE_OUTCOME_MERGED",
        ]
    }
}

extension Wire {
    /// Whether an observation is current.
    public struct ObservationStatus: ProtoEnum {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let unspecified = Self(rawValue: 0)
        public static let active = Self(rawValue: 1)
        public static let superseded = Self(rawValue: 2)
        public static let names: [Int32: String] = [
            0: "OBSERVATION_STATUS_UNSPECIFIED", 1: "OBSERVATION_STATUS_ACTIVE",
            2: "OBSERVATION_STATUS_SUPERSEDED",
        ]
    }
}

extension Wire {
    /// Who wrote or received a communication.
    public struct ParticipantType: ProtoEnum {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let unspecified = Self(rawValue: 0)
        public static let customer = Self(rawValue: 1)
        public static let humanAgent = Self(rawValue: 2)
        public static let aiAgent = Self(rawValue: 3)
        public static let system = Self(rawValue: 4)
        public static let unknown = Self(rawValue: 5)
        public static let names: [Int32: String] = [
            0: "PARTICIPANT_TYPE_UNSPECIFIED", 1: "PARTICIPANT_TYPE_CUSTOMER", 2: "PARTICIPANT_TYPE_HUMAN_AGENT",
            3: "PARTICIPANT_TYPE_AI_AGENT", 4: "PARTICIPANT_TYPE_SYSTEM", 5: "PARTICIPANT_TYPE_UNKNOWN",
        ]
    }
}

extension Wire {
    /// The medium a communication travelled on.
    public struct Channel: ProtoEnum {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let unspecified = Self(rawValue: 0)
        public static let voice = Self(rawValue: 1)
        public static let sms = Self(rawValue: 2)
        public static let rcs = Self(rawValue: 3)
        public static let email = Self(rawValue: 4)
        public static let whatsapp = Self(rawValue: 5)
        public static let chat = Self(rawValue: 6)
        public static let api = Self(rawValue: 7)
        public static let system = Self(rawValue: 8)
        public static let names: [Int32: String] = [
            0: "CHANNEL_UNSPECIFIED", 1: "CHANNEL_VOICE", 2: "CHANNEL_SMS", 3: "CHANNEL_RCS", 4: "CHANNEL_EMAIL",
            5: "CHANNEL_WHATSAPP", 6: "CHANNEL_CHAT", 7: "CHANNEL_API", 8: "CHANNEL_SYSTEM",
        ]
    }
}

extension Wire {
    /// What Observe did with one observation.
    public struct ObserveOutcome: ProtoEnum {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let unspecified = Self(rawValue: 0)
        public static let added = Self(rawValue: 1)
        public static let duplicate = Self(rawValue: 2)
        public static let superseded = Self(rawValue: 3)
        public static let names: [Int32: String] = [
            0: "OBSERVE_OUTCOME_UNSPECIFIED", 1: "OBSERVE_OUTCOME_ADDED", 2: "OBSERVE_OUTCOME_DUPLICATE",
            3: "OBSERVE_OUTCOME_SUPERSEDED",
        ]
    }
}

extension Wire {
    /// Why an observation revision was recorded.
    public struct RevisionKind: ProtoEnum {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let unspecified = Self(rawValue: 0)
        public static let mentioned = Self(rawValue: 1)
        public static let superseded = Self(rawValue: 2)
        public static let replaced = Self(rawValue: 3)
        public static let names: [Int32: String] = [
            0: "REVISION_KIND_UNSPECIFIED", 1: "REVISION_KIND_MENTIONED", 2: "REVISION_KIND_SUPERSEDED",
            3: "REVISION_KIND_REPLACED",
        ]
    }
}

extension Wire {
    /// Where a conversation is in its life.
    public struct ConversationState: ProtoEnum {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let unspecified = Self(rawValue: 0)
        public static let open = Self(rawValue: 1)
        public static let closed = Self(rawValue: 2)
        public static let extracting = Self(rawValue: 3)
        public static let extracted = Self(rawValue: 4)
        public static let failed = Self(rawValue: 5)
        public static let names: [Int32: String] = [
            0: "CONVERSATION_STATE_UNSPECIFIED", 1: "CONVERSATION_STATE_OPEN", 2: "CONVERSATION_STATE_CLOSED",
            3: "CONVERSATION_STATE_EXTRACTING", 4: "CONVERSATION_STATE_EXTRACTED", 5: "CONVERSATION_STATE_FAILED",
        ]
    }
}

extension Wire {
    /// What turns a store's closed conversations into observations.
    public struct Extractor: ProtoEnum {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let unspecified = Self(rawValue: 0)
        public static let rules = Self(rawValue: 1)
        public static let llm = Self(rawValue: 2)
        public static let none = Self(rawValue: 3)
        public static let names: [Int32: String] = [
            0: "EXTRACTOR_UNSPECIFIED", 1: "EXTRACTOR_RULES", 2: "EXTRACTOR_LLM", 3: "EXTRACTOR_NONE",
        ]
    }
}

extension Wire {
    /// What a knowledge item's source is written in.
    public struct KnowledgeSourceType: ProtoEnum {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let unspecified = Self(rawValue: 0)
        public static let text = Self(rawValue: 1)
        public static let markdown = Self(rawValue: 2)
        public static let html = Self(rawValue: 3)
        public static let csv = Self(rawValue: 4)
        public static let tsv = Self(rawValue: 5)
        public static let names: [Int32: String] = [
            0: "KNOWLEDGE_SOURCE_TYPE_UNSPECIFIED", 1: "KNOWLEDGE_SOURCE_TYPE_TEXT",
            2: "KNOWLEDGE_SOURCE_TYPE_MARKDOWN",
            3: "KNOWLEDGE_SOURCE_TYPE_HTML", 4: "KNOWLEDGE_SOURCE_TYPE_CSV", 5: "KNOWLEDGE_SOURCE_TYPE_TSV",
        ]
    }
}

extension Wire {
    /// Where a knowledge item (or base) stands.
    public struct KnowledgeStatus: ProtoEnum {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let unspecified = Self(rawValue: 0)
        public static let processing = Self(rawValue: 1)
        public static let ready = Self(rawValue: 2)
        public static let failed = Self(rawValue: 3)
        public static let names: [Int32: String] = [
            0: "KNOWLEDGE_STATUS_UNSPECIFIED", 1: "KNOWLEDGE_STATUS_PROCESSING", 2: "KNOWLEDGE_STATUS_READY",
            3: "KNOWLEDGE_STATUS_FAILED",
        ]
    }
}
