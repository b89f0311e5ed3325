// Profiles, identifiers, traits, and the identity calls.

extension Wire {
    public struct Identifier: ProtoMessage {
        public static let protoMessageName = "Identifier"
        public var type: String = ""
        public var value: String = ""
        public var addedAtUs: Int64 = 0
        public init() {}
        public init(type: String, value: String) {
            self.type = type
            self.value = value
        }

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, type)
            w.string(2, value)
            w.int64(3, addedAtUs)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: type = try r.string(t, "type")
            case 2: value = try r.string(t, "value")
            case 3: addedAtUs = try r.int64(t, "added_at_us")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct StringList: ProtoMessage {
        public static let protoMessageName = "StringList"
        public var values: [String] = []
        public init() {}
        public init(_ values: [String]) { self.values = values }

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.strings(1, values)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: values.append(try r.string(t, "values"))
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    /// One trait's value and timestamp. In a patch, `nullValue` removes the trait.
    public struct TraitValue: ProtoMessage {
        public static let protoMessageName = "TraitValue"

        /// The schema's `oneof kind`.
        public enum Kind: Hashable, Sendable {
            case stringValue(String)
            case numberValue(Double)
            case boolValue(Bool)
            case listValue(StringList)
            case nullValue(Bool)
            case integerValue(Int64)
        }

        public var kind: Kind?
        public var updatedAtUs: Int64 = 0
        public init() {}
        public init(_ kind: Kind, updatedAtUs: Int64 = 0) {
            self.kind = kind
            self.updatedAtUs = updatedAtUs
        }

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            switch kind {
            case .stringValue(let v): w.string(1, v, always: true)
            case .numberValue(let v): w.double(2, v, always: true)
            case .boolValue(let v): w.bool(3, v, always: true)
            case .listValue(let v): w.message(4, v)
            case .nullValue(let v): w.bool(5, v, always: true)
            case .integerValue, nil: break
            }
            w.int64(6, updatedAtUs)
            if case .integerValue(let v) = kind { w.sint64(7, v, always: true) }
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: kind = .stringValue(try r.string(t, "string_value"))
            case 2: kind = .numberValue(try r.double(t, "number_value"))
            case 3: kind = .boolValue(try r.bool(t, "bool_value"))
            case 4:
                var list = StringList()
                if case .listValue(let existing) = kind { list = existing }
                try r.message(t, "list_value", into: &list)
                kind = .listValue(list)
            case 5: kind = .nullValue(try r.bool(t, "null_value"))
            case 6: updatedAtUs = try r.int64(t, "updated_at_us")
            case 7: kind = .integerValue(try r.sint64(t, "integer_value"))
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct TraitGroup: ProtoMessage {
        public static let protoMessageName = "TraitGroup"
        public var traits: [String: TraitValue] = [:]
        public init() {}
        public init(_ traits: [String: TraitValue]) { self.traits = traits }

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.map(1, traits)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.mapEntry(t, "traits", into: &traits)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct Profile: ProtoMessage {
        public static let protoMessageName = "Profile"
        public var id: String = ""
        public var storeId: String = ""
        public var createdAtUs: Int64 = 0
        public var updatedAtUs: Int64 = 0
        public var identifiers: [Identifier] = []
        public var traits: [String: TraitGroup] = [:]
        public var mergedProfileIds: [String] = []
        public var observationCount: UInt64 = 0
        public var summaryCount: UInt64 = 0
        public var communicationCount: UInt64 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, id)
            w.string(2, storeId)
            w.int64(3, createdAtUs)
            w.int64(4, updatedAtUs)
            w.messages(5, identifiers)
            w.map(6, traits)
            w.strings(7, mergedProfileIds)
            w.uint64(8, observationCount)
            w.uint64(9, summaryCount)
            w.uint64(10, communicationCount)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: id = try r.string(t, "id")
            case 2: storeId = try r.string(t, "store_id")
            case 3: createdAtUs = try r.int64(t, "created_at_us")
            case 4: updatedAtUs = try r.int64(t, "updated_at_us")
            case 5: try r.message(t, "identifiers", appendingTo: &identifiers)
            case 6: try r.mapEntry(t, "traits", into: &traits)
            case 7: mergedProfileIds.append(try r.string(t, "merged_profile_ids"))
            case 8: observationCount = try r.uint64(t, "observation_count")
            case 9: summaryCount = try r.uint64(t, "summary_count")
            case 10: communicationCount = try r.uint64(t, "communication_count")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct DemotedIdentifier: ProtoMessage {
        public static let protoMessageName = "DemotedIdentifier"
        public var identifier: Identifier?
        public var reason: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, identifier)
            w.string(2, reason)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "identifier", merging: &identifier)
            case 2: reason = try r.string(t, "reason")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ResolveIdentityRequest: ProtoMessage {
        public static let protoMessageName = "ResolveIdentityRequest"
        public var storeId: String = ""
        public var identifiers: [Identifier] = []
        public var traits: [String: TraitGroup] = [:]
        /// Given: the identifiers go to this profile rather than the one they match.
        public var profileId: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.messages(2, identifiers)
            w.map(3, traits)
            w.string(4, profileId)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: try r.message(t, "identifiers", appendingTo: &identifiers)
            case 3: try r.mapEntry(t, "traits", into: &traits)
            case 4: profileId = try r.string(t, "profile_id")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ResolveIdentityResponse: ProtoMessage {
        public static let protoMessageName = "ResolveIdentityResponse"
        public var profile: Profile?
        public var outcome: ResolveOutcome = .unspecified
        public var mergedProfileIds: [String] = []
        public var demoted: [DemotedIdentifier] = []
        public var logSequence: UInt64 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, profile)
            w.enumValue(2, outcome)
            w.strings(3, mergedProfileIds)
            w.messages(4, demoted)
            w.uint64(5, logSequence)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "profile", merging: &profile)
            case 2: outcome = try r.enumValue(t, "outcome")
            case 3: mergedProfileIds.append(try r.string(t, "merged_profile_ids"))
            case 4: try r.message(t, "demoted", appendingTo: &demoted)
            case 5: logSequence = try r.uint64(t, "log_sequence")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct LookupProfilesRequest: ProtoMessage {
        public static let protoMessageName = "LookupProfilesRequest"
        public var storeId: String = ""
        public var identifier: Identifier?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.message(2, identifier)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: try r.message(t, "identifier", merging: &identifier)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct LookupProfilesResponse: ProtoMessage {
        public static let protoMessageName = "LookupProfilesResponse"
        public var normalized: Identifier?
        public var profiles: [Profile] = []
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, normalized)
            w.messages(2, profiles)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "normalized", merging: &normalized)
            case 2: try r.message(t, "profiles", appendingTo: &profiles)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct GetProfileRequest: ProtoMessage {
        public static let protoMessageName = "GetProfileRequest"
        public var storeId: String = ""
        public var profileId: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, profileId)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: profileId = try r.string(t, "profile_id")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct GetProfileResponse: ProtoMessage {
        public static let protoMessageName = "GetProfileResponse"
        public var profile: Profile?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, profile)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "profile", merging: &profile)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct UpdateTraitsRequest: ProtoMessage {
        public static let protoMessageName = "UpdateTraitsRequest"
        public var storeId: String = ""
        public var profileId: String = ""
        public var traits: [String: TraitGroup] = [:]
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, profileId)
            w.map(3, traits)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: profileId = try r.string(t, "profile_id")
            case 3: try r.mapEntry(t, "traits", into: &traits)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct UpdateTraitsResponse: ProtoMessage {
        public static let protoMessageName = "UpdateTraitsResponse"
        public var profile: Profile?
        public var logSequence: UInt64 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, profile)
            w.uint64(2, logSequence)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "profile", merging: &profile)
            case 2: logSequence = try r.uint64(t, "log_sequence")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct DeleteProfileRequest: ProtoMessage {
        public static let protoMessageName = "DeleteProfileRequest"
        public var storeId: String = ""
        public var profileId: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.string(2, profileId)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: profileId = try r.string(t, "profile_id")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct DeleteProfileResponse: ProtoMessage {
        public static let protoMessageName = "DeleteProfileResponse"
        public var profileId: String = ""
        public var receipt: DeletionReceipt?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, profileId)
            w.message(2, receipt)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: profileId = try r.string(t, "profile_id")
            case 2: try r.message(t, "receipt", merging: &receipt)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ListProfilesRequest: ProtoMessage {
        public static let protoMessageName = "ListProfilesRequest"
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
    public struct ListProfilesResponse: ProtoMessage {
        public static let protoMessageName = "ListProfilesResponse"
        public var profiles: [Profile] = []
        public var nextPageToken: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.messages(1, profiles)
            w.string(2, nextPageToken)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "profiles", appendingTo: &profiles)
            case 2: nextPageToken = try r.string(t, "next_page_token")
            default: return false
            }
            return true
        }
    }
}
