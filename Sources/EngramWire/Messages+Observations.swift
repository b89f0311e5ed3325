// Observations, summaries, communications, and the memory calls except Recall.

extension Wire {
    public struct Observation: ProtoMessage {
        public static let protoMessageName = "Observation"
        public var id: String = ""
        public var content: String = ""
        public var source: String = ""
        public var occurredAtUs: Int64 = 0
        public var conversationIds: [String] = []
        public var subject: String = ""
        public var embedding: [Float] = []
        public var createdAtUs: Int64 = 0
        public var updatedAtUs: Int64 = 0
        public var mentionCount: UInt32 = 0
        public var status: ObservationStatus = .unspecified
        public var supersededBy: String = ""
        public var idempotencyKey: String = ""
        public var communicationIds: [String] = []
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, id)
            w.string(2, content)
            w.string(3, source)
            w.int64(4, occurredAtUs)
            w.strings(5, conversationIds)
            w.string(6, subject)
            w.packedFloats(7, embedding)
            w.int64(8, createdAtUs)
            w.int64(9, updatedAtUs)
            w.uint32(10, mentionCount)
            w.enumValue(11, status)
            w.string(12, supersededBy)
            w.string(13, idempotencyKey)
            w.strings(14, communicationIds)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: id = try r.string(t, "id")
            case 2: content = try r.string(t, "content")
            case 3: source = try r.string(t, "source")
            case 4: occurredAtUs = try r.int64(t, "occurred_at_us")
            case 5: conversationIds.append(try r.string(t, "conversation_ids"))
            case 6: subject = try r.string(t, "subject")
            case 7: try r.floats(t, "embedding", into: &embedding)
            case 8: createdAtUs = try r.int64(t, "created_at_us")
            case 9: updatedAtUs = try r.int64(t, "updated_at_us")
            case 10: mentionCount = try r.uint32(t, "mention_count")
            case 11: status = try r.enumValue(t, "status")
            case 12: supersededBy = try r.string(t, "superseded_by")
            case 13: idempotencyKey = try r.string(t, "idempotency_key")
            case 14: communicationIds.append(try r.string(t, "communication_ids"))
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    /// An observation as sent to Observe.
    public struct NewObservation: ProtoMessage {
        public static let protoMessageName = "NewObservation"
        public var content: String = ""
        public var source: String = ""
        public var occurredAtUs: Int64 = 0
        public var conversationIds: [String] = []
        public var subject: String = ""
        public var idempotencyKey: String = ""
        public var communicationIds: [String] = []
        public var embedding: [Float] = []
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, content)
            w.string(2, source)
            w.int64(3, occurredAtUs)
            w.strings(4, conversationIds)
            w.string(5, subject)
            w.string(6, idempotencyKey)
            w.packedFloats(7, embedding)
            w.strings(8, communicationIds)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: content = try r.string(t, "content")
            case 2: source = try r.string(t, "source")
            case 3: occurredAtUs = try r.int64(t, "occurred_at_us")
            case 4: conversationIds.append(try r.string(t, "conversation_ids"))
            case 5: subject = try r.string(t, "subject")
            case 6: idempotencyKey = try r.string(t, "idempotency_key")
            case 7: try r.floats(t, "embedding", into: &embedding)
            case 8: communicationIds.append(try r.string(t, "communication_ids"))
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct Summary: ProtoMessage {
        public static let protoMessageName = "Summary"
        public var id: String = ""
        public var content: String = ""
        public var conversationId: String = ""
        public var occurredAtUs: Int64 = 0
        public var source: String = ""
        public var createdAtUs: Int64 = 0
        public var updatedAtUs: Int64 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, id)
            w.string(2, content)
            w.string(3, conversationId)
            w.int64(4, occurredAtUs)
            w.string(5, source)
            w.int64(6, createdAtUs)
            w.int64(7, updatedAtUs)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: id = try r.string(t, "id")
            case 2: content = try r.string(t, "content")
            case 3: conversationId = try r.string(t, "conversation_id")
            case 4: occurredAtUs = try r.int64(t, "occurred_at_us")
            case 5: source = try r.string(t, "source")
            case 6: createdAtUs = try r.int64(t, "created_at_us")
            case 7: updatedAtUs = try r.int64(t, "updated_at_us")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct NewSummary: ProtoMessage {
        public static let protoMessageName = "NewSummary"
        public var content: String = ""
        public var conversationId: String = ""
        public var occurredAtUs: Int64 = 0
        public var source: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, content)
            w.string(2, conversationId)
            w.int64(3, occurredAtUs)
            w.string(4, source)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: content = try r.string(t, "content")
            case 2: conversationId = try r.string(t, "conversation_id")
            case 3: occurredAtUs = try r.int64(t, "occurred_at_us")
            case 4: source = try r.string(t, "source")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct Participant: ProtoMessage {
        public static let protoMessageName = "Participant"
        public var type: ParticipantType = .unspecified
        public var address: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.enumValue(1, type)
            w.string(2, address)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: type = try r.enumValue(t, "type")
            case 2: address = try r.string(t, "address")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    /// One message of a conversation.
    public struct Communication: ProtoMessage {
        public static let protoMessageName = "Communication"
        public var id: String = ""
        public var conversationId: String = ""
        public var author: Participant?
        public var recipients: [Participant] = []
        public var channel: Channel = .unspecified
        public var text: String = ""
        public var createdAtUs: Int64 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, id)
            w.string(2, conversationId)
            w.message(3, author)
            w.messages(4, recipients)
            w.enumValue(5, channel)
            w.string(6, text)
            w.int64(7, createdAtUs)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: id = try r.string(t, "id")
            case 2: conversationId = try r.string(t, "conversation_id")
            case 3: try r.message(t, "author", merging: &author)
            case 4: try r.message(t, "recipients", appendingTo: &recipients)
            case 5: channel = try r.enumValue(t, "channel")
            case 6: text = try r.string(t, "text")
            case 7: createdAtUs = try r.int64(t, "created_at_us")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ObservationResult: ProtoMessage {
        public static let protoMessageName = "ObservationResult"
        public var observationId: String = ""
        public var outcome: ObserveOutcome = .unspecified
        public var relatedObservationId: String = ""
        public var replayed: Bool = false
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, observationId)
            w.enumValue(2, outcome)
            w.string(3, relatedObservationId)
            w.bool(4, replayed)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: observationId = try r.string(t, "observation_id")
            case 2: outcome = try r.enumValue(t, "outcome")
            case 3: relatedObservationId = try r.string(t, "related_observation_id")
            case 4: replayed = try r.bool(t, "replayed")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ObserveRequest: ProtoMessage {
        public static let protoMessageName = "ObserveRequest"
        public var storeId: String = ""
        public var profileId: String = ""
        public var observations: [NewObservation] = []
        public var summaries: [NewSummary] = []
        public var communications: [Communication] = []
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, profileId)
            w.messages(3, observations)
            w.messages(4, summaries)
            w.messages(5, communications)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: profileId = try r.string(t, "profile_id")
            case 3: try r.message(t, "observations", appendingTo: &observations)
            case 4: try r.message(t, "summaries", appendingTo: &summaries)
            case 5: try r.message(t, "communications", appendingTo: &communications)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ObserveResponse: ProtoMessage {
        public static let protoMessageName = "ObserveResponse"
        public var results: [ObservationResult] = []
        public var summaryIds: [String] = []
        public var communicationIds: [String] = []
        public var profileId: String = ""
        public var logSequence: UInt64 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.messages(1, results)
            w.strings(2, summaryIds)
            w.strings(3, communicationIds)
            w.string(4, profileId)
            w.uint64(5, logSequence)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "results", appendingTo: &results)
            case 2: summaryIds.append(try r.string(t, "summary_ids"))
            case 3: communicationIds.append(try r.string(t, "communication_ids"))
            case 4: profileId = try r.string(t, "profile_id")
            case 5: logSequence = try r.uint64(t, "log_sequence")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ListObservationsRequest: ProtoMessage {
        public static let protoMessageName = "ListObservationsRequest"
        public var storeId: String = ""
        public var profileId: String = ""
        public var pageSize: UInt32 = 0
        public var pageToken: String = ""
        public var source: String = ""
        public var conversationId: String = ""
        public var createdAfterUs: Int64 = 0
        public var createdBeforeUs: Int64 = 0
        public var occurredAfterUs: Int64 = 0
        public var occurredBeforeUs: Int64 = 0
        public var status: ObservationStatus = .unspecified
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, profileId)
            w.uint32(3, pageSize)
            w.string(4, pageToken)
            w.string(5, source)
            w.string(6, conversationId)
            w.int64(7, createdAfterUs)
            w.int64(8, createdBeforeUs)
            w.int64(9, occurredAfterUs)
            w.int64(10, occurredBeforeUs)
            w.enumValue(11, status)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: profileId = try r.string(t, "profile_id")
            case 3: pageSize = try r.uint32(t, "page_size")
            case 4: pageToken = try r.string(t, "page_token")
            case 5: source = try r.string(t, "source")
            case 6: conversationId = try r.string(t, "conversation_id")
            case 7: createdAfterUs = try r.int64(t, "created_after_us")
            case 8: createdBeforeUs = try r.int64(t, "created_before_us")
            case 9: occurredAfterUs = try r.int64(t, "occurred_after_us")
            case 10: occurredBeforeUs = try r.int64(t, "occurred_before_us")
            case 11: status = try r.enumValue(t, "status")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ListObservationsResponse: ProtoMessage {
        public static let protoMessageName = "ListObservationsResponse"
        public var observations: [Observation] = []
        public var nextPageToken: String = ""
        public var profileId: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.messages(1, observations)
            w.string(2, nextPageToken)
            w.string(3, profileId)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "observations", appendingTo: &observations)
            case 2: nextPageToken = try r.string(t, "next_page_token")
            case 3: profileId = try r.string(t, "profile_id")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ObservationRevision: ProtoMessage {
        public static let protoMessageName = "ObservationRevision"
        public var revision: UInt32 = 0
        public var previous: Observation?
        public var kind: RevisionKind = .unspecified
        public var conversationId: String = ""
        public var changedAtUs: Int64 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.uint32(1, revision)
            w.message(2, previous)
            w.enumValue(3, kind)
            w.string(4, conversationId)
            w.int64(5, changedAtUs)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: revision = try r.uint32(t, "revision")
            case 2: try r.message(t, "previous", merging: &previous)
            case 3: kind = try r.enumValue(t, "kind")
            case 4: conversationId = try r.string(t, "conversation_id")
            case 5: changedAtUs = try r.int64(t, "changed_at_us")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ListObservationRevisionsRequest: ProtoMessage {
        public static let protoMessageName = "ListObservationRevisionsRequest"
        public var storeId: String = ""
        public var profileId: String = ""
        public var observationId: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, profileId)
            w.string(3, observationId)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: profileId = try r.string(t, "profile_id")
            case 3: observationId = try r.string(t, "observation_id")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ListObservationRevisionsResponse: ProtoMessage {
        public static let protoMessageName = "ListObservationRevisionsResponse"
        public var revisions: [ObservationRevision] = []
        public var current: Observation?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.messages(1, revisions)
            w.message(2, current)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "revisions", appendingTo: &revisions)
            case 2: try r.message(t, "current", merging: &current)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct DeleteObservationRequest: ProtoMessage {
        public static let protoMessageName = "DeleteObservationRequest"
        public var storeId: String = ""
        public var profileId: String = ""
        public var observationId: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, profileId)
            w.string(3, observationId)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: profileId = try r.string(t, "profile_id")
            case 3: observationId = try r.string(t, "observation_id")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct DeleteObservationResponse: ProtoMessage {
        public static let protoMessageName = "DeleteObservationResponse"
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
    public struct ListSummariesRequest: ProtoMessage {
        public static let protoMessageName = "ListSummariesRequest"
        public var storeId: String = ""
        public var profileId: String = ""
        public var pageSize: UInt32 = 0
        public var pageToken: String = ""
        public var conversationId: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, profileId)
            w.uint32(3, pageSize)
            w.string(4, pageToken)
            w.string(5, conversationId)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: profileId = try r.string(t, "profile_id")
            case 3: pageSize = try r.uint32(t, "page_size")
            case 4: pageToken = try r.string(t, "page_token")
            case 5: conversationId = try r.string(t, "conversation_id")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ListSummariesResponse: ProtoMessage {
        public static let protoMessageName = "ListSummariesResponse"
        public var summaries: [Summary] = []
        public var nextPageToken: String = ""
        public var profileId: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.messages(1, summaries)
            w.string(2, nextPageToken)
            w.string(3, profileId)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "summaries", appendingTo: &summaries)
            case 2: nextPageToken = try r.string(t, "next_page_token")
            case 3: profileId = try r.string(t, "profile_id")
            default: return false
            }
            return true
        }
    }
}
