import NIOCore
import Synchronization

/// A key's request rate limit: `perSecond` requests a second on average, up to `burst` at
/// once. Set per key in the keys file (`rate=100/s burst=200`).
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    /// Requests a second, on average (more than zero).
    public var perSecond: Double
    /// Requests that may come at once after a quiet spell (at least one).
    public var burst: Double

    public init(perSecond: Double, burst: Double? = nil) {
        self.perSecond = perSecond
        self.burst = burst ?? max(1, perSecond.rounded(.up))
    }

    public var description: String { "\(perSecond.formatted)/s burst \(burst.formatted)" }

    /// Parses a keys file's `rate=` value: `N` or `N/s` (a second), `N/min`, `N/h`.
    init?(rate text: Substring) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let count = Double(parts[0]), count.isFinite, count > 0 else { return nil }
        let seconds: Double
        switch parts.count == 2 ? parts[1] : "s" {
        case "s", "sec": seconds = 1
        case "m", "min": seconds = 60
        case "h", "hour": seconds = 3_600
        default: return nil
        }
        self.init(perSecond: count / seconds)
    }
}

/// The token bucket behind a rate limit, as a plain value: `take(at:)` spends one token or
/// says how long until one is there. Times are nanoseconds of a monotonic clock.
struct TokenBucketState: Sendable {
    var limit: RateLimit?
    private(set) var tokens: Double
    private var refilledAt: UInt64

    init(limit: RateLimit?, now: UInt64) {
        self.limit = limit
        self.tokens = limit?.burst ?? 0
        self.refilledAt = now
    }

    /// Spends a token: nil when one was there, else how long until one will be.
    mutating func take(at now: UInt64) -> Duration? {
        guard let limit else { return nil }
        // A clock read older than the last (another thread's) refills nothing.
        if now > refilledAt {
            tokens = min(limit.burst, tokens + Double(now - refilledAt) / 1e9 * limit.perSecond)
            refilledAt = now
        }
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        // At most a year: a rate of one an aeon must not overflow the nanoseconds.
        let wait = min((1 - tokens) / limit.perSecond, 365 * 86_400)
        return .nanoseconds(Int64((wait * 1e9).rounded(.up)))
    }

    /// Puts a new limit in force; tokens above its burst are dropped.
    mutating func change(to new: RateLimit?) {
        if let new { tokens = limit == nil ? new.burst : min(tokens, new.burst) }
        limit = new
    }
}

/// One key's token bucket, shared by every connection and door (binary, HTTP) that key uses.
/// A keys reload hands the same bucket to the reloaded key, so a reload neither refills nor
/// empties it.
package final class TokenBucket: Sendable {
    private let state: Mutex<TokenBucketState>
    /// Whether there is a limit: a key without one pays a load per request, not a clock read
    /// and a lock.
    private let limited: Atomic<Bool>

    init(limit: RateLimit?) {
        state = Mutex(TokenBucketState(limit: limit, now: NIODeadline.now().uptimeNanoseconds))
        limited = Atomic(limit != nil)
    }

    /// Spends a token: nil when allowed, else how long until a retry can be.
    func take() -> Duration? {
        guard limited.load(ordering: .relaxed) else { return nil }
        let now = NIODeadline.now().uptimeNanoseconds
        return state.withLock { $0.take(at: now) }
    }

    func change(to limit: RateLimit?) {
        state.withLock {
            $0.change(to: limit)
            limited.store(limit != nil, ordering: .relaxed)
        }
    }

    var limit: RateLimit? { state.withLock { $0.limit } }
}

extension Double {
    fileprivate var formatted: String {
        self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}
