// Knowledge bases: bases, documents, chunks and search.

extension Wire {
    /// A knowledge base: a store's searchable collection of documents.
    public struct KnowledgeBase: ProtoMessage {
        public static let protoMessageName = "KnowledgeBase"
        public var id: String = ""
        public var displayName: String = ""
        public var description: String = ""
        public var createdAtUs: Int64 = 0
        public var updatedAtUs: Int64 = 0
        public var knowledgeCount: UInt32 = 0
        public var chunkCount: UInt32 = 0
        public var status: KnowledgeStatus = .unspecified
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, id)
            w.string(2, displayName)
            w.string(3, description)
            w.int64(4, createdAtUs)
            w.int64(5, updatedAtUs)
            w.uint32(6, knowledgeCount)
            w.uint32(7, chunkCount)
            w.enumValue(8, status)
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
            case 6: knowledgeCount = try r.uint32(t, "knowledge_count")
            case 7: chunkCount = try r.uint32(t, "chunk_count")
            case 8: status = try r.enumValue(t, "status")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    /// One metadata pair of a document.
    public struct MetadataEntry: ProtoMessage {
        public static let protoMessageName = "MetadataEntry"
        public var key: String = ""
        public var value: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, key)
            w.string(2, value)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: key = try r.string(t, "key")
            case 2: value = try r.string(t, "value")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    /// A document of a knowledge base.
    public struct Knowledge: ProtoMessage {
        public static let protoMessageName = "Knowledge"
        public var id: String = ""
        public var knowledgeBaseId: String = ""
        public var name: String = ""
        public var description: String = ""
        public var metadata: [MetadataEntry] = []
        public var sourceType: KnowledgeSourceType = .unspecified
        public var sourceBytes: UInt64 = 0
        public var status: KnowledgeStatus = .unspecified
        public var failure: String = ""
        public var chunkCount: UInt32 = 0
        public var embeddedCount: UInt32 = 0
        public var createdAtUs: Int64 = 0
        public var updatedAtUs: Int64 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, id)
            w.string(2, knowledgeBaseId)
            w.string(3, name)
            w.string(4, description)
            w.messages(5, metadata)
            w.enumValue(6, sourceType)
            w.uint64(7, sourceBytes)
            w.enumValue(8, status)
            w.string(9, failure)
            w.uint32(10, chunkCount)
            w.uint32(11, embeddedCount)
            w.int64(12, createdAtUs)
            w.int64(13, updatedAtUs)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: id = try r.string(t, "id")
            case 2: knowledgeBaseId = try r.string(t, "knowledge_base_id")
            case 3: name = try r.string(t, "name")
            case 4: description = try r.string(t, "description")
            case 5: try r.message(t, "metadata", appendingTo: &metadata)
            case 6: sourceType = try r.enumValue(t, "source_type")
            case 7: sourceBytes = try r.uint64(t, "source_bytes")
            case 8: status = try r.enumValue(t, "status")
            case 9: failure = try r.string(t, "failure")
            case 10: chunkCount = try r.uint32(t, "chunk_count")
            case 11: embeddedCount = try r.uint32(t, "embedded_count")
            case 12: createdAtUs = try r.int64(t, "created_at_us")
            case 13: updatedAtUs = try r.int64(t, "updated_at_us")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    /// One chunk of a document, as stored.
    public struct KnowledgeChunk: ProtoMessage {
        public static let protoMessageName = "KnowledgeChunk"
        public var knowledgeId: String = ""
        public var chunkIndex: UInt32 = 0
        public var content: String = ""
        public var documentTitle: String = ""
        public var headingPath: [String] = []
        public var startOffset: UInt32 = 0
        public var endOffset: UInt32 = 0
        public var knowledgeBaseId: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, knowledgeId)
            w.uint32(2, chunkIndex)
            w.string(3, content)
            w.string(4, documentTitle)
            w.strings(5, headingPath)
            w.uint32(6, startOffset)
            w.uint32(7, endOffset)
            w.string(8, knowledgeBaseId)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: knowledgeId = try r.string(t, "knowledge_id")
            case 2: chunkIndex = try r.uint32(t, "chunk_index")
            case 3: content = try r.string(t, "content")
            case 4: documentTitle = try r.string(t, "document_title")
            case 5: headingPath.append(try r.string(t, "heading_path"))
            case 6: startOffset = try r.uint32(t, "start_offset")
            case 7: endOffset = try r.uint32(t, "end_offset")
            case 8: knowledgeBaseId = try r.string(t, "knowledge_base_id")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    /// A chunk a search found.
    public struct ScoredKnowledgeChunk: ProtoMessage {
        public static let protoMessageName = "ScoredKnowledgeChunk"
        public var chunk: KnowledgeChunk?
        public var score: Float = 0
        public var explanation: ScoreExplanation?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, chunk)
            w.float(2, score)
            w.message(3, explanation)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "chunk", merging: &chunk)
            case 2: score = try r.float(t, "score")
            case 3: try r.message(t, "explanation", merging: &explanation)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct CreateKnowledgeBaseRequest: ProtoMessage {
        public static let protoMessageName = "CreateKnowledgeBaseRequest"
        public var storeId: String = ""
        public var displayName: String = ""
        public var description: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, displayName)
            w.string(3, description)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: displayName = try r.string(t, "display_name")
            case 3: description = try r.string(t, "description")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct CreateKnowledgeBaseResponse: ProtoMessage {
        public static let protoMessageName = "CreateKnowledgeBaseResponse"
        public var knowledgeBase: KnowledgeBase?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, knowledgeBase)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "knowledge_base", merging: &knowledgeBase)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct GetKnowledgeBaseRequest: ProtoMessage {
        public static let protoMessageName = "GetKnowledgeBaseRequest"
        public var storeId: String = ""
        public var knowledgeBaseId: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, knowledgeBaseId)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: knowledgeBaseId = try r.string(t, "knowledge_base_id")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct GetKnowledgeBaseResponse: ProtoMessage {
        public static let protoMessageName = "GetKnowledgeBaseResponse"
        public var knowledgeBase: KnowledgeBase?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, knowledgeBase)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "knowledge_base", merging: &knowledgeBase)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ListKnowledgeBasesRequest: ProtoMessage {
        public static let protoMessageName = "ListKnowledgeBasesRequest"
        public var storeId: String = ""
        public var pageSize: UInt32 = 0
        public var pageToken: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.uint32(2, pageSize)
            w.string(3, pageToken)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: pageSize = try r.uint32(t, "page_size")
            case 3: pageToken = try r.string(t, "page_token")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ListKnowledgeBasesResponse: ProtoMessage {
        public static let protoMessageName = "ListKnowledgeBasesResponse"
        public var knowledgeBases: [KnowledgeBase] = []
        public var nextPageToken: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.messages(1, knowledgeBases)
            w.string(2, nextPageToken)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "knowledge_bases", appendingTo: &knowledgeBases)
            case 2: nextPageToken = try r.string(t, "next_page_token")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct UpdateKnowledgeBaseRequest: ProtoMessage {
        public static let protoMessageName = "UpdateKnowledgeBaseRequest"
        public var storeId: String = ""
        public var knowledgeBaseId: String = ""
        public var displayName: String?
        public var description: String?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, knowledgeBaseId)
            w.string(3, displayName)
            w.string(4, description)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: knowledgeBaseId = try r.string(t, "knowledge_base_id")
            case 3: displayName = try r.string(t, "display_name")
            case 4: description = try r.string(t, "description")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct UpdateKnowledgeBaseResponse: ProtoMessage {
        public static let protoMessageName = "UpdateKnowledgeBaseResponse"
        public var knowledgeBase: KnowledgeBase?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, knowledgeBase)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "knowledge_base", merging: &knowledgeBase)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct DeleteKnowledgeBaseRequest: ProtoMessage {
        public static let protoMessageName = "DeleteKnowledgeBaseRequest"
        public var storeId: String = ""
        public var knowledgeBaseId: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, knowledgeBaseId)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: knowledgeBaseId = try r.string(t, "knowledge_base_id")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct DeleteKnowledgeBaseResponse: ProtoMessage {
        public static let protoMessageName = "DeleteKnowledgeBaseResponse"
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
    public struct AddKnowledgeRequest: ProtoMessage {
        public static let protoMessageName = "AddKnowledgeRequest"
        public var storeId: String = ""
        public var knowledgeBaseId: String = ""
        public var name: String = ""
        public var description: String = ""
        public var metadata: [MetadataEntry] = []
        public var sourceType: KnowledgeSourceType = .unspecified
        public var source: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, knowledgeBaseId)
            w.string(3, name)
            w.string(4, description)
            w.messages(5, metadata)
            w.enumValue(6, sourceType)
            w.string(7, source)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: knowledgeBaseId = try r.string(t, "knowledge_base_id")
            case 3: name = try r.string(t, "name")
            case 4: description = try r.string(t, "description")
            case 5: try r.message(t, "metadata", appendingTo: &metadata)
            case 6: sourceType = try r.enumValue(t, "source_type")
            case 7: source = try r.string(t, "source")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct AddKnowledgeResponse: ProtoMessage {
        public static let protoMessageName = "AddKnowledgeResponse"
        public var knowledge: Knowledge?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, knowledge)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "knowledge", merging: &knowledge)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct GetKnowledgeRequest: ProtoMessage {
        public static let protoMessageName = "GetKnowledgeRequest"
        public var storeId: String = ""
        public var knowledgeBaseId: String = ""
        public var knowledgeId: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, knowledgeBaseId)
            w.string(3, knowledgeId)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: knowledgeBaseId = try r.string(t, "knowledge_base_id")
            case 3: knowledgeId = try r.string(t, "knowledge_id")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct GetKnowledgeResponse: ProtoMessage {
        public static let protoMessageName = "GetKnowledgeResponse"
        public var knowledge: Knowledge?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, knowledge)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "knowledge", merging: &knowledge)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ListKnowledgeRequest: ProtoMessage {
        public static let protoMessageName = "ListKnowledgeRequest"
        public var storeId: String = ""
        public var knowledgeBaseId: String = ""
        public var pageSize: UInt32 = 0
        public var pageToken: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, knowledgeBaseId)
            w.uint32(3, pageSize)
            w.string(4, pageToken)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: knowledgeBaseId = try r.string(t, "knowledge_base_id")
            case 3: pageSize = try r.uint32(t, "page_size")
            case 4: pageToken = try r.string(t, "page_token")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ListKnowledgeResponse: ProtoMessage {
        public static let protoMessageName = "ListKnowledgeResponse"
        public var knowledge: [Knowledge] = []
        public var nextPageToken: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.messages(1, knowledge)
            w.string(2, nextPageToken)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "knowledge", appendingTo: &knowledge)
            case 2: nextPageToken = try r.string(t, "next_page_token")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct UpdateKnowledgeRequest: ProtoMessage {
        public static let protoMessageName = "UpdateKnowledgeRequest"
        public var storeId: String = ""
        public var knowledgeBaseId: String = ""
        public var knowledgeId: String = ""
        public var name: String?
        public var description: String?
        public var metadata: [MetadataEntry] = []
        public var clearMetadata: Bool = false
        public var sourceType: KnowledgeSourceType = .unspecified
        public var source: String?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, knowledgeBaseId)
            w.string(3, knowledgeId)
            w.string(4, name)
            w.string(5, description)
            w.messages(6, metadata)
            w.bool(7, clearMetadata)
            w.enumValue(8, sourceType)
            w.string(9, source)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: knowledgeBaseId = try r.string(t, "knowledge_base_id")
            case 3: knowledgeId = try r.string(t, "knowledge_id")
            case 4: name = try r.string(t, "name")
            case 5: description = try r.string(t, "description")
            case 6: try r.message(t, "metadata", appendingTo: &metadata)
            case 7: clearMetadata = try r.bool(t, "clear_metadata")
            case 8: sourceType = try r.enumValue(t, "source_type")
            case 9: source = try r.string(t, "source")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct UpdateKnowledgeResponse: ProtoMessage {
        public static let protoMessageName = "UpdateKnowledgeResponse"
        public var knowledge: Knowledge?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, knowledge)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "knowledge", merging: &knowledge)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct DeleteKnowledgeRequest: ProtoMessage {
        public static let protoMessageName = "DeleteKnowledgeRequest"
        public var storeId: String = ""
        public var knowledgeBaseId: String = ""
        public var knowledgeId: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, knowledgeBaseId)
            w.string(3, knowledgeId)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: knowledgeBaseId = try r.string(t, "knowledge_base_id")
            case 3: knowledgeId = try r.string(t, "knowledge_id")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct DeleteKnowledgeResponse: ProtoMessage {
        public static let protoMessageName = "DeleteKnowledgeResponse"
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
    public struct ListChunksRequest: ProtoMessage {
        public static let protoMessageName = "ListChunksRequest"
        public var storeId: String = ""
        public var knowledgeBaseId: String = ""
        public var knowledgeId: String = ""
        public var pageSize: UInt32 = 0
        public var pageToken: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, knowledgeBaseId)
            w.string(3, knowledgeId)
            w.uint32(4, pageSize)
            w.string(5, pageToken)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: knowledgeBaseId = try r.string(t, "knowledge_base_id")
            case 3: knowledgeId = try r.string(t, "knowledge_id")
            case 4: pageSize = try r.uint32(t, "page_size")
            case 5: pageToken = try r.string(t, "page_token")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ListChunksResponse: ProtoMessage {
        public static let protoMessageName = "ListChunksResponse"
        public var chunks: [KnowledgeChunk] = []
        public var nextPageToken: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.messages(1, chunks)
            w.string(2, nextPageToken)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "chunks", appendingTo: &chunks)
            case 2: nextPageToken = try r.string(t, "next_page_token")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct SearchKnowledgeRequest: ProtoMessage {
        public static let protoMessageName = "SearchKnowledgeRequest"
        public var storeId: String = ""
        public var query: String = ""
        public var top: UInt32 = 0
        public var knowledgeBaseIds: [String] = []
        public var knowledgeIds: [String] = []
        public var metadata: [MetadataEntry] = []
        public var explain: Bool = false
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, query)
            w.uint32(3, top)
            w.strings(4, knowledgeBaseIds)
            w.strings(5, knowledgeIds)
            w.messages(6, metadata)
            w.bool(7, explain)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: query = try r.string(t, "query")
            case 3: top = try r.uint32(t, "top")
            case 4: knowledgeBaseIds.append(try r.string(t, "knowledge_base_ids"))
            case 5: knowledgeIds.append(try r.string(t, "knowledge_ids"))
            case 6: try r.message(t, "metadata", appendingTo: &metadata)
            case 7: explain = try r.bool(t, "explain")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct SearchKnowledgeResponse: ProtoMessage {
        public static let protoMessageName = "SearchKnowledgeResponse"
        public var chunks: [ScoredKnowledgeChunk] = []
        public var queryTimeUs: Int64 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.messages(1, chunks)
            w.int64(2, queryTimeUs)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "chunks", appendingTo: &chunks)
            case 2: queryTimeUs = try r.int64(t, "query_time_us")
            default: return false
            }
            return true
        }
    }
}
