import EngramWire
import Foundation
import Testing

/// Untrusted input must decode or fail with a typed error: never a trap, never a hang.
@Suite("Robustness against hostile bytes")
struct RobustnessTests {
    static func vectors() throws -> [(any ProtoMessage.Type, [UInt8])] {
        try MessageRegistry.all.map { type in
            (type, try Repo.read(Repo.vectors.appendingPathComponent("\(type.protoMessageName).bin")))
        }
    }

    @Test func everyVectorTruncatedAtEveryByte() throws {
        var decoded = 0
        var rejected = 0
        for (type, bytes) in try Self.vectors() {
            for cut in 0..<bytes.count {
                do {
                    _ = try Dynamic.decode(type, Array(bytes[..<cut]))
                    decoded += 1
                } catch is WireDecodingError {
                    rejected += 1
                }
            }
        }
        // Cuts at field boundaries decode; cuts inside a field must be reported.
        #expect(decoded > 0)
        #expect(rejected > decoded)
    }

    @Test func seededRandomMutations() throws {
        let vectors = try Self.vectors()
        var rng = SplitMix64(seed: 0xE4_6A_4D)
        var decoded = 0
        var rejected = 0
        for _ in 0..<100_000 {
            let (type, original) = vectors[Int(rng.next() % UInt64(vectors.count))]
            var bytes = original
            for _ in 0...(rng.next() % 4) { mutate(&bytes, &rng) }
            // Decode as the vector's own type, and sometimes as another, as a confused peer might.
            let target = rng.next() % 4 == 0 ? vectors[Int(rng.next() % UInt64(vectors.count))].0 : type
            do {
                let message = try Dynamic.decode(target, bytes)
                // Whatever decodes must re-encode and decode to the same value.
                let again = try Dynamic.decode(target, Dynamic.encode(message))
                #expect(Dynamic.encode(again) == Dynamic.encode(message))
                decoded += 1
            } catch is WireDecodingError {
                rejected += 1
            }
        }
        #expect(decoded + rejected == 100_000)
        #expect(decoded > 1000 && rejected > 1000)
    }

    @Test func randomGarbage() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<20_000 {
            let bytes = (0..<(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            _ = try? Wire.ObserveRequest(serializedBytes: bytes)
            _ = try? Wire.RecallResponse(serializedBytes: bytes)
        }
    }

    private func mutate(_ bytes: inout [UInt8], _ rng: inout SplitMix64) {
        let interesting: [UInt8] = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x0A, 0x12, 0x08, 0xFB, 0xFC]
        switch rng.next() % 6 {
        case 0 where !bytes.isEmpty:  // flip a bit
            let i = Int(rng.next() % UInt64(bytes.count))
            bytes[i] ^= UInt8(1) << (rng.next() % 8)
        case 1 where !bytes.isEmpty:  // set an interesting byte
            let i = Int(rng.next() % UInt64(bytes.count))
            bytes[i] = interesting[Int(rng.next() % UInt64(interesting.count))]
        case 2:  // insert
            let i = bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count + 1))
            bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: i)
        case 3 where !bytes.isEmpty:  // delete
            bytes.remove(at: Int(rng.next() % UInt64(bytes.count)))
        case 4 where !bytes.isEmpty:  // truncate
            bytes.removeLast(Int(rng.next() % UInt64(bytes.count)))
        default:  // duplicate a slice (repeated fields, merges)
            guard bytes.count > 2 else { return }
            let a = Int(rng.next() % UInt64(bytes.count))
            let b = Int(rng.next() % UInt64(bytes.count))
            bytes += bytes[min(a, b)..<max(a, b)]
        }
    }
}

/// A small, fast, seedable generator so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
