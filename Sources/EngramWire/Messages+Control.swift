// Errors and connection control: Status, FieldViolation, GoAway.

extension Wire {
    /// The payload of a failed RESPONSE frame.
    public struct Status: ProtoMessage, Error {
        public static let protoMessageName = "Status"
        public var code: UInt32 = 0
        public var message: String = ""
        public var fieldViolations: [FieldViolation] = []
        /// With RESOURCE_EXHAUSTED from a key's rate limit: how long to wait before retrying.
        public var retryAfterMs: UInt64 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.uint32(1, code)
            w.string(2, message)
            w.messages(3, fieldViolations)
            w.uint64(4, retryAfterMs)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: code = try r.uint32(t, "code")
            case 2: message = try r.string(t, "message")
            case 3: try r.message(t, "field_violations", appendingTo: &fieldViolations)
            case 4: retryAfterMs = try r.uint64(t, "retry_after_ms")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    /// One invalid field of a request.
    public struct FieldViolation: ProtoMessage {
        public static let protoMessageName = "FieldViolation"
        public var field: String = ""
        public var description: String = ""
        public init() {}
        public init(field: String, description: String) {
            self.field = field
            self.description = description
        }

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, field)
            w.string(2, description)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: field = try r.string(t, "field")
            case 2: description = try r.string(t, "description")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    /// The payload of a GOAWAY frame.
    public struct GoAway: ProtoMessage {
        public static let protoMessageName = "GoAway"
        public var lastRequestId: UInt32 = 0
        public var code: UInt32 = 0
        public var reason: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.uint32(1, lastRequestId)
            w.uint32(2, code)
            w.string(3, reason)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: lastRequestId = try r.uint32(t, "last_request_id")
            case 2: code = try r.uint32(t, "code")
            case 3: reason = try r.string(t, "reason")
            default: return false
            }
            return true
        }
    }
}
