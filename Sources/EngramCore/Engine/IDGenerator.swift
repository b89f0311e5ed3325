import Synchronization

/// The kinds of entity the engine names.
public enum IDKind: String, Sendable, Hashable, CaseIterable {
    case store = "st"
    case profile = "pr"
    case observation = "ob"
    case summary = "su"
    case communication = "cm"
    case knowledgeBase = "kb"
    case knowledge = "kn"
}

/// Makes new ids. Called before a command is built, never while applying one,
/// so a replayed command reuses the ids it was logged with.
public protocol IDGenerator: Sendable {
    /// A new id for an entity of `kind`, unique within the engine.
    func makeID(_ kind: IDKind) -> String
}

/// Random-looking ids: the kind's prefix, `_`, and 26 base-32 characters (128 bits).
///
/// Unique by construction within a process: the first 64 bits are a bijective mix of a
/// counter, so no two calls collide. Two random keys drawn at start make ids from different
/// runs differ too. No system call per id (the keys are drawn once), which matters on the
/// Observe path. Not meant as secret tokens.
public final class RandomIDGenerator: IDGenerator {
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
    private let counter = Atomic<UInt64>(0)
    private let keys: (UInt64, UInt64)

    /// Creates the generator with fresh random keys.
    public init() {
        var rng = SystemRandomNumberGenerator()
        keys = (rng.next(), rng.next())
    }

    /// SplitMix64's finaliser: a bijection on 64-bit values.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A new id for an entity of `kind`.
    public func makeID(_ kind: IDKind) -> String {
        let n = counter.wrappingAdd(1, ordering: .relaxed).newValue
        var high = Self.mix(n &+ keys.0)
        var low = Self.mix(n ^ keys.1 &+ 0x9E37_79B9_7F4A_7C15)
        var bytes = Array(kind.rawValue.utf8)
        bytes.reserveCapacity(29)
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

    /// A new id for an entity of `kind`.
    public func makeID(_ kind: IDKind) -> String {
        let n = counter.withLock { value in
            defer { value += 1 }
            return value
        }
        let digits = String(n)
        return kind.rawValue + "_" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }
}
