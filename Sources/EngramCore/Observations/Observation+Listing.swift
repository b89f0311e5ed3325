/// Filters for ListObservations; nil fields match everything.
public struct ObservationFilter: Sendable, Hashable {
    /// Exact source.
    public var source: String?
    /// Observations that carry this conversation id.
    public var conversationID: String?
    /// On created_at.
    public var created: TimeRange?
    /// On occurred_at.
    public var occurred: TimeRange?
    /// Active or superseded; nil for both.
    public var status: ObservationStatus?

    /// Creates a filter.
    public init(
        source: String? = nil, conversationID: String? = nil, created: TimeRange? = nil, occurred: TimeRange? = nil,
        status: ObservationStatus? = nil
    ) {
        self.source = source
        self.conversationID = conversationID
        self.created = created
        self.occurred = occurred
        self.status = status
    }

    func matches(_ observation: Observation) -> Bool {
        (source.map { observation.source == $0 } ?? true)
            && (conversationID.map { observation.conversationIDs.contains($0) } ?? true)
            && (created?.contains(observation.createdAt) ?? true)
            && (occurred?.contains(observation.occurredAt) ?? true)
            && (status.map { observation.status == $0 } ?? true)
    }
}

/// One page of ListObservations, newest first.
public struct ObservationPage: Sendable, Hashable {
    /// The canonical profile id.
    public var profileID: String
    /// This page, newest first.
    public var observations: [Observation]
    /// Pass it back to get the next page; nil on the last page.
    public var nextPageToken: String?
}

/// Where a page ended: the last item's (created_at, id). Listing order is
/// (created_at, id) descending, so the next page starts strictly after it.
struct PageCursor: Hashable {
    var createdAt: Int64
    var id: String

    /// An opaque token: "c1" and the hex of "created_at:id".
    var token: String {
        let hex = Array("0123456789abcdef".utf8)
        var bytes = Array("c1".utf8)
        for byte in "\(createdAt):\(id)".utf8 {
            bytes.append(hex[Int(byte >> 4)])
            bytes.append(hex[Int(byte & 15)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    init(createdAt: Int64, id: String) {
        self.createdAt = createdAt
        self.id = id
    }

    init?(token: String) {
        let utf8 = Array(token.utf8)
        guard utf8.count > 2, utf8.count % 2 == 0, utf8[0] == UInt8(ascii: "c"), utf8[1] == UInt8(ascii: "1") else {
            return nil
        }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        var i = 2
        while i < utf8.count {
            guard let high = nibble(utf8[i]), let low = nibble(utf8[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
            i += 2
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":"), let time = Int64(text[..<colon]) else { return nil }
        let id = String(text[text.index(after: colon)...])
        guard !id.isEmpty else { return nil }
        self.init(createdAt: time, id: id)
    }

    /// Whether `observation` comes after this cursor in listing order.
    func precedes(_ observation: Observation) -> Bool {
        (observation.createdAt, observation.id) < (createdAt, id)
    }

    /// Whether an item at (time, id) comes after this cursor in a newest-first listing.
    func precedes(createdAt time: Int64, id other: String) -> Bool {
        (time, other) < (createdAt, id)
    }
}
