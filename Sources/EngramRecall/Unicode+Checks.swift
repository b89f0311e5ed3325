extension Unicode.Scalar {
    package var isASCIIAlphanumeric: Bool {
        switch value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: false
        }
    }

    package var isASCIIDigit: Bool { (0x30...0x39).contains(value) }

    /// Whitespace, with an ASCII fast path (Character.isWhitespace is slow).
    package var isSpace: Bool {
        if isASCII { return value == 0x20 || (0x09...0x0D).contains(value) }
        return properties.isWhitespace
    }

    /// A control character (C0 or C1), with an ASCII fast path.
    package var isControl: Bool {
        if value < 0x20 || value == 0x7F { return true }
        return isASCII ? false : properties.generalCategory == .control
    }

    /// The scalar quoted for an error message, escaping invisible ones.
    package var debugQuoted: String {
        isControl || isSpace
            ? "U+" + String(value, radix: 16, uppercase: true)
            : "'\(Character(self))'"
    }
}

extension String {
    /// A reason if the string is empty or too long or holds control characters, else nil.
    package func plainTextProblem(maxLength: Int) -> String? {
        if isEmpty { return "required" }
        if let length = lengthIfOver(maxLength) { return "at most \(maxLength) characters; got \(length)" }
        if unicodeScalars.contains(where: \.isControl) { return "must not contain control characters" }
        return nil
    }

    /// The character count if it exceeds `limit`, else nil. Counting characters is slow, and
    /// a string of at most `limit` UTF-8 bytes cannot have more characters, so most skip it.
    package func lengthIfOver(_ limit: Int) -> Int? {
        guard utf8.count > limit else { return nil }
        let length = count
        return length > limit ? length : nil
    }

    package var containsSpace: Bool { unicodeScalars.contains(where: \.isSpace) }

    /// True if empty or only whitespace.
    package var isBlank: Bool { unicodeScalars.allSatisfy(\.isSpace) }

    /// A reason if the string is empty, too long, or has a character outside `allowed`.
    package func tokenProblem(maxLength: Int, allowed: (Unicode.Scalar) -> Bool, allowedText: String) -> String? {
        if isEmpty { return "required" }
        let length = unicodeScalars.count
        if length > maxLength { return "at most \(maxLength) characters; got \(length)" }
        if let bad = unicodeScalars.first(where: { !allowed($0) }) {
            return "only \(allowedText) are allowed; found \(bad.debugQuoted)"
        }
        return nil
    }

    /// Without leading and trailing whitespace.
    package var trimmed: Substring {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isSpace }) else { return self[endIndex...] }
        let last = scalars.lastIndex(where: { !$0.isSpace })!
        return self[first...last]
    }

    /// 64-bit FNV-1a of the UTF-8 bytes: stable across processes (unlike `Hasher`).
    package var stableHash: UInt64 { fnv1a(utf8) }
}

/// 64-bit FNV-1a of `bytes`; a string's and its UTF-8 bytes' hashes are equal.
@inline(__always)
package func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01b3
    }
    return hash
}
