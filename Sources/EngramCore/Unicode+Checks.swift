extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool {
        switch value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: false
        }
    }

    var isASCIIDigit: Bool { (0x30...0x39).contains(value) }

    /// The scalar quoted for an error message, escaping invisible ones.
    var debugQuoted: String {
        properties.generalCategory == .control || properties.isWhitespace
            ? "U+" + String(value, radix: 16, uppercase: true)
            : "'\(Character(self))'"
    }
}

extension String {
    /// A reason if the string is empty or too long or holds control characters, else nil.
    func plainTextProblem(maxLength: Int) -> String? {
        if isEmpty { return "required" }
        let length = count
        if length > maxLength { return "at most \(maxLength) characters; got \(length)" }
        if unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "must not contain control characters"
        }
        return nil
    }

    /// A reason if the string is empty, too long, or has a character outside `allowed`.
    func tokenProblem(maxLength: Int, allowed: (Unicode.Scalar) -> Bool, allowedText: String) -> String? {
        if isEmpty { return "required" }
        let length = unicodeScalars.count
        if length > maxLength { return "at most \(maxLength) characters; got \(length)" }
        if let bad = unicodeScalars.first(where: { !allowed($0) }) {
            return "only \(allowedText) are allowed; found \(bad.debugQuoted)"
        }
        return nil
    }

    var trimmed: Substring {
        var s = self[...]
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return s
    }

    /// 64-bit FNV-1a of the UTF-8 bytes: stable across processes (unlike `Hasher`).
    var stableHash: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}
