import EngramCLI
import EngramClient
import Histogram
import Synchronization

/// How a run is paced and how long it lasts.
public struct LoadPlan: Sendable, Hashable {
    /// Connections, each its own client.
    public var connections = 1
    /// Requests in flight on each connection.
    public var inFlight = 1
    /// The measured part: a duration, or a number of requests.
    public var duration: Duration? = .seconds(10)
    public var count: Int?
    /// Requests made before measuring starts, for this long.
    public var warmup: Duration = .seconds(1)
    /// Open loop at this many requests per second in total; nil is closed loop (as fast as it goes).
    public var rate: Double?

    public init() {}

    var workers: Int { connections * inFlight }
}

/// Runs a workload to a plan and measures it. Closed loop: each worker sends its next request
/// when the last one is answered. Open loop: request k is due at start + k/rate whatever came
/// before, and its latency counts from then, so a slow server's queueing shows (no coordinated
/// omission); at most connections × in-flight requests are outstanding.
public struct LoadDriver: Sendable {
    public var plan: LoadPlan
    public var workload: Workload
    public var fixture: LoadFixture

    public init(plan: LoadPlan, workload: Workload, fixture: LoadFixture) {
        self.plan = plan
        self.workload = workload
        self.fixture = fixture
    }

    /// Shared by the workers: the next ticket (open loop: the schedule slot; closed loop: the
    /// request number) and how many measured requests were started.
    final class Tickets: Sendable {
        let next = Atomic<Int>(0)
        let measured = Atomic<Int>(0)
    }

    /// Runs the plan on `clients` (one per connection); `progress` gets a line each second.
    public func run(clients: [EngramClient], progress: (@Sendable (String) -> Void)? = nil) async -> LoadSummary {
        precondition(clients.count == plan.connections, "one client per connection")
        let recorders = (0..<plan.workers).map { _ in LoadRecorder() }
        let tickets = Tickets()
        let start = ContinuousClock.now
        let measureStart = start + plan.warmup
        // Duration runs stop issuing at their end; count runs when the count is reached, with a
        // backstop of an hour so a run always ends.
        let measureEnd = plan.duration.map { measureStart + $0 } ?? measureStart + .seconds(3600)
        let interval: Duration? = plan.rate.map { .nanoseconds(Int64((1e9 / $0).rounded())) }
        let countLimit = plan.count
        let warmupTickets =
            plan.rate.map {
                Int((Double(plan.warmup.components.seconds) + Double(plan.warmup.components.attoseconds) / 1e18) * $0)
            } ?? 0

        await withTaskGroup(of: Void.self) { group in
            for w in 0..<plan.workers {
                let client = clients[w % plan.connections]
                let recorder = recorders[w]
                let fixture = fixture
                let workload = workload
                group.addTask(executorPreference: client.preferredExecutor) {
                    var rng = SplitMix64(seed: fixture.seed &+ 0x5157 &* UInt64(w + 1))
                    var n = 0
                    while !Task.isCancelled {
                        let ticket = tickets.next.add(1, ordering: .relaxed).oldValue
                        let intended: ContinuousClock.Instant
                        let measured: Bool
                        if let interval {
                            intended = start + interval * ticket
                            if let countLimit {
                                if ticket >= warmupTickets + countLimit { break }
                                measured = ticket >= warmupTickets
                            } else {
                                if intended >= measureEnd { break }
                                measured = intended >= measureStart
                            }
                            if intended > .now { try? await Task.sleep(until: intended, tolerance: .microseconds(50)) }
                        } else {
                            intended = .now
                            if intended >= measureEnd { break }
                            measured = intended >= measureStart
                            if measured, let countLimit,
                                tickets.measured.add(1, ordering: .relaxed).oldValue >= countLimit
                            {
                                break
                            }
                        }
                        let op = workload.pick(using: &rng)
                        n += 1
                        do {
                            try await fixture.perform(op, client: client, worker: w, n: n, rng: &rng)
                            let now = ContinuousClock.now
                            if measured {
                                recorder.recordSuccess(nanoseconds: Self.nanoseconds(now - intended), at: now)
                            }
                        } catch {
                            if measured { recorder.recordError(LoadRecorder.statusName(error), at: .now) }
                        }
                    }
                }
            }
            if let progress {
                group.addTask {
                    var second = 0
                    var lastTotal = 0
                    // Bounded by the run: the task is cancelled once the workers are done.
                    while !Task.isCancelled {
                        second += 1
                        try? await Task.sleep(until: start + .seconds(second))
                        if Task.isCancelled { break }
                        var h = LoadRecorder.makeHistogram()
                        var errors = 0
                        for r in recorders {
                            let (ih, ie) = r.takeInterval()
                            h.add(ih)
                            errors += ie
                        }
                        let done = Int(h.totalCount) + errors
                        lastTotal += done
                        // Labelled by the second it reports on, not by when this task woke: a
                        // busy machine can wake it late.
                        let phase = start + .seconds(second) <= measureStart ? " (warm-up)" : ""
                        let rate = String(done).leftPadded(8)
                        let p50 = LoadSummary.formatMicros(Double(h.valueAtPercentile(50)) / 1000)
                        let p99 = LoadSummary.formatMicros(Double(h.valueAtPercentile(99)) / 1000)
                        progress(
                            "[\(String(second).leftPadded(4))s]\(phase) \(rate) req/s  p50 \(p50)  p99 \(p99)  errors \(errors)  total \(lastTotal)"
                        )
                    }
                }
            }
            // Wait for the workers (the first `plan.workers` tasks), then stop the progress task.
            for _ in 0..<plan.workers { _ = await group.next() }
            group.cancelAll()
        }

        var total = LoadRecorder.makeHistogram()
        var errors: [String: Int] = [:]
        var ok = 0
        var last = measureStart
        for r in recorders {
            let s = r.snapshot
            total.add(s.total)
            ok += s.ok
            errors.merge(s.errors, uniquingKeysWith: +)
            if let l = s.lastCompletion, l > last { last = l }
        }
        return LoadSummary(
            workload: workload.description, plan: plan, ok: ok, errors: errors,
            seconds: Self.seconds(last - measureStart), histogram: total,
            profiles: fixture.profiles.count, storeID: fixture.storeID)
    }

    static func nanoseconds(_ d: Duration) -> UInt64 {
        let c = d.components
        return UInt64(max(0, c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
