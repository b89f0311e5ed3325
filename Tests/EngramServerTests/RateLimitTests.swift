import EngramClient
import EngramServerTestSupport
import EngramWire
import Testing

@testable import EngramServer

@Suite("Per-key rate limits")
struct RateLimitTests {
    static let second: UInt64 = 1_000_000_000

    @Test func aBucketSpendsItsBurstThenRefillsAtTheRate() {
        var bucket = TokenBucketState(limit: RateLimit(perSecond: 10, burst: 3), now: 0)
        #expect((0..<3).allSatisfy { _ in bucket.take(at: 0) == nil })
        #expect(bucket.take(at: 0) == .milliseconds(100), "a token every 100 ms")
        #expect(bucket.take(at: 40 * 1_000_000) == .milliseconds(60))
        #expect(bucket.take(at: 100 * 1_000_000) == nil)
        // A long quiet spell refills to the burst, not past it.
        #expect((0..<3).allSatisfy { _ in bucket.take(at: 60 * Self.second) == nil })
        #expect(bucket.take(at: 60 * Self.second) != nil)
        // A clock read that goes backwards (another thread's earlier read) spends nothing extra.
        #expect(bucket.take(at: 59 * Self.second) != nil)
    }

    @Test func noLimitNeverRefusesAndALimitCanChange() {
        var bucket = TokenBucketState(limit: nil, now: 0)
        #expect((0..<10_000).allSatisfy { _ in bucket.take(at: 0) == nil })
        bucket.change(to: RateLimit(perSecond: 1, burst: 2))
        #expect(bucket.take(at: 0) == nil && bucket.take(at: 0) == nil)
        #expect(bucket.take(at: 0) == .seconds(1))
        bucket.change(to: RateLimit(perSecond: 1_000, burst: 1))
        #expect(bucket.take(at: Self.second / 1_000) == nil)
        bucket.change(to: nil)
        #expect(bucket.take(at: Self.second / 1_000) == nil)
        // A rate so low its wait would overflow: the hint is capped at a year.
        var slow = TokenBucketState(limit: RateLimit(perSecond: 1e-300, burst: 1), now: 0)
        #expect(slow.take(at: 0) == nil)
        #expect(slow.take(at: 0) == .seconds(365 * 86_400))
    }

    /// A key's shared bucket: a reload that gives an unlimited key a limit puts it in force.
    @Test func aSharedBucketTakesALimitGivenLater() {
        let bucket = TokenBucket(limit: nil)
        #expect((0..<100).allSatisfy { _ in bucket.take() == nil })
        bucket.change(to: RateLimit(perSecond: 0.01, burst: 1))
        #expect(bucket.take() == nil)
        #expect(bucket.take() != nil)
        bucket.change(to: nil)
        #expect(bucket.take() == nil)
    }

    @Test func theKeysFileTakesRateAndBurst() throws {
        let hash = APIKeys.hashLine(for: "k")
        func limit(_ settings: String) throws -> RateLimit? {
            try APIKeys(fileContents: "\(hash) role=admin \(settings)").entries[0].limit
        }
        #expect(try limit("") == nil)
        #expect(try limit("rate=50") == RateLimit(perSecond: 50, burst: 50))
        #expect(try limit("rate=50/s burst=200") == RateLimit(perSecond: 50, burst: 200))
        #expect(try limit("rate=120/min") == RateLimit(perSecond: 2, burst: 2))
        #expect(try limit("rate=36/h") == RateLimit(perSecond: 0.01, burst: 1))
        for bad in ["rate=0", "rate=-3", "rate=fast", "rate=5/day", "rate=nan", "burst=5", "rate=5 burst=0.5"] {
            #expect(throws: APIKeys.LoadError.self, "\(bad)") { try limit(bad) }
        }
        do {
            _ = try APIKeys(fileContents: "\(hash) role=admin rate=5/fortnight")
        } catch {
            #expect(error.message.contains("5/fortnight"))
        }
    }

    /// Over the binary protocol: a key past its burst gets RESOURCE_EXHAUSTED with a retry
    /// hint, on all its connections at once; another key is not slowed; a reload keeps the
    /// spent bucket, and a faster rate from a reload lets calls through again.
    @Test func aKeyOverItsLimitIsToldWhenToRetry() async throws {
        // A token every 10 s: a busy test machine cannot refill it between the calls.
        let slow = RateLimit(perSecond: 0.1, burst: 3)
        var keys = APIKeys()
        keys.add(key: "slow", role: .admin, name: "slow", limit: slow)
        keys.add(key: "free", role: .admin, name: "free")
        try await withServer(configure: { $0.keys = keys }) { server in
            let first = try server.client(apiKey: "slow")
            let second = try server.client(apiKey: "slow")
            let other = try server.client(apiKey: "free")
            defer { [first, second, other].forEach { $0.close() } }
            // Hello is not counted; three calls spend the burst across both connections.
            _ = try await first.ping()
            _ = try await second.ping()
            _ = try await first.ping()
            var refusal: EngramClientError?
            do {
                _ = try await second.ping()
            } catch let error as EngramClientError {
                refusal = error
            }
            let error = try #require(refusal, "the fourth call within the burst was served")
            #expect(error.code == .resourceExhausted)
            #expect(error.message.contains("key 'slow' is over its rate limit (0.1/s burst 3)"), "\(error.message)")
            let wait = try #require(error.retryAfter)
            #expect(wait > .zero && wait <= .seconds(10))
            for _ in 0..<50 { _ = try await other.ping() }

            // Reloading the same keys does not refill the bucket.
            var same = APIKeys()
            same.add(key: "slow", role: .admin, name: "slow", limit: slow)
            same.add(key: "free", role: .admin, name: "free")
            _ = try await server.server.reloadKeys(same)
            await expectFailure(.resourceExhausted) { _ = try await first.ping() }
            // A faster rate takes effect on the open connections at once.
            var faster = APIKeys()
            faster.add(key: "slow", role: .admin, name: "slow", limit: RateLimit(perSecond: 50, burst: 3))
            faster.add(key: "free", role: .admin, name: "free")
            _ = try await server.server.reloadKeys(faster)
            try await Task.sleep(for: .milliseconds(100))
            _ = try await first.ping()
        }
    }
}
