import ArgumentParser
import EngramWire
import Foundation

/// Traits and identifiers as written on the command line and in import mappings.
public enum TraitInput {
    /// The value types a trait can be given as: `Group.name:int=5`.
    public enum ValueType: String, Sendable, CaseIterable {
        case string, number, int, bool, list, null
    }

    /// Parses `Group.name=value` or `Group.name:TYPE=value` (`--trait`).
    public static func parseAssignment(_ text: String) throws(CLIError) -> (
        group: String, name: String, value: Wire.TraitValue
    ) {
        guard let eq = text.firstIndex(of: "=") else {
            throw .usage("--trait '\(text)': expected Group.name=value (or Group.name:TYPE=value)")
        }
        let (group, name, type) = try parseTarget(String(text[..<eq]), context: "--trait '\(text)'")
        let value = try parseValue(String(text[text.index(after: eq)...]), as: type, context: "--trait '\(text)'")
        return (group, name, value)
    }

    /// Parses `Group.name` or `Group.name:TYPE`.
    public static func parseTarget(_ text: String, context: String) throws(CLIError) -> (
        group: String, name: String, type: ValueType
    ) {
        var key = Substring(text)
        var type = ValueType.string
        if let colon = key.lastIndex(of: ":") {
            let suffix = String(key[key.index(after: colon)...])
            guard let t = ValueType(rawValue: suffix) else {
                throw .usage(
                    "\(context): unknown type '\(suffix)' (expected one of \(ValueType.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            type = t
            key = key[..<colon]
        }
        guard let dot = key.firstIndex(of: "."), dot != key.startIndex, key.index(after: dot) != key.endIndex else {
            throw .usage("\(context): a trait is written Group.name, e.g. Contact.firstName")
        }
        return (String(key[..<dot]), String(key[key.index(after: dot)...]), type)
    }

    /// A value of the given type; lists are separated by '|'.
    public static func parseValue(_ text: String, as type: ValueType, context: String) throws(CLIError)
        -> Wire.TraitValue
    {
        switch type {
        case .string: return Wire.TraitValue(.stringValue(text))
        case .number:
            guard let v = Double(text) ?? Double(text.trimmingCharacters(in: .whitespaces)), v.isFinite else {
                throw CLIError("\(context): '\(text)' is not a number")
            }
            return Wire.TraitValue(.numberValue(v))
        case .int:
            guard let v = Int64(text) ?? Int64(text.trimmingCharacters(in: .whitespaces)) else {
                throw CLIError("\(context): '\(text)' is not an integer")
            }
            return Wire.TraitValue(.integerValue(v))
        case .bool:
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "yes", "1": return Wire.TraitValue(.boolValue(true))
            case "false", "no", "0": return Wire.TraitValue(.boolValue(false))
            default: throw CLIError("\(context): '\(text)' is not a bool (true/false, yes/no, 1/0)")
            }
        case .list: return Wire.TraitValue(.listValue(Wire.StringList(text.split(separator: "|").map(String.init))))
        case .null: return Wire.TraitValue(.nullValue(true))
        }
    }

    /// Parses `TYPE=VALUE` (`--id`).
    public static func parseIdentifier(_ text: String) throws(CLIError) -> Wire.Identifier {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw .usage("--id '\(text)': expected TYPE=VALUE, e.g. user_id=4711")
        }
        return Wire.Identifier(type: String(text[..<eq]), value: String(text[text.index(after: eq)...]))
    }
}

/// The identifier flags shared by `profile resolve`, `profile lookup` and `recall`.
public struct IdentifierOptions: ParsableArguments, Sendable {
    @Option(help: "An email address.") public var email: [String] = []
    @Option(help: "A phone number (E.164, or 10 digits in the store's default region).") public var phone: [String] = []
    @Option(help: "A WhatsApp number.") public var whatsapp: [String] = []
    @Option(help: "A chat identity.") public var chat: [String] = []
    @Option(name: .customLong("id"), help: "Any identifier as TYPE=VALUE, e.g. user_id=4711.") public var ids:
        [String] = []

    public init() {}

    public func identifiers() throws(CLIError) -> [Wire.Identifier] {
        var result = email.map { Wire.Identifier(type: "email", value: $0) }
        result += phone.map { Wire.Identifier(type: "phone", value: $0) }
        result += whatsapp.map { Wire.Identifier(type: "whatsapp", value: $0) }
        result += chat.map { Wire.Identifier(type: "chat", value: $0) }
        for id in ids { result.append(try TraitInput.parseIdentifier(id)) }
        return result
    }
}
