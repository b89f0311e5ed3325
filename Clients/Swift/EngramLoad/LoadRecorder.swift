import EngramClient
import EngramWire
import Histogram
import Synchronization

/// One worker's measurements. Each worker has its own, so the lock is uncontended except when
/// the progress line reads it once a second.
final class LoadRecorder: Sendable {
    struct State {
        var total = LoadRecorder.makeHistogram()
        var interval = LoadRecorder.makeHistogram()
        var ok = 0
        var errors: [String: Int] = [:]
        var intervalErrors = 0
        var lastCompletion: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    /// Latencies in nanoseconds; 3 significant digits, growing past an hour if it must.
    static func makeHistogram() -> Histogram<UInt64> {
        var h = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: .three)
        h.autoResize = true
        return h
    }

    func recordSuccess(nanoseconds: UInt64, at now: ContinuousClock.Instant) {
        state.withLock { s in
            _ = s.total.record(max(1, nanoseconds))
            _ = s.interval.record(max(1, nanoseconds))
            s.ok += 1
            s.lastCompletion = now
        }
    }

    func recordError(_ status: String, at now: ContinuousClock.Instant) {
        state.withLock { s in
            s.errors[status, default: 0] += 1
            s.intervalErrors += 1
            s.lastCompletion = now
        }
    }

    /// This second's histogram and error count, starting the next second's.
    func takeInterval() -> (Histogram<UInt64>, Int) {
        state.withLock { s in
            defer {
                s.interval.reset()
                s.intervalErrors = 0
            }
            return (s.interval, s.intervalErrors)
        }
    }

    var snapshot: State { state.withLock { $0 } }

    /// The status name a failed call is counted under.
    static func statusName(_ error: any Error) -> String {
        if let e = error as? EngramClientError { return e.code.description }
        if error is CancellationError { return "CANCELLED" }
        return "CLIENT_ERROR"
    }
}
