// Conversations: the messages of `engram.proto`'s Conversations section, by hand.

extension Wire {
    public struct ConversationSettings: ProtoMessage {
        public static let protoMessageName = "ConversationSettings"
        public var idleTimeoutSeconds: UInt32?
        public var extractor: Extractor = .unspecified
        public var linkWhatsappToPhone: Bool?
        public var messageRetentionDays: UInt32?
        public var observationRetentionDays: UInt32?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.uint32(1, idleTimeoutSeconds)
            w.enumValue(2, extractor)
            w.bool(3, linkWhatsappToPhone)
            w.uint32(4, messageRetentionDays)
            w.uint32(5, observationRetentionDays)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError) -> Bool
        {
            switch n {
            case 1: idleTimeoutSeconds = try r.uint32(t, "idle_timeout_seconds")
            case 2: extractor = try r.enumValue(t, "extractor")
            case 3: linkWhatsappToPhone = try r.bool(t, "link_whatsapp_to_phone")
            case 4: messageRetentionDays = try r.uint32(t, "message_retention_days")
            case 5: observationRetentionDays = try r.uint32(t, "observation_retention_days")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct Conversation: ProtoMessage {
        public static let protoMessageName = "Conversation"
        public var id: String = ""
        public var profileId: String = ""
        public var state: ConversationState = .unspecified
        public var createdAtUs: Int64 = 0
        public var updatedAtUs: Int64 = 0
        public var lastAppendAtUs: Int64 = 0
        public var firstMessageAtUs: Int64 = 0
        public var lastMessageAtUs: Int64 = 0
        public var messageCount: UInt32 = 0
        public var channels: [Channel] = []
        public var closedAtUs: Int64 = 0
        public var error: String = ""
        public var observationIds: [String] = []
        public var summaryId: String = ""
        public var extractor: String = ""
        public var extractedAtUs: Int64 = 0
        public var extractedMessageCount: UInt32 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, id)
            w.string(2, profileId)
            w.enumValue(3, state)
            w.int64(4, createdAtUs)
            w.int64(5, updatedAtUs)
            w.int64(6, lastAppendAtUs)
            w.int64(7, firstMessageAtUs)
            w.int64(8, lastMessageAtUs)
            w.uint32(9, messageCount)
            w.packedEnums(10, channels)
            w.int64(11, closedAtUs)
            w.string(12, error)
            w.strings(13, observationIds)
            w.string(14, summaryId)
            w.string(15, extractor)
            w.int64(16, extractedAtUs)
            w.uint32(17, extractedMessageCount)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError) -> Bool
        {
            switch n {
            case 1: id = try r.string(t, "id")
            case 2: profileId = try r.string(t, "profile_id")
            case 3: state = try r.enumValue(t, "state")
            case 4: createdAtUs = try r.int64(t, "created_at_us")
            case 5: updatedAtUs = try r.int64(t, "updated_at_us")
            case 6: lastAppendAtUs = try r.int64(t, "last_append_at_us")
            case 7: firstMessageAtUs = try r.int64(t, "first_message_at_us")
            case 8: lastMessageAtUs = try r.int64(t, "last_message_at_us")
            case 9: messageCount = try r.uint32(t, "message_count")
            case 10: try r.enumValues(t, "channels", into: &channels)
            case 11: closedAtUs = try r.int64(t, "closed_at_us")
            case 12: error = try r.string(t, "error")
            case 13: observationIds.append(try r.string(t, "observation_ids"))
            case 14: summaryId = try r.string(t, "summary_id")
            case 15: extractor = try r.string(t, "extractor")
            case 16: extractedAtUs = try r.int64(t, "extracted_at_us")
            case 17: extractedMessageCount = try r.uint32(t, "extracted_message_count")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct AppendCommunicationsRequest: ProtoMessage {
        public static let protoMessageName = "AppendCommunicationsRequest"
        public var storeId: String = ""
        public var conversationId: String = ""
        public var profileId: String = ""
        public var communications: [Communication] = []
        public var close: Bool = false
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, conversationId)
            w.string(3, profileId)
            w.messages(4, communications)
            w.bool(5, close)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError) -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: conversationId = try r.string(t, "conversation_id")
            case 3: profileId = try r.string(t, "profile_id")
            case 4: try r.message(t, "communications", appendingTo: &communications)
            case 5: close = try r.bool(t, "close")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct AppendCommunicationsResponse: ProtoMessage {
        public static let protoMessageName = "AppendCommunicationsResponse"
        public var conversation: Conversation?
        public var communicationIds: [String] = []
        public var added: UInt32 = 0
        public var profileId: String = ""
        public var resolveOutcome: ResolveOutcome = .unspecified
        public var logSequence: UInt64 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, conversation)
            w.strings(2, communicationIds)
            w.uint32(3, added)
            w.string(4, profileId)
            w.enumValue(5, resolveOutcome)
            w.uint64(6, logSequence)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError) -> Bool
        {
            switch n {
            case 1: try r.message(t, "conversation", merging: &conversation)
            case 2: communicationIds.append(try r.string(t, "communication_ids"))
            case 3: added = try r.uint32(t, "added")
            case 4: profileId = try r.string(t, "profile_id")
            case 5: resolveOutcome = try r.enumValue(t, "resolve_outcome")
            case 6: logSequence = try r.uint64(t, "log_sequence")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct CloseConversationRequest: ProtoMessage {
        public static let protoMessageName = "CloseConversationRequest"
        public var storeId: String = ""
        public var conversationId: String = ""
        public var profileId: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, conversationId)
            w.string(3, profileId)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError) -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: conversationId = try r.string(t, "conversation_id")
            case 3: profileId = try r.string(t, "profile_id")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct CloseConversationResponse: ProtoMessage {
        public static let protoMessageName = "CloseConversationResponse"
        public var conversation: Conversation?
        public var logSequence: UInt64 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, conversation)
            w.uint64(2, logSequence)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError) -> Bool
        {
            switch n {
            case 1: try r.message(t, "conversation", merging: &conversation)
            case 2: logSequence = try r.uint64(t, "log_sequence")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct GetConversationRequest: ProtoMessage {
        public static let protoMessageName = "GetConversationRequest"
        public var storeId: String = ""
        public var conversationId: String = ""
        public var profileId: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, conversationId)
            w.string(3, profileId)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError) -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: conversationId = try r.string(t, "conversation_id")
            case 3: profileId = try r.string(t, "profile_id")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct GetConversationResponse: ProtoMessage {
        public static let protoMessageName = "GetConversationResponse"
        public var conversation: Conversation?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, conversation)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError) -> Bool
        {
            switch n {
            case 1: try r.message(t, "conversation", merging: &conversation)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ListConversationsRequest: ProtoMessage {
        public static let protoMessageName = "ListConversationsRequest"
        public var storeId: String = ""
        public var profileId: String = ""
        public var pageSize: UInt32 = 0
        public var pageToken: String = ""
        public var state: ConversationState = .unspecified
        public var lastMessageAfterUs: Int64 = 0
        public var lastMessageBeforeUs: Int64 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, profileId)
            w.uint32(3, pageSize)
            w.string(4, pageToken)
            w.enumValue(5, state)
            w.int64(6, lastMessageAfterUs)
            w.int64(7, lastMessageBeforeUs)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError) -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: profileId = try r.string(t, "profile_id")
            case 3: pageSize = try r.uint32(t, "page_size")
            case 4: pageToken = try r.string(t, "page_token")
            case 5: state = try r.enumValue(t, "state")
            case 6: lastMessageAfterUs = try r.int64(t, "last_message_after_us")
            case 7: lastMessageBeforeUs = try r.int64(t, "last_message_before_us")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ListConversationsResponse: ProtoMessage {
        public static let protoMessageName = "ListConversationsResponse"
        public var conversations: [Conversation] = []
        public var nextPageToken: String = ""
        public var profileId: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.messages(1, conversations)
            w.string(2, nextPageToken)
            w.string(3, profileId)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError) -> Bool
        {
            switch n {
            case 1: try r.message(t, "conversations", appendingTo: &conversations)
            case 2: nextPageToken = try r.string(t, "next_page_token")
            case 3: profileId = try r.string(t, "profile_id")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ListCommunicationsRequest: ProtoMessage {
        public static let protoMessageName = "ListCommunicationsRequest"
        public var storeId: String = ""
        public var profileId: String = ""
        public var conversationId: String = ""
        public var pageSize: UInt32 = 0
        public var pageToken: String = ""
        public var createdAfterUs: Int64 = 0
        public var createdBeforeUs: Int64 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, profileId)
            w.string(3, conversationId)
            w.uint32(4, pageSize)
            w.string(5, pageToken)
            w.int64(6, createdAfterUs)
            w.int64(7, createdBeforeUs)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError) -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: profileId = try r.string(t, "profile_id")
            case 3: conversationId = try r.string(t, "conversation_id")
            case 4: pageSize = try r.uint32(t, "page_size")
            case 5: pageToken = try r.string(t, "page_token")
            case 6: createdAfterUs = try r.int64(t, "created_after_us")
            case 7: createdBeforeUs = try r.int64(t, "created_before_us")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ListCommunicationsResponse: ProtoMessage {
        public static let protoMessageName = "ListCommunicationsResponse"
        public var communications: [Communication] = []
        public var nextPageToken: String = ""
        public var profileId: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.messages(1, communications)
            w.string(2, nextPageToken)
            w.string(3, profileId)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError) -> Bool
        {
            switch n {
            case 1: try r.message(t, "communications", appendingTo: &communications)
            case 2: nextPageToken = try r.string(t, "next_page_token")
            case 3: profileId = try r.string(t, "profile_id")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ScoredCommunication: ProtoMessage {
        public static let protoMessageName = "ScoredCommunication"
        public var communication: Communication?
        public var score: Float = 0
        public var explanation: ScoreExplanation?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, communication)
            w.float(2, score)
            w.message(3, explanation)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError) -> Bool
        {
            switch n {
            case 1: try r.message(t, "communication", merging: &communication)
            case 2: score = try r.float(t, "score")
            case 3: try r.message(t, "explanation", merging: &explanation)
            default: return false
            }
            return true
        }
    }
}
