import EngramWire
import Metrics
import Synchronization

/// The server's metrics, through swift-metrics (exported by whatever backend the process
/// bootstraps; engramd uses Prometheus). Per-method handles are made once, not per request.
final class ServerMetrics: Sendable {
    private let requests: [Method: Counter]
    private let latency: [Method: Timer]
    private let errors = Mutex<[Int: Counter]>([:])
    let connections = Gauge(label: "engram_connections")
    let connectionsRejected = Counter(label: "engram_connections_rejected_total")
    let authFailures = Counter(label: "engram_auth_failures_total")

    init() {
        var requests: [Method: Counter] = [:]
        var latency: [Method: Timer] = [:]
        for method in Method.allCases {
            requests[method] = Counter(label: "engram_requests_total", dimensions: [("method", method.description)])
            latency[method] = Timer(
                label: "engram_request_duration_seconds", dimensions: [("method", method.description)])
        }
        self.requests = requests
        self.latency = latency
    }

    func record(method: Method, code: StatusCode, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let (s, a) = elapsed.components
        latency[method]?.recordNanoseconds(s * 1_000_000_000 + a / 1_000_000_000)
        requests[method]?.increment()
        if code != .ok {
            let key = Int(method.rawValue) << 8 | Int(code.rawValue)
            let counter = errors.withLock { table in
                if let c = table[key] { return c }
                let c = Counter(
                    label: "engram_request_errors_total",
                    dimensions: [("method", method.description), ("code", code.description)])
                table[key] = c
                return c
            }
            counter.increment()
        }
    }
}
