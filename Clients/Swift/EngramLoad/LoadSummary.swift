import EngramCLI
import Foundation
import Histogram

/// A run's result: throughput, latency percentiles from the HDR histogram, errors by status.
public struct LoadSummary: Sendable {
    public var workload: String
    public var plan: LoadPlan
    public var ok: Int
    public var errors: [String: Int]
    /// The measured window: from the end of the warm-up to the last answer.
    public var seconds: Double
    /// Latencies of successful calls, in nanoseconds.
    public var histogram: Histogram<UInt64>
    public var profiles: Int
    public var storeID: String

    public var requests: Int { ok + errorCount }
    public var errorCount: Int { errors.values.reduce(0, +) }
    public var throughput: Double { seconds > 0 ? Double(requests) / seconds : 0 }

    /// A percentile in microseconds (0 with no successful call).
    public func micros(_ percentile: Double) -> Double {
        histogram.totalCount == 0 ? 0 : Double(histogram.valueAtPercentile(percentile)) / 1000
    }

    public var maxMicros: Double { histogram.totalCount == 0 ? 0 : Double(histogram.max) / 1000 }

    public var json: JSONValue {
        let r = { (x: Double) -> JSONValue in .of((x * 10).rounded() / 10) }
        return [
            "workload": .of(workload),
            "mode": .of(plan.rate == nil ? "closed" : "open"),
            "target_rate": plan.rate.map { JSONValue.of($0) } ?? .null,
            "connections": .of(plan.connections), "in_flight": .of(plan.inFlight),
            "warmup_s": .of(LoadDriver.seconds(plan.warmup)),
            "seconds": .of((seconds * 1000).rounded() / 1000),
            "requests": .of(requests), "ok": .of(ok), "error_count": .of(errorCount),
            "errors": .object(errors.mapValues { .of($0) }),
            "throughput_rps": .of(throughput.rounded()),
            "latency_us": [
                "p50": r(micros(50)), "p90": r(micros(90)), "p99": r(micros(99)), "p99_9": r(micros(99.9)),
                "max": r(maxMicros), "mean": r(histogram.totalCount == 0 ? 0 : histogram.mean / 1000),
            ],
            "profiles": .of(profiles), "store_id": .of(storeID),
        ]
    }

    public var text: String {
        var lines = [
            "workload \(workload), \(plan.rate.map { "open loop at \(Int($0)) req/s" } ?? "closed loop"), \(plan.connections) connection\(plan.connections == 1 ? "" : "s") × \(plan.inFlight) in flight",
            "\(requests) requests in \(String(format: "%.2f", seconds)) s: \(Int(throughput.rounded())) req/s, \(errorCount) error\(errorCount == 1 ? "" : "s")",
        ]
        var t = TextTable(["P50", "P90", "P99", "P99.9", "MAX"])
        t.add([micros(50), micros(90), micros(99), micros(99.9), maxMicros].map(Self.formatMicros))
        lines.append(t.rendered())
        for (status, n) in errors.sorted(by: { $0.key < $1.key }) { lines.append("  \(status): \(n)") }
        return lines.joined(separator: "\n")
    }

    /// `57 µs`, `2.10 ms`, `1.20 s`.
    static func formatMicros(_ us: Double) -> String {
        if us < 1000 { return "\(Int(us.rounded())) µs" }
        if us < 1_000_000 { return String(format: "%.2f ms", us / 1000) }
        return String(format: "%.2f s", us / 1_000_000)
    }
}
