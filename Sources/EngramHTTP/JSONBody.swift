import EngramWire
import NIOCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Request and response bodies: JSON through Foundation's coders, with decoding errors that
/// name the field (`observations[1].occurredAt: is required`).
enum JSONBody {
    static func encode<T: Encodable>(_ value: T) -> ByteBuffer {
        if let writable = value as? any JSONWritable {
            var w = JSONWriter()
            writable.write(to: &w)
            return w.buffer
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        do {
            return ByteBuffer(data: try encoder.encode(value))
        } catch {
            // Only a non-finite number can fail, and scores and traits are checked finite.
            return ByteBuffer(string: #"{"error":"the response could not be encoded as JSON"}"#)
        }
    }

    /// One decoder for every request: it keeps no state between calls.
    private static let decoder = JSONDecoder()

    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws(APIError) -> T {
        guard buffer.readableBytes > 0 else {
            throw APIError(.invalidArgument, "the request needs a JSON body")
        }
        do {
            return try buffer.withUnsafeReadableBytes { raw in
                try decoder.decode(T.self, from: Data(raw))
            }
        } catch let error as APIError {
            throw error
        } catch let error as DecodingError {
            throw describe(error)
        } catch {
            throw APIError(.invalidArgument, "the body is not valid JSON: \(error)")
        }
    }

    /// A decoding error as the field it is about and what is wrong with it.
    static func describe(_ error: DecodingError) -> APIError {
        func path(_ keys: [any CodingKey]) -> String {
            var out = ""
            for key in keys {
                if let index = key.intValue, key.stringValue.hasPrefix("Index") || key.stringValue == "\(index)" {
                    out += "[\(index)]"
                } else {
                    out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return out
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return APIError.invalid(field, "is required")
        case .typeMismatch(let type, let context):
            return APIError.invalid(orBody(path(context.codingPath)), "must be \(jsonType(type))")
        case .valueNotFound(let type, let context):
            return APIError.invalid(orBody(path(context.codingPath)), "must be \(jsonType(type)), not null")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            if field.isEmpty {
                let detail = (context.underlyingError.map { "\($0)" } ?? context.debugDescription)
                return APIError(.invalidArgument, "the body is not valid JSON: \(detail.prefix(200))")
            }
            return APIError.invalid(field, context.debugDescription)
        @unknown default:
            return APIError(.invalidArgument, "the body could not be read: \(error)")
        }
    }

    private static func orBody(_ path: String) -> String { path.isEmpty ? "body" : path }

    private static func jsonType(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is UInt32.Type, is Int32.Type, is UInt64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        default:
            if "\(type)".hasPrefix("Array") {
                "an array"
            } else if "\(type)".hasPrefix("Dictionary") {
                "an object"
            } else {
                "an object"
            }
        }
    }
}

/// An RFC 3339 time <-> microseconds since the Unix epoch, exactly (Foundation's ISO 8601
/// formatter keeps milliseconds only).
enum RFC3339 {
    /// `2026-05-06T19:45:00Z`, with `.ffffff` when the time has microseconds.
    static func format(_ us: Int64) -> String {
        var bytes: [UInt8] = []
        write(us, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `format`'s text, appended as bytes.
    static func write(_ us: Int64, into out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxLength) { scratch in
            let n = write(us, to: scratch.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<n]))
        }
    }

    /// The most bytes `write(_:to:)` writes (a year of six digits and a sign, microseconds).
    static let maxLength = 40

    /// `format`'s text written at `out`, which has room for `maxLength` bytes; returns its length.
    /// The fixed-width text is copied in once and its digits set in place.
    static func write(_ us: Int64, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let seconds = us >= 0 ? us / 1_000_000 : (us - 999_999) / 1_000_000
        let micros = us - seconds * 1_000_000
        var days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Howard Hinnant's civil_from_days.
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        var year = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        if month <= 2 { year += 1 }
        let template = micros != 0 ? template : templateWhole
        // A year outside four digits (never a real timestamp) is written in full.
        var start = 0
        if !(0...9999).contains(year) {
            for byte in String(year).utf8 {
                out[start] = byte
                start += 1
            }
            start -= 4
        }
        template.withUnsafeBufferPointer { t in
            (out + start + 4).update(from: t.baseAddress! + 4, count: t.count - 4)
        }
        func put(_ v: Int64, at end: Int, width: Int) {
            var v = v
            for i in stride(from: start + end - 1, through: start + end - width, by: -1) {
                out[i] = UInt8(truncatingIfNeeded: v % 10) &+ 0x30
                v /= 10
            }
        }
        if start == 0 { put(year, at: 4, width: 4) }
        put(month, at: 7, width: 2)
        put(day, at: 10, width: 2)
        put(secondOfDay / 3600, at: 13, width: 2)
        put(secondOfDay / 60 % 60, at: 16, width: 2)
        put(secondOfDay % 60, at: 19, width: 2)
        if micros != 0 { put(micros, at: 26, width: 6) }
        return start + template.count
    }

    private static let template: [UInt8] = Array("0000-00-00T00:00:00.000000Z".utf8)
    private static let templateWhole: [UInt8] = Array("0000-00-00T00:00:00Z".utf8)

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; nil when `text` is not one. Digits of
    /// the fraction past microseconds are dropped.
    static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count >= 20 else { return nil }
        func num(_ at: Int, _ n: Int) -> Int64? {
            guard at + n <= b.count else { return nil }
            var v: Int64 = 0
            for i in at..<at + n {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard let year = num(0, 4), b[4] == UInt8(ascii: "-"), let month = num(5, 2), b[7] == UInt8(ascii: "-"),
            let day = num(8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
            let hour = num(11, 2), b[13] == UInt8(ascii: ":"), let minute = num(14, 2), b[16] == UInt8(ascii: ":"),
            let second = num(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60,
            second < 61
        else { return nil }
        var i = 19
        var micros: Int64 = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 6 { micros = micros * 10 + Int64(b[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        var offset: Int64 = 0
        guard i < b.count else { return nil }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"), let om = num(i + 4, 2),
                oh < 24, om < 60
            else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        // days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offset
        return seconds * 1_000_000 + micros
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// A time in a JSON body: an RFC 3339 string, kept as microseconds.
struct JSONTime: Codable, Sendable, Hashable {
    var us: Int64
    init(us: Int64) { self.us = us }

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let us = RFC3339.parse(text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "must be an RFC 3339 time such as 2026-05-06T19:45:00Z, not '\(text.prefix(64))'"
                ))
        }
        self.us = us
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(RFC3339.format(us))
    }
}

extension Int64 {
    /// A time field: absent when 0 (the schema's "not set").
    var time: JSONTime? { self == 0 ? nil : JSONTime(us: self) }
}
