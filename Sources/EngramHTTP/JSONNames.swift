/// The wire schema's field names (snake_case, times in microseconds) spelled as the JSON API
/// spells them (camelCase, RFC 3339 times), for error messages and field paths the method
/// table wrote in the schema's words.
enum JSONNames {
    /// `observations[2].occurred_at_us` -> `observations[2].occurredAt`.
    static func path(_ path: String) -> String {
        translate(path)
    }

    /// Every snake_case word of `text` in its JSON spelling. Quoted text (a value the message
    /// repeats, an id) is left as it is.
    static func translate(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "_")) else { return text }
        var out = ""
        var word = ""
        var quote: Character?
        func flush() {
            if !word.isEmpty {
                out += quote == nil && word.contains("_") ? name(word) : word
                word = ""
            }
        }
        for c in text {
            if c.isASCII && (c.isLetter || c.isNumber || c == "_") {
                word.append(c)
            } else {
                flush()
                if c == "\"" || c == "'" {
                    if quote == c { quote = nil } else if quote == nil { quote = c }
                }
                out.append(c)
            }
        }
        flush()
        return out
    }

    /// One field name: `occurred_at_us` -> `occurredAt`, `begin_us` -> `beginDate`.
    static func name(_ snake: String) -> String {
        if let special = special[snake] { return special }
        var parts = snake.split(separator: "_", omittingEmptySubsequences: true).map(String.init)
        guard let first = parts.first, first.first?.isLowercase == true else { return snake }
        if parts.count > 1, parts.last == "us" { parts.removeLast() }
        return parts.dropFirst().reduce(first) { $0 + $1.prefix(1).uppercased() + $1.dropFirst() }
    }

    private static let special: [String: String] = [
        "begin_us": "beginDate", "end_us": "endDate",
    ]
}
