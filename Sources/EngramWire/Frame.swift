/// The kinds of frame (byte 4 of the header).
public enum FrameType: UInt8, Sendable, CustomStringConvertible {
    case request = 1
    case response = 2
    case cancel = 3
    case ping = 4
    case pong = 5
    case goAway = 6

    public var description: String {
        switch self {
        case .request: "REQUEST"
        case .response: "RESPONSE"
        case .cancel: "CANCEL"
        case .ping: "PING"
        case .pong: "PONG"
        case .goAway: "GOAWAY"
        }
    }
}

/// One frame: a 16-byte big-endian header and a payload (see Protocol/FRAMING.md).
///
/// ```
/// 0      4    5     6       8           12     16
/// | length | type | flags | method | request_id | meta | payload ...
/// ```
/// `length` counts the bytes after itself: 12 + the payload length.
public struct Frame: Sendable, Hashable {
    /// The size of the header, including the length field.
    public static let headerSize = 16
    /// The protocol's default maximum frame size (header included).
    public static let defaultMaxFrameBytes = 4 * 1024 * 1024
    /// The most bytes a PING or PONG may carry.
    public static let maxPingPayload = 8
    public static let protocolVersion: UInt32 = 1
    public static let defaultPort = 7411

    public var type: FrameType
    /// Reserved; sent as 0 and ignored on receipt.
    public var flags: UInt8
    /// The method id for REQUEST and RESPONSE, otherwise 0.
    public var method: UInt16
    public var requestID: UInt32
    /// REQUEST: deadline in milliseconds from receipt (0 = none). RESPONSE: status code.
    public var meta: UInt32
    public var payload: [UInt8]

    public init(
        type: FrameType, flags: UInt8 = 0, method: UInt16 = 0, requestID: UInt32 = 0, meta: UInt32 = 0,
        payload: [UInt8] = []
    ) {
        self.type = type
        self.flags = flags
        self.method = method
        self.requestID = requestID
        self.meta = meta
        self.payload = payload
    }

    /// Appends the frame's bytes.
    @inlinable
    public func encode<Output: WireOutput>(into output: inout Output) {
        Frame.writeHeader(
            type: type, flags: flags, method: method, requestID: requestID, meta: meta, payloadLength: payload.count,
            to: &output)
        payload.withUnsafeBytes { output.wireWrite(contentsOf: $0) }
    }

    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Frame.headerSize + payload.count)
        encode(into: &bytes)
        return bytes
    }
}

// MARK: The frame writer

extension Frame {
    /// Writes a frame whose payload is `message`, encoded in place after the header: no
    /// intermediate payload array. The server's responses, the client's requests and GOAWAY all
    /// go through here.
    @inlinable
    public static func write<M: ProtoMessage, Output: WireOutput>(
        _ message: M, type: FrameType, method: UInt16, requestID: UInt32, meta: UInt32 = 0, to output: inout Output
    ) {
        let start = output.wireWriteIndex
        writeHeader(
            type: type, flags: 0, method: method, requestID: requestID, meta: meta, payloadLength: 0, to: &output)
        message.encode(appendingTo: &output)
        let length = UInt32(truncatingIfNeeded: output.wireWriteIndex - start - 4)
        output.wireSet(UInt8(truncatingIfNeeded: length >> 24), at: start)
        output.wireSet(UInt8(truncatingIfNeeded: length >> 16), at: start + 1)
        output.wireSet(UInt8(truncatingIfNeeded: length >> 8), at: start + 2)
        output.wireSet(UInt8(truncatingIfNeeded: length), at: start + 3)
    }

    /// Writes a frame's 16-byte header for a payload of `payloadLength` bytes, which the caller
    /// appends next (PONG's echo; nothing for CANCEL).
    @inlinable
    public static func writeHeader<Output: WireOutput>(
        type: FrameType, flags: UInt8 = 0, method: UInt16 = 0, requestID: UInt32 = 0, meta: UInt32 = 0,
        payloadLength: Int, to output: inout Output
    ) {
        var header: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &header) { h in
            h.storeBytes(of: UInt32(truncatingIfNeeded: 12 + payloadLength).bigEndian, toByteOffset: 0, as: UInt32.self)
            h[4] = type.rawValue
            h[5] = flags
            h.storeBytes(of: method.bigEndian, toByteOffset: 6, as: UInt16.self)
            h.storeBytes(of: requestID.bigEndian, toByteOffset: 8, as: UInt32.self)
            h.storeBytes(of: meta.bigEndian, toByteOffset: 12, as: UInt32.self)
        }
        withUnsafeBytes(of: header) { output.wireWrite(contentsOf: $0) }
    }
}

/// A byte stream that cannot be read as frames. The connection cannot continue after one.
public struct FrameError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        /// `length` is below 12, the size of the rest of the header.
        case lengthTooSmall
        /// The frame is larger than the negotiated maximum.
        case frameTooLarge
        /// Byte 4 is not a known frame type.
        case unknownFrameType
    }

    public var code: Code
    public var message: String

    public var description: String { message }
}

/// The checks every frame reader applies to a header, shared so all readers agree.
public enum FrameHeader {
    /// Rejects a `length` below the header's 12 remaining bytes, or a frame over the maximum.
    /// Call it as soon as the 4 length bytes are in, before buffering the payload.
    @inline(__always)
    public static func checkLength(_ length: UInt32, maxFrameBytes: Int) throws(FrameError) {
        guard length >= 12 else {
            throw FrameError(code: .lengthTooSmall, message: "frame length \(length) is below the 12-byte minimum")
        }
        guard UInt64(length) + 4 <= UInt64(maxFrameBytes) else {
            throw FrameError(
                code: .frameTooLarge,
                message: "frame of \(UInt64(length) + 4) bytes exceeds the maximum of \(maxFrameBytes)")
        }
    }

    @inline(__always)
    public static func checkType(_ byte: UInt8) throws(FrameError) -> FrameType {
        guard let type = FrameType(rawValue: byte) else {
            throw FrameError(code: .unknownFrameType, message: "unknown frame type \(byte)")
        }
        return type
    }
}
