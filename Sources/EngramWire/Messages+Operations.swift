// Hello, Ping, ServerInfo and Snapshot.

extension Wire {
    public struct HelloRequest: ProtoMessage {
        public static let protoMessageName = "HelloRequest"
        public var protocolVersion: UInt32 = 0
        public var apiKey: String = ""
        public var clientName: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.uint32(1, protocolVersion)
            w.string(2, apiKey)
            w.string(3, clientName)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: protocolVersion = try r.uint32(t, "protocol_version")
            case 2: apiKey = try r.string(t, "api_key")
            case 3: clientName = try r.string(t, "client_name")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct HelloResponse: ProtoMessage {
        public static let protoMessageName = "HelloResponse"
        public var protocolVersion: UInt32 = 0
        public var serverVersion: String = ""
        public var maxFrameBytes: UInt32 = 0
        public var maxInFlight: UInt32 = 0
        public var idleTimeoutMs: UInt32 = 0
        public var role: String = ""
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.uint32(1, protocolVersion)
            w.string(2, serverVersion)
            w.uint32(3, maxFrameBytes)
            w.uint32(4, maxInFlight)
            w.uint32(5, idleTimeoutMs)
            w.string(6, role)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: protocolVersion = try r.uint32(t, "protocol_version")
            case 2: serverVersion = try r.string(t, "server_version")
            case 3: maxFrameBytes = try r.uint32(t, "max_frame_bytes")
            case 4: maxInFlight = try r.uint32(t, "max_in_flight")
            case 5: idleTimeoutMs = try r.uint32(t, "idle_timeout_ms")
            case 6: role = try r.string(t, "role")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct PingRequest: ProtoMessage {
        public static let protoMessageName = "PingRequest"
        public var payload: [UInt8] = []
        public var clientTimeUs: Int64 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.bytes(1, payload)
            w.sfixed64(2, clientTimeUs)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: payload = try r.bytes(t, "payload")
            case 2: clientTimeUs = try r.sfixed64(t, "client_time_us")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct PingResponse: ProtoMessage {
        public static let protoMessageName = "PingResponse"
        public var payload: [UInt8] = []
        public var clientTimeUs: Int64 = 0
        public var serverTimeUs: Int64 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.bytes(1, payload)
            w.sfixed64(2, clientTimeUs)
            w.int64(3, serverTimeUs)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: payload = try r.bytes(t, "payload")
            case 2: clientTimeUs = try r.sfixed64(t, "client_time_us")
            case 3: serverTimeUs = try r.int64(t, "server_time_us")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct ServerInfoRequest: ProtoMessage {
        public static let protoMessageName = "ServerInfoRequest"
        public init() {}
        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {}
        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            false
        }
    }
}

extension Wire {
    public struct ServerInfoResponse: ProtoMessage {
        public static let protoMessageName = "ServerInfoResponse"
        public var serverVersion: String = ""
        public var protocolVersion: UInt32 = 0
        public var startedAtUs: Int64 = 0
        public var uptimeUs: Int64 = 0
        public var storeCount: UInt64 = 0
        public var profileCount: UInt64 = 0
        public var observationCount: UInt64 = 0
        public var connectionCount: UInt64 = 0
        public var shardCount: UInt32 = 0
        public var logSequence: UInt64 = 0
        public var snapshotSequence: UInt64 = 0
        public var snapshotAtUs: Int64 = 0
        public var embedder: String = ""
        public var embeddingDimension: UInt32 = 0
        public var fsyncMode: String = ""
        public var embedderVersion: String = ""
        public var reembedPendingProfiles: UInt64 = 0
        public var reembedDoneProfiles: UInt64 = 0
        public var reembedVectors: UInt64 = 0
        public var extractionPending: UInt64 = 0
        public var extractionRunning: UInt64 = 0
        public var extractionCompleted: UInt64 = 0
        public var extractionFailed: UInt64 = 0
        public var extractionMeanLatencyUs: Int64 = 0
        public var extractionMaxLatencyUs: Int64 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.string(1, serverVersion)
            w.uint32(2, protocolVersion)
            w.int64(3, startedAtUs)
            w.int64(4, uptimeUs)
            w.uint64(5, storeCount)
            w.uint64(6, profileCount)
            w.uint64(7, observationCount)
            w.uint64(8, connectionCount)
            w.uint32(9, shardCount)
            w.uint64(10, logSequence)
            w.uint64(11, snapshotSequence)
            w.int64(12, snapshotAtUs)
            w.string(13, embedder)
            w.uint32(14, embeddingDimension)
            w.string(15, fsyncMode)
            w.string(16, embedderVersion)
            w.uint64(17, reembedPendingProfiles)
            w.uint64(18, reembedDoneProfiles)
            w.uint64(19, reembedVectors)
            w.uint64(20, extractionPending)
            w.uint64(21, extractionRunning)
            w.uint64(22, extractionCompleted)
            w.uint64(23, extractionFailed)
            w.int64(24, extractionMeanLatencyUs)
            w.int64(25, extractionMaxLatencyUs)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: serverVersion = try r.string(t, "server_version")
            case 2: protocolVersion = try r.uint32(t, "protocol_version")
            case 3: startedAtUs = try r.int64(t, "started_at_us")
            case 4: uptimeUs = try r.int64(t, "uptime_us")
            case 5: storeCount = try r.uint64(t, "store_count")
            case 6: profileCount = try r.uint64(t, "profile_count")
            case 7: observationCount = try r.uint64(t, "observation_count")
            case 8: connectionCount = try r.uint64(t, "connection_count")
            case 9: shardCount = try r.uint32(t, "shard_count")
            case 10: logSequence = try r.uint64(t, "log_sequence")
            case 11: snapshotSequence = try r.uint64(t, "snapshot_sequence")
            case 12: snapshotAtUs = try r.int64(t, "snapshot_at_us")
            case 13: embedder = try r.string(t, "embedder")
            case 14: embeddingDimension = try r.uint32(t, "embedding_dimension")
            case 15: fsyncMode = try r.string(t, "fsync_mode")
            case 16: embedderVersion = try r.string(t, "embedder_version")
            case 17: reembedPendingProfiles = try r.uint64(t, "reembed_pending_profiles")
            case 18: reembedDoneProfiles = try r.uint64(t, "reembed_done_profiles")
            case 19: reembedVectors = try r.uint64(t, "reembed_vectors")
            case 20: extractionPending = try r.uint64(t, "extraction_pending")
            case 21: extractionRunning = try r.uint64(t, "extraction_running")
            case 22: extractionCompleted = try r.uint64(t, "extraction_completed")
            case 23: extractionFailed = try r.uint64(t, "extraction_failed")
            case 24: extractionMeanLatencyUs = try r.int64(t, "extraction_mean_latency_us")
            case 25: extractionMaxLatencyUs = try r.int64(t, "extraction_max_latency_us")
            default: return false
            }
            return true
        }
    }
}

extension Wire {
    public struct SnapshotRequest: ProtoMessage {
        public static let protoMessageName = "SnapshotRequest"
        public init() {}
        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {}
        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            false
        }
    }
}

extension Wire {
    public struct SnapshotResponse: ProtoMessage {
        public static let protoMessageName = "SnapshotResponse"
        public var sequence: UInt64 = 0
        public var path: String = ""
        public var sizeBytes: UInt64 = 0
        public var durationUs: Int64 = 0
        public init() {}

        @inlinable
        public func encode<Output: WireOutput>(to w: inout ProtoWriter<Output>) {
            w.uint64(1, sequence)
            w.string(2, path)
            w.uint64(3, sizeBytes)
            w.int64(4, durationUs)
        }

        public mutating func decodeField(_ n: UInt32, _ t: WireType, from r: inout ProtoReader)
            throws(WireDecodingError)
            -> Bool
        {
            switch n {
            case 1: sequence = try r.uint64(t, "sequence")
            case 2: path = try r.string(t, "path")
            case 3: sizeBytes = try r.uint64(t, "size_bytes")
            case 4: durationUs = try r.int64(t, "duration_us")
            default: return false
            }
            return true
        }
    }
}
