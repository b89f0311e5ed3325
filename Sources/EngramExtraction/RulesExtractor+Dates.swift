#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Relative time expressions resolved against the message's time, so a fact read months later
/// still says when: "I went yesterday" sent on 8 May 2023 → "(yesterday: 7 May 2023)".
enum RelativeDates {
    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]
    static let weekdays: [Substring: Int] = [
        "sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6,
    ]
    static let numbers: [Substring: Int] = [
        "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "couple": 2, "few": 3,
    ]

    /// The first relative expression in the words, resolved (UTC calendar days), or nil.
    static func annotation(in words: Words, at time: Int64) -> String? {
        let day = 86_400 * Int64(1_000_000)
        let w = words.all
        for (i, word) in w.enumerated() {
            let next: Substring? = i + 1 < w.count ? w[i + 1] : nil
            switch word {
            case "yesterday": return "yesterday: " + date(time - day)
            case "today", "tonight": return "\(word): " + date(time)
            case "tomorrow": return "tomorrow: " + date(time + day)
            case "last", "next", "this":
                guard let next else { continue }
                let sign: Int64 = word == "last" ? -1 : word == "next" ? 1 : 0
                switch next {
                case "week": return "\(word) week: week of " + date(time + sign * 7 * day)
                case "weekend":
                    return "\(word) weekend: " + date(weekday(6, from: time, direction: sign == 0 ? 1 : sign))
                case "month": return "\(word) month: " + monthYear(time, offset: Int(sign))
                case "year": return "\(word) year: " + String(year(time) + Int(sign))
                case "night": return "\(word) night: " + date(time - (sign < 0 ? day : 0))
                default:
                    if let target = weekdays[next] {
                        return "\(word) \(next): " + date(weekday(target, from: time, direction: sign == 0 ? 1 : sign))
                    }
                }
            case "ago":
                guard i >= 2 else { continue }
                let unit = w[i - 1]
                let count = numbers[w[i - 2]] ?? Int(w[i - 2]) ?? (w[i - 2] == "couple" ? 2 : nil)
                guard let count, count > 0, count < 100 else { continue }
                let phrase = "\(w[i - 2]) \(unit) ago"
                switch unit {
                case "day", "days": return phrase + ": " + date(time - Int64(count) * day)
                case "week", "weeks": return phrase + ": week of " + date(time - Int64(count) * 7 * day)
                case "month", "months": return phrase + ": " + monthYear(time, offset: -count)
                case "year", "years": return phrase + ": " + String(year(time) - count)
                default: continue
                }
            default: continue
            }
        }
        return nil
    }

    static func components(_ time: Int64) -> tm {
        var seconds = time_t(time / 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return parts
    }

    /// "7 May 2023".
    static func date(_ time: Int64) -> String {
        let parts = components(time)
        return "\(parts.tm_mday) \(months[Int(parts.tm_mon)]) \(1900 + Int(parts.tm_year))"
    }

    static func year(_ time: Int64) -> Int { 1900 + Int(components(time).tm_year) }

    /// "April 2023" for the month `offset` months from the time's.
    static func monthYear(_ time: Int64, offset: Int) -> String {
        let parts = components(time)
        let index = Int(parts.tm_year) * 12 + Int(parts.tm_mon) + offset
        return "\(months[((index % 12) + 12) % 12]) \(1900 + Int((Double(index) / 12).rounded(.down)))"
    }

    /// The nearest `target` weekday (0 = Sunday) strictly before (direction -1) or after
    /// (direction 1) the time's day.
    static func weekday(_ target: Int, from time: Int64, direction: Int64) -> Int64 {
        let day = 86_400 * Int64(1_000_000)
        let today = Int(components(time).tm_wday)
        var delta = direction < 0 ? (today - target + 7) % 7 : (target - today + 7) % 7
        if delta == 0 { delta = 7 }
        return time + direction * Int64(delta) * day
    }
}
