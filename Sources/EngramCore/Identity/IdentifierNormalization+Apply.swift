/// Why a raw identifier value cannot be normalised.
struct InvalidIdentifier: Error {
    var reason: String
}

extension IdentifierNormalization {
    static let maxValueLength = 256

    /// Normalises `raw`, or throws with the reason it is invalid.
    /// `regionCode` is the calling code that 10-digit phone numbers get.
    func normalize(_ raw: String, regionCode: String) throws(InvalidIdentifier) -> String {
        let value: String
        switch self {
        case .email: value = try Self.email(raw)
        case .phone: value = try Self.phone(raw.trimmed, regionCode: regionCode)
        case .whatsapp:
            var text = raw.trimmed
            if text.lowercased().hasPrefix("whatsapp:") { text = text.dropFirst("whatsapp:".count) }
            value = try Self.phone(text, regionCode: regionCode)
        case .chat, .trim: value = String(raw.trimmed)
        case .lowercase: value = raw.trimmed.lowercased()
        case .none: value = raw
        }
        if value.isEmpty { throw InvalidIdentifier(reason: "is empty") }
        if value.unicodeScalars.count > Self.maxValueLength {
            throw InvalidIdentifier(reason: "is longer than \(Self.maxValueLength) characters")
        }
        if value.unicodeScalars.contains(where: \.isControl) {
            throw InvalidIdentifier(reason: "contains control characters")
        }
        return value
    }

    private static func email(_ raw: String) throws(InvalidIdentifier) -> String {
        let text = raw.trimmed.lowercased()
        if text.isEmpty { throw InvalidIdentifier(reason: "is empty") }
        if text.containsSpace { throw InvalidIdentifier(reason: "an email contains no spaces") }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw InvalidIdentifier(reason: parts.count == 1 ? "an email needs an @" : "an email has exactly one @")
        }
        let local = parts[0]
        let domain = parts[1]
        if local.isEmpty { throw InvalidIdentifier(reason: "an email needs a name before the @") }
        if local.utf8.count > 64 { throw InvalidIdentifier(reason: "an email's name part is at most 64 bytes") }
        if domain.isEmpty { throw InvalidIdentifier(reason: "an email needs a domain after the @") }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count < 2 { throw InvalidIdentifier(reason: "an email's domain needs a dot, as in example.com") }
        for label in labels {
            if label.isEmpty { throw InvalidIdentifier(reason: "an email's domain has an empty part") }
            if label.first == "-" || label.last == "-" {
                throw InvalidIdentifier(reason: "an email's domain parts cannot start or end with '-'")
            }
            if label.unicodeScalars.contains(where: {
                // ASCII first: Unicode property lookups cost more than the rest of the check.
                let v = $0.value
                return v < 128
                    ? !((48...57).contains(v) || (65...90).contains(v) || (97...122).contains(v) || v == 45)
                    : !($0.properties.isAlphabetic || $0.properties.numericType != nil)
            }) {
                throw InvalidIdentifier(reason: "an email's domain holds only letters, digits, '-' and '.'")
            }
        }
        if text.utf8.count > 254 { throw InvalidIdentifier(reason: "an email is at most 254 bytes") }
        return text
    }

    /// E.164: `+`, a known calling code, and at most 15 digits in all.
    private static func phone(_ text: Substring, regionCode: String) throws(InvalidIdentifier) -> String {
        if text.isEmpty { throw InvalidIdentifier(reason: "is empty") }
        var digits = ""
        var international = false
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            switch scalar {
            case "0"..."9": digits.unicodeScalars.append(scalar)
            case "+" where offset == 0: international = true
            case " ", "-", ".", "(", ")": continue
            default:
                throw InvalidIdentifier(
                    reason: "a phone number holds only digits, spaces and + - . ( ); found \(scalar.debugQuoted)")
            }
        }
        if !international, digits.hasPrefix("00") {
            international = true
            digits.removeFirst(2)
        }
        var national: Substring
        var code: Substring
        if international {
            guard let found = CountryCallingCodes.prefix(of: digits[...]) else {
                throw InvalidIdentifier(reason: "unknown country calling code in \"+\(digits)\"")
            }
            code = found
            national = digits.dropFirst(found.count)
        } else if digits.count == 10 {
            // A bare 10-digit number gets the store's default region, dropping a trunk 0.
            code = regionCode[...]
            national = regionCode != "1" && digits.hasPrefix("0") ? digits.dropFirst() : digits[...]
        } else if digits.count == 11, digits.hasPrefix("1"), regionCode == "1" {
            code = "1"
            national = digits.dropFirst()
        } else {
            throw InvalidIdentifier(
                reason: "cannot become E.164: \(digits.count) digits without a country code (start with + and the code)"
            )
        }
        if code == "1" {
            if national.count != 10 {
                throw InvalidIdentifier(reason: "a +1 number has 10 digits after the +1; got \(national.count)")
            }
            if let first = national.first, first == "0" || first == "1" {
                throw InvalidIdentifier(reason: "a +1 number's area code cannot start with 0 or 1")
            }
        }
        let total = code.count + national.count
        if total > 15 { throw InvalidIdentifier(reason: "E.164 allows at most 15 digits; got \(total)") }
        if national.count < 4 { throw InvalidIdentifier(reason: "too few digits for a phone number") }
        return "+" + code + national
    }
}
