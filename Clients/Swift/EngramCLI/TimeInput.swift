import Foundation

/// Times given on the command line: ISO 8601 (`2026-11-30T14:00:00Z`, `2026-11-30`), `now`, or a
/// relative age (`90s`, `30m`, `2h`, `7d`, `2w`) meaning that long before now.
public enum TimeInput {
    /// Microseconds since the Unix epoch, or a usage error naming the option and the value.
    public static func parse(_ text: String, option: String, now: Date = Date()) throws(CLIError) -> Int64 {
        let s = text.trimmingCharacters(in: .whitespaces)
        if s == "now" { return micros(now) }
        if let unit = s.last, let amount = Double(s.dropLast()), amount >= 0 {
            let seconds: Double? =
                switch unit {
                case "s": 1
                case "m": 60
                case "h": 3600
                case "d": 86_400
                case "w": 604_800
                default: nil
                }
            if let seconds { return micros(now.addingTimeInterval(-amount * seconds)) }
        }
        for format in formats() {
            if let date = format.date(from: s) { return micros(date) }
        }
        throw CLIError.usage(
            "\(option) '\(text)': expected ISO 8601 (2026-11-30T14:00:00Z or 2026-11-30), 'now', or an age like 30m, 2h, 7d"
        )
    }

    /// A timestamp for people: ISO 8601 in UTC, to the second; "-" for 0 (not set).
    public static func format(_ us: Int64) -> String {
        guard us != 0 else { return "-" }
        let date = Date(timeIntervalSince1970: Double(us) / 1e6)
        return date.formatted(.iso8601)
    }

    static func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1e6).rounded()) }

    // Made per call: formatters are not Sendable, and parsing happens once per command.
    private static func formats() -> [ISO8601DateFormatter] {
        let options: [ISO8601DateFormatter.Options] = [
            [.withInternetDateTime, .withFractionalSeconds],
            [.withInternetDateTime],
            [.withFullDate],
        ]
        return options.map { o in
            let f = ISO8601DateFormatter()
            f.formatOptions = o
            f.timeZone = TimeZone(identifier: "UTC")
            return f
        }
    }
}
