// Stores, and the deletion receipt shared by every erasure.

extension Wire {
    public struct Store: ProtoMessage {
        public static let protoMessageName = "Store"
        public var id: String = ""
        public var displayName: String = ""
        public var description: String = ""
        public var createdAtUs: Int64 = 0
        public var updatedAtUs: Int64 = 0
        public var conversationSettings: ConversationSettings?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, id)
            w.string(2, displayName)
            w.string(3, description)
            w.int64(4, createdAtUs)
            w.int64(5, updatedAtUs)
            w.message(6, conversationSettings)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: id = try r.string(t, "id")
            case 2: displayName = try r.string(t, "display_name")
            case 3: description = try r.string(t, "description")
            case 4: createdAtUs = try r.int64(t, "created_at_us")
            case 5: updatedAtUs = try r.int64(t, "updated_at_us")
            case 6: try r.message(t, "conversation_settings", merging: &conversationSettings)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct CreateStoreRequest: ProtoMessage {
        public static let protoMessageName = "CreateStoreRequest"
        public var displayName: String = ""
        public var description: String = ""
        public var conversationSettings: ConversationSettings?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, displayName)
            w.string(2, description)
            w.message(3, conversationSettings)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: displayName = try r.string(t, "display_name")
            case 2: description = try r.string(t, "description")
            case 3: try r.message(t, "conversation_settings", merging: &conversationSettings)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct CreateStoreResponse: ProtoMessage {
        public static let protoMessageName = "CreateStoreResponse"
        public var store: Store?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, store)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "store", merging: &store)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct GetStoreRequest: ProtoMessage {
        public static let protoMessageName = "GetStoreRequest"
        public var storeId: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct GetStoreResponse: ProtoMessage {
        public static let protoMessageName = "GetStoreResponse"
        public var store: Store?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, store)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "store", merging: &store)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ListStoresRequest: ProtoMessage {
        public static let protoMessageName = "ListStoresRequest"
        public var pageSize: UInt32 = 0
        public var pageToken: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.uint32(1, pageSize)
            w.string(2, pageToken)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: pageSize = try r.uint32(t, "page_size")
            case 2: pageToken = try r.string(t, "page_token")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ListStoresResponse: ProtoMessage {
        public static let protoMessageName = "ListStoresResponse"
        public var stores: [Store] = []
        public var nextPageToken: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.messages(1, stores)
            w.string(2, nextPageToken)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "stores", appendingTo: &stores)
            case 2: nextPageToken = try r.string(t, "next_page_token")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct UpdateStoreRequest: ProtoMessage {
        public static let protoMessageName = "UpdateStoreRequest"
        public var storeId: String = ""
        public var displayName: String?
        public var description: String?
        public var conversationSettings: ConversationSettings?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, displayName)
            w.string(3, description)
            w.message(4, conversationSettings)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: displayName = try r.string(t, "display_name")
            case 3: description = try r.string(t, "description")
            case 4: try r.message(t, "conversation_settings", merging: &conversationSettings)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct UpdateStoreResponse: ProtoMessage {
        public static let protoMessageName = "UpdateStoreResponse"
        public var store: Store?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, store)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "store", merging: &store)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct DeleteStoreRequest: ProtoMessage {
        public static let protoMessageName = "DeleteStoreRequest"
        public var storeId: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct DeleteStoreResponse: ProtoMessage {
        public static let protoMessageName = "DeleteStoreResponse"
        public var receipt: DeletionReceipt?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, receipt)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "receipt", merging: &receipt)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    /// What an erasure removed, and the log position that recorded it.
    public struct DeletionReceipt: ProtoMessage {
        public static let protoMessageName = "DeletionReceipt"
        public var profiles: UInt64 = 0
        public var identifiers: UInt64 = 0
        public var traits: UInt64 = 0
        public var observations: UInt64 = 0
        public var revisions: UInt64 = 0
        public var summaries: UInt64 = 0
        public var communications: UInt64 = 0
        public var logSequence: UInt64 = 0
        public var erasedAtUs: Int64 = 0
        public var knowledge: UInt64 = 0
        public var chunks: UInt64 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.uint64(1, profiles)
            w.uint64(2, identifiers)
            w.uint64(3, traits)
            w.uint64(4, observations)
            w.uint64(5, revisions)
            w.uint64(6, summaries)
            w.uint64(7, communications)
            w.uint64(8, logSequence)
            w.int64(9, erasedAtUs)
            w.uint64(10, knowledge)
            w.uint64(11, chunks)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: profiles = try r.uint64(t, "profiles")
            case 2: identifiers = try r.uint64(t, "identifiers")
            case 3: traits = try r.uint64(t, "traits")
            case 4: observations = try r.uint64(t, "observations")
            case 5: revisions = try r.uint64(t, "revisions")
            case 6: summaries = try r.uint64(t, "summaries")
            case 7: communications = try r.uint64(t, "communications")
            case 8: logSequence = try r.uint64(t, "log_sequence")
            case 9: erasedAtUs = try r.int64(t, "erased_at_us")
            case 10: knowledge = try r.uint64(t, "knowledge")
            case 11: chunks = try r.uint64(t, "chunks")
            default: return false
            }
            return true
        }
    }
}
