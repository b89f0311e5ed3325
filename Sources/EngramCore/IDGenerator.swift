import Synchronization

/// The kinds of entity the engine names.
public enum IDKind: String, Sendable, Hashable, CaseIterable {
    case store = "st"
    case profile = "pr"
    case observation = "ob"
    case summary = "su"
    case communication = "cm"
}

/// Makes new ids. Called before a command is built, never while applying one,
/// so a replayed command reuses the ids it was logged with.
public protocol IDGenerator: Sendable {
    /// A new id for an entity of `kind`, unique within the engine.
    func makeID(_ kind: IDKind) -> String
}

/// Random ids: the kind's prefix, `_`, and 26 base-32 characters (130 random bits).
public struct RandomIDGenerator: IDGenerator {
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    /// Creates the generator.
    public init() {}

    public func makeID(_ kind: IDKind) -> String {
        var rng = SystemRandomNumberGenerator()
        var high = rng.next() as UInt64
        var low = rng.next() as UInt64
        var bytes = Array(kind.rawValue.utf8)
        bytes.append(UInt8(ascii: "_"))
        for _ in 0..<13 {
            bytes.append(Self.alphabet[Int(high & 31)])
            high >>= 5
        }
        for _ in 0..<13 {
            bytes.append(Self.alphabet[Int(low & 31)])
            low >>= 5
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Deterministic ids for tests: `pr_000000000001`, then `pr_000000000002`, …
/// One counter is shared by all kinds, so ids sort in creation order.
public final class SequentialIDGenerator: IDGenerator {
    private let counter: Mutex<UInt64>

    /// Creates a generator whose first id ends in `start`.
    public init(start: UInt64 = 1) {
        counter = Mutex(start)
    }

    public func makeID(_ kind: IDKind) -> String {
        let n = counter.withLock { value in
            defer { value += 1 }
            return value
        }
        let digits = String(n)
        return kind.rawValue + "_" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }
}
