import Foundation

/// Where an import is: rows done, the share of the file read, the rate and the time left.
public struct ImportProgress: Sendable, Hashable {
    public var rows: Int
    public var rejected: Int
    public var elapsed: Duration
    /// 0-1, from the bytes read so far.
    public var fraction: Double
    public var done: Bool

    public init(rows: Int, rejected: Int, elapsed: Duration, fraction: Double, done: Bool) {
        self.rows = rows
        self.rejected = rejected
        self.elapsed = elapsed
        self.fraction = fraction
        self.done = done
    }

    var seconds: Double { Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18 }

    public var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }

    /// Seconds left at the rate so far; nil before there is a rate.
    public var etaSeconds: Double? {
        guard fraction > 0, seconds > 0 else { return nil }
        return done ? 0 : seconds * (1 - fraction) / fraction
    }

    /// One line: `[#########.........]  45%  12,345 rows  8,210 rows/s  ETA 0:07  3 rejected`.
    public func rendered(width: Int = 30, unit: String = "rows") -> String {
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: max(0, width - filled))
        let percent = Int((fraction * 100).rounded(.down))
        let eta =
            etaSeconds.map { s in
                let t = Int(s.rounded(.up))
                return t >= 3600
                    ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
                    : String(format: "%d:%02d", t / 60, t % 60)
            } ?? "--:--"
        var line =
            "[\(bar)] \(String(format: "%3d", percent))%  \(rows.formatted()) \(unit)  \(Int(rowsPerSecond.rounded()).formatted()) \(unit)/s  ETA \(eta)"
        if rejected > 0 { line += "  \(rejected.formatted()) rejected" }
        return line
    }
}
