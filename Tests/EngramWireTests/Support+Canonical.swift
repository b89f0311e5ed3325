import EngramWire
import Foundation

/// A canonical, implementation-neutral view of a message's values, matching the dump that
/// scripts/engram_canon.py makes with Google's runtime: field names in snake_case, fields without
/// presence left out at their defaults, numbers as decimal strings, floats as bit patterns.
indirect enum Canon: Equatable, Decodable, CustomStringConvertible {
    case object([String: Canon])
    case array([Canon])
    case string(String)
    case bool(Bool)

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([Canon].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: Canon].self))
        }
    }

    var description: String {
        switch self {
        case .bool(let b): return b ? "true" : "false"
        case .string(let s): return "\"\(s)\""
        case .array(let a): return "[" + a.map(\.description).joined(separator: ",") + "]"
        case .object(let o):
            return "{" + o.keys.sorted().map { "\($0):\(o[$0]!)" }.joined(separator: ",") + "}"
        }
    }

    static func parse(json: [UInt8]) throws -> Canon {
        try JSONDecoder().decode(Canon.self, from: Data(json))
    }

    /// Dumps a Swift message by reflection. Reflection is fine here: this is test code, and it
    /// keeps the check independent of the hand-written codecs it checks.
    static func of(_ message: any ProtoMessage) -> Canon { messageValue(message) }

    private static func messageValue(_ message: Any) -> Canon {
        var out: [String: Canon] = [:]
        for child in Mirror(reflecting: message).children {
            guard let label = child.label else { continue }
            let mirror = Mirror(reflecting: child.value)
            if mirror.displayStyle == .optional {
                guard let inner = mirror.children.first?.value else { continue }
                let innerMirror = Mirror(reflecting: inner)
                if innerMirror.displayStyle == .enum, let member = innerMirror.children.first, let name = member.label {
                    out[snakeCase(name)] = value(member.value)  // a oneof member
                } else {
                    out[snakeCase(label)] = value(inner)  // explicit presence
                }
            } else if !isDefault(child.value) {
                out[snakeCase(label)] = value(child.value)
            }
        }
        return .object(out)
    }

    private static func value(_ v: Any) -> Canon {
        switch v {
        case let s as String: return .string(s)
        case let b as Bool: return .bool(b)
        case let x as Int32: return .string(String(x))
        case let x as Int64: return .string(String(x))
        case let x as UInt32: return .string(String(x))
        case let x as UInt64: return .string(String(x))
        case let f as Float: return .string("f:" + hex(UInt64(f.bitPattern), digits: 8))
        case let d as Double: return .string("d:" + hex(d.bitPattern, digits: 16))
        case let bytes as [UInt8]: return .string("b:" + bytes.map { hex(UInt64($0), digits: 2) }.joined())
        case let e as any ProtoEnum: return .string(String(e.rawValue))
        case let m as any ProtoMessage: return messageValue(m)
        case let a as [Any]: return .array(a.map(value))
        case let d as [String: Any]: return .object(d.mapValues(value))
        default: fatalError("no canonical form for \(type(of: v))")
        }
    }

    private static func isDefault(_ v: Any) -> Bool {
        switch v {
        case let s as String: return s.isEmpty
        case let b as Bool: return !b
        case let x as Int32: return x == 0
        case let x as Int64: return x == 0
        case let x as UInt32: return x == 0
        case let x as UInt64: return x == 0
        case let f as Float: return f.bitPattern == 0
        case let d as Double: return d.bitPattern == 0
        case let e as any ProtoEnum: return e.rawValue == 0
        case let a as [Any]: return a.isEmpty
        case let d as [String: Any]: return d.isEmpty
        default: return false
        }
    }

    private static func hex(_ v: UInt64, digits: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }

    static func snakeCase(_ name: String) -> String {
        var out = ""
        for ch in name {
            if ch.isUppercase {
                out += "_" + ch.lowercased()
            } else {
                out.append(ch)
            }
        }
        return out
    }
}

/// Paths inside the repository.
enum Repo {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    static var vectors: URL { root.appendingPathComponent("Protocol/vectors") }

    static func read(_ url: URL) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url))
    }
}

/// Encodes and decodes a message chosen at run time.
enum Dynamic {
    static func decode(_ type: any ProtoMessage.Type, _ bytes: [UInt8]) throws -> any ProtoMessage {
        try type.init(serializedBytes: bytes)
    }

    static func encode(_ message: any ProtoMessage) -> [UInt8] {
        message.serializedBytes()
    }
}
