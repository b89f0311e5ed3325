// Per-store identity-resolution settings.

extension Wire {
    /// The rules for one identifier type in a store.
    public struct IdentifierRule: ProtoMessage {
        public static let protoMessageName = "IdentifierRule"
        public var type: String = ""
        public var maxValues: UInt32 = 0
        public var limitPolicy: LimitPolicy = .unspecified
        public var blockedValues: [String] = []
        public var blockedPatterns: [String] = []
        public var unique: Bool = false
        public var normalization: Normalization = .unspecified
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, type)
            w.uint32(2, maxValues)
            w.enumValue(3, limitPolicy)
            w.strings(4, blockedValues)
            w.strings(5, blockedPatterns)
            w.bool(6, unique)
            w.enumValue(7, normalization)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: type = try r.string(t, "type")
            case 2: maxValues = try r.uint32(t, "max_values")
            case 3: limitPolicy = try r.enumValue(t, "limit_policy")
            case 4: blockedValues.append(try r.string(t, "blocked_values"))
            case 5: blockedPatterns.append(try r.string(t, "blocked_patterns"))
            case 6: unique = try r.bool(t, "unique")
            case 7: normalization = try r.enumValue(t, "normalization")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct IdentitySettings: ProtoMessage {
        public static let protoMessageName = "IdentitySettings"
        public var matchingOrder: [String] = []
        public var rules: [IdentifierRule] = []
        public var defaultRegion: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.strings(1, matchingOrder)
            w.messages(2, rules)
            w.string(3, defaultRegion)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: matchingOrder.append(try r.string(t, "matching_order"))
            case 2: try r.message(t, "rules", appendingTo: &rules)
            case 3: defaultRegion = try r.string(t, "default_region")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct GetIdentitySettingsRequest: ProtoMessage {
        public static let protoMessageName = "GetIdentitySettingsRequest"
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
    public struct GetIdentitySettingsResponse: ProtoMessage {
        public static let protoMessageName = "GetIdentitySettingsResponse"
        public var settings: IdentitySettings?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, settings)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "settings", merging: &settings)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct PutIdentitySettingsRequest: ProtoMessage {
        public static let protoMessageName = "PutIdentitySettingsRequest"
        public var storeId: String = ""
        public var settings: IdentitySettings?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, storeId)
            w.message(2, settings)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: storeId = try r.string(t, "store_id")
            case 2: try r.message(t, "settings", merging: &settings)
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct PutIdentitySettingsResponse: ProtoMessage {
        public static let protoMessageName = "PutIdentitySettingsResponse"
        public var settings: IdentitySettings?
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.message(1, settings)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: try r.message(t, "settings", merging: &settings)
            default: return false
            }
            return true
        }
    }
}
