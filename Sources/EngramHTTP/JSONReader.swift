import NIOCore

/// Reads a JSON object's members straight from a request body's bytes, for the hot routes'
/// bodies (Recall), where Foundation's `JSONDecoder` (a copy into `Data`, a decoder's state,
/// a container per value) cost more than the rest of the door's parsing. Strict JSON (RFC 8259):
/// anything else is "the body is not valid JSON", and a member of the wrong type names the
/// member as `JSONBody.describe` does (`observationsLimit: must be an integer`). Unknown members
/// are skipped, as the decoder skips them.
struct JSONReader: ~Copyable {
    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    /// How deep skipped values may nest.
    static let maxDepth = 256

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Calls `member` with each member's name, the reader positioned at its value, which
    /// `member` must read (or `skipValue`). The body must be one object and nothing else.
    static func readObject(
        _ buffer: ByteBuffer, _ member: (inout JSONReader, String) throws(APIError) -> Void
    ) throws(APIError) {
        guard buffer.readableBytes > 0 else { throw APIError(.invalidArgument, "the request needs a JSON body") }
        let result: Result<Void, APIError> = buffer.withUnsafeReadableBytes { raw in
            var reader = JSONReader(raw)
            do throws(APIError) {
                try reader.readMembers(member)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    private mutating func readMembers(_ member: (inout JSONReader, String) throws(APIError) -> Void)
        throws(APIError)
    {
        skipWhitespace()
        guard let first = peek() else { throw Self.invalid("no JSON value") }
        guard first == UInt8(ascii: "{") else {
            if first == UInt8(ascii: "[") || first == UInt8(ascii: "\"") || first == UInt8(ascii: "-")
                || first == UInt8(ascii: "t") || first == UInt8(ascii: "f") || first == UInt8(ascii: "n")
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
            {
                try skipValue(depth: 0)
                skipWhitespace()
                if index == bytes.count { throw APIError.invalid("body", "must be an object") }
            }
            throw invalidHere("expected an object")
        }
        index += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { throw invalidHere("expected a member name in quotes") }
                let name = try readString()
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { throw invalidHere("expected ':' after a member name") }
                index += 1
                skipWhitespace()
                try member(&self, name)
                skipWhitespace()
                guard let next = peek() else { throw Self.invalid("the object is not closed") }
                index += 1
                if next == UInt8(ascii: "}") { break }
                guard next == UInt8(ascii: ",") else {
                    index -= 1
                    throw invalidHere("expected ',' or '}' after a member")
                }
            }
        }
        skipWhitespace()
        guard index == bytes.count else { throw invalidHere("unexpected text after the object") }
    }

    // MARK: Typed values (null is nil)

    mutating func string(_ field: String) throws(APIError) -> String? {
        if try readNull() { return nil }
        guard peek() == UInt8(ascii: "\"") else { throw try mismatch(field, "a string") }
        return try readString()
    }

    mutating func bool(_ field: String) throws(APIError) -> Bool? {
        if try readNull() { return nil }
        if try literal("true") { return true }
        if try literal("false") { return false }
        throw try mismatch(field, "true or false")
    }

    mutating func double(_ field: String) throws(APIError) -> Double? {
        if try readNull() { return nil }
        guard let text = try readNumber() else { throw try mismatch(field, "a number") }
        guard let value = Double(text) else { throw APIError.invalid(field, "\(text) is not a number") }
        return value
    }

    mutating func uint32(_ field: String) throws(APIError) -> UInt32? {
        if try readNull() { return nil }
        guard let text = try readNumber() else { throw try mismatch(field, "an integer") }
        if let value = UInt32(text) { return value }
        // 5.0 and 5e2 are integers too; -1, 2.5 and 2^32 are not UInt32s.
        if let value = Double(text), value.rounded() == value, value >= 0, value <= Double(UInt32.max) {
            return UInt32(value)
        }
        throw APIError.invalid(field, "must be an integer from 0 to \(UInt32.max), not \(text)")
    }

    mutating func strings(_ field: String) throws(APIError) -> [String]? {
        try array(field) { (reader: inout JSONReader, element: String) throws(APIError) -> String in
            guard let value = try reader.string(element) else {
                throw APIError.invalid(element, "must be a string, not null")
            }
            return value
        }
    }

    mutating func doubles(_ field: String) throws(APIError) -> [Double]? {
        try array(field) { (reader: inout JSONReader, element: String) throws(APIError) -> Double in
            guard let value = try reader.double(element) else {
                throw APIError.invalid(element, "must be a number, not null")
            }
            return value
        }
    }

    /// An RFC 3339 time in a string.
    mutating func time(_ field: String) throws(APIError) -> JSONTime? {
        guard let text = try string(field) else { return nil }
        guard let us = RFC3339.parse(text) else {
            throw APIError.invalid(
                field, "must be an RFC 3339 time such as 2026-05-06T19:45:00Z, not '\(text.prefix(64))'")
        }
        return JSONTime(us: us)
    }

    /// Skips a member's value whatever it is (a member this body does not know).
    mutating func skipValue() throws(APIError) {
        try skipValue(depth: 0)
    }

    // MARK: Scanning

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): index += 1
            default: return
            }
        }
    }

    private mutating func array<T>(
        _ field: String, _ element: (inout JSONReader, String) throws(APIError) -> T
    ) throws(APIError) -> [T]? {
        if try readNull() { return nil }
        guard peek() == UInt8(ascii: "[") else { throw try mismatch(field, "an array") }
        index += 1
        var out: [T] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return out
        }
        while true {
            skipWhitespace()
            out.append(try element(&self, "\(field)[\(out.count)]"))
            skipWhitespace()
            guard let next = peek() else { throw Self.invalid("the array \(field) is not closed") }
            index += 1
            if next == UInt8(ascii: "]") { return out }
            guard next == UInt8(ascii: ",") else {
                index -= 1
                throw invalidHere("expected ',' or ']' in \(field)")
            }
        }
    }

    /// Consumes `null` if it is next.
    private mutating func readNull() throws(APIError) -> Bool { try literal("null") }

    /// Consumes `word` if it is next; a prefix of it, or it run on into letters, is invalid.
    private mutating func literal(_ word: StaticString) throws(APIError) -> Bool {
        let count = word.utf8CodeUnitCount
        let start = word.utf8Start
        guard index < bytes.count, bytes[index] == start[0] else { return false }
        guard index + count <= bytes.count else { throw invalidHere("a value is cut short") }
        for k in 0..<count where bytes[index + k] != start[k] { throw invalidHere("not a JSON value") }
        index += count
        if let next = peek(), Self.isLetterOrDigit(next) { throw invalidHere("not a JSON value") }
        return true
    }

    private static func isLetterOrDigit(_ c: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c)
    }

    /// The next value as the type a mismatched member should have been: the error for it.
    /// The value must still be valid JSON (an invalid one is reported as such).
    private mutating func mismatch(_ field: String, _ expected: String) throws(APIError) -> APIError {
        try skipValue(depth: 0)
        return APIError.invalid(field, "must be \(expected)")
    }

    /// A number's text (ASCII), or nil when the next value is not a number.
    private mutating func readNumber() throws(APIError) -> String? {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), Self.isDigit(first) else {
            index = start
            return nil
        }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard let d = peek(), Self.isDigit(d) else { throw invalidHere("a digit must follow '.'") }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard let d = peek(), Self.isDigit(d) else { throw invalidHere("a digit must follow the exponent") }
            skipDigits()
        }
        if let next = peek(), Self.isLetterOrDigit(next) || next == UInt8(ascii: ".") {
            throw invalidHere("not a JSON number")
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    private static func isDigit(_ c: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) }

    private mutating func skipDigits() {
        while let c = peek(), Self.isDigit(c) { index += 1 }
    }

    /// A string at the opening quote: its text with escapes resolved. Raw control characters
    /// and invalid UTF-8 are errors.
    private mutating func readString() throws(APIError) -> String {
        index += 1
        let start = index
        // The common case: no escapes, the bytes are the string.
        while index < bytes.count {
            let c = bytes[index]
            if c == UInt8(ascii: "\"") {
                let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                index += 1
                guard let text = String(validating: raw, as: UTF8.self) else { throw Self.invalid("invalid UTF-8") }
                return text
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw invalidHere("a control character in a string must be escaped") }
            index += 1
        }
        var out = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let c = bytes[index]
            index += 1
            switch c {
            case UInt8(ascii: "\""):
                guard let text = String(validating: out, as: UTF8.self) else { throw Self.invalid("invalid UTF-8") }
                return text
            case UInt8(ascii: "\\"):
                guard let e = peek() else { throw Self.invalid("a string is not closed") }
                index += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try readHex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A high surrogate must be followed by an escaped low one.
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u")
                        else { throw invalidHere("a lone surrogate in \\u escapes") }
                        index += 2
                        let low = try readHex4()
                        guard (0xDC00..<0xE000).contains(low) else {
                            throw invalidHere("a lone surrogate in \\u escapes")
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw invalidHere("a lone surrogate in \\u escapes")
                    }
                    out.append(contentsOf: Unicode.UTF8.encode(Unicode.Scalar(scalar)!)!)
                default:
                    index -= 1
                    throw invalidHere("an unknown escape in a string")
                }
            default:
                if c < 0x20 {
                    index -= 1
                    throw invalidHere("a control character in a string must be escaped")
                }
                out.append(c)
            }
        }
        throw Self.invalid("a string is not closed")
    }

    private mutating func readHex4() throws(APIError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw Self.invalid("a \\u escape is cut short") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw invalidHere("a \\u escape needs four hex digits")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private mutating func skipValue(depth: Int) throws(APIError) {
        guard depth < Self.maxDepth else { throw Self.invalid("values nested more than \(Self.maxDepth) deep") }
        skipWhitespace()
        guard let c = peek() else { throw Self.invalid("a value is missing") }
        switch c {
        case UInt8(ascii: "\""):
            _ = try readString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = c == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            index += 1
            skipWhitespace()
            if peek() == close {
                index += 1
                return
            }
            while true {
                skipWhitespace()
                if c == UInt8(ascii: "{") {
                    guard peek() == UInt8(ascii: "\"") else { throw invalidHere("expected a member name in quotes") }
                    _ = try readString()
                    skipWhitespace()
                    guard peek() == UInt8(ascii: ":") else { throw invalidHere("expected ':' after a member name") }
                    index += 1
                }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard let next = peek() else { throw Self.invalid("a value is not closed") }
                index += 1
                if next == close { return }
                guard next == UInt8(ascii: ",") else {
                    index -= 1
                    throw invalidHere("expected ',' between values")
                }
            }
        default:
            if try literal("true") { return }
            if try literal("false") { return }
            if try readNull() { return }
            guard try readNumber() != nil else { throw invalidHere("not a JSON value") }
        }
    }

    // MARK: Errors

    private static func invalid(_ detail: String) -> APIError {
        APIError(.invalidArgument, "the body is not valid JSON: \(detail)")
    }

    private func invalidHere(_ detail: String) -> APIError {
        Self.invalid("\(detail) at byte \(index)")
    }
}
