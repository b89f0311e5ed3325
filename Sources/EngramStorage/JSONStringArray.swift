/// Lists of strings in snapshot columns are JSON arrays, so the sqlite3 shell's `json_each`
/// can open them. Only this shape is written or read: `["a","b\"c"]`.
enum JSONStringArray {
    static func encode(_ values: [String]) -> String {
        var out = "["
        for (i, value) in values.enumerated() {
            if i > 0 { out += "," }
            out += "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
            out += "\""
        }
        return out + "]"
    }

    /// Parses what `encode` wrote (and standard JSON escapes); nil if it is not such an array.
    static func decode(_ text: String) -> [String]? {
        var scalars = text.unicodeScalars.makeIterator()
        var values: [String] = []
        guard scalars.next() == "[" else { return nil }
        var expectValue = true
        while let c = scalars.next() {
            switch c {
            case "]":
                if expectValue && !values.isEmpty { return nil }
                return scalars.next() == nil ? values : nil
            case ",":
                if expectValue { return nil }
                expectValue = true
            case "\"":
                guard expectValue, let s = string(&scalars) else { return nil }
                values.append(s)
                expectValue = false
            case " ", "\n", "\t", "\r":
                continue
            default:
                return nil
            }
        }
        return nil
    }

    private static func string(_ scalars: inout String.UnicodeScalarView.Iterator) -> String? {
        var out = String.UnicodeScalarView()
        var pendingHigh: UInt32?
        while let c = scalars.next() {
            if c == "\"" { return pendingHigh == nil ? String(out) : nil }
            guard c == "\\" else {
                if pendingHigh != nil { return nil }
                out.append(c)
                continue
            }
            guard let e = scalars.next() else { return nil }
            var decoded: Unicode.Scalar?
            switch e {
            case "\"": decoded = "\""
            case "\\": decoded = "\\"
            case "/": decoded = "/"
            case "n": decoded = "\n"
            case "r": decoded = "\r"
            case "t": decoded = "\t"
            case "b": decoded = "\u{8}"
            case "f": decoded = "\u{C}"
            case "u":
                var value: UInt32 = 0
                for _ in 0..<4 {
                    guard let h = scalars.next(), let digit = hexDigit(h) else {
                        return nil
                    }
                    value = value * 16 + digit
                }
                if (0xD800..<0xDC00).contains(value) {
                    guard pendingHigh == nil else { return nil }
                    pendingHigh = value
                    continue
                }
                if (0xDC00..<0xE000).contains(value) {
                    guard let high = pendingHigh else { return nil }
                    pendingHigh = nil
                    decoded = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00))
                } else {
                    decoded = Unicode.Scalar(value)
                }
            default: return nil
            }
            guard pendingHigh == nil, let decoded else { return nil }
            out.append(decoded)
        }
        return nil
    }

    private static func hexDigit(_ c: Unicode.Scalar) -> UInt32? {
        switch c {
        case "0"..."9": c.value - 48
        case "a"..."f": c.value - 97 + 10
        case "A"..."F": c.value - 65 + 10
        default: nil
        }
    }
}
