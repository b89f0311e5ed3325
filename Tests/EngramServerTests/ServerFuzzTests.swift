import EngramClient
import EngramCore
import EngramServerTestSupport
import EngramTestSupport
import EngramWire
import Foundation
import Testing

/// The server's side of the fuzzing (the byte-level fuzzers are `scripts/fuzz`): well-formed
/// frames whose payloads are every method's golden request, mutated, sent in batches over fresh
/// connections to a live server. Each request must get an answer (any status) or the connection
/// a GOAWAY, never silence; and after each batch a neighbour connection still reads back exactly
/// what it wrote.
@Suite struct ServerFuzzTests {
    static let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Protocol/vectors")

    /// One mutation of `payload`: bits flipped, cut short, bytes appended, a stretch overwritten,
    /// or the payload doubled (protobuf merges the repeat).
    static func mutate(_ payload: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = payload
        switch Int.random(in: 0..<5, using: &rng) {
        case 0:
            for _ in 0..<Int.random(in: 1...4, using: &rng) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            }
        case 1:
            bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
        case 2:
            bytes += (0..<Int.random(in: 1...32, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        case 3 where !bytes.isEmpty:
            let start = Int.random(in: 0..<bytes.count, using: &rng)
            for i in start..<min(bytes.count, start + Int.random(in: 1...16, using: &rng)) {
                bytes[i] = UInt8.random(in: 0...255, using: &rng)
            }
        default:
            bytes += bytes
        }
        return bytes
    }

    @Test func mutatedRequestsNeverSilenceTheServerNorHarmANeighbour() async throws {
        let methods = Method.allCases.filter { $0 != .hello }
        let requests: [(Method, [UInt8])] = methods.compactMap { method in
            let name = method.descriptor.requestType.protoMessageName
            guard
                let data = FileManager.default.contents(atPath: Self.vectors.appendingPathComponent("\(name).bin").path)
            else { return nil }
            return (method, Array(data))
        }
        #expect(requests.count == methods.count, "a golden request vector for every method")

        try await withServer { server in
            let neighbour = try server.client()
            defer { neighbour.close() }
            let store = try #require(try await neighbour.createStore(.with { $0.displayName = "neighbour" }).store?.id)
            let profile = try #require(
                try await neighbour.resolveIdentity(
                    .with {
                        $0.storeId = store
                        $0.identifiers = [Wire.Identifier(type: "email", value: "n@example.com")]
                    }
                ).profile?.id)
            _ = try await neighbour.observe(
                .with {
                    $0.storeId = store
                    $0.profileId = profile
                    $0.observations = [
                        .with {
                            $0.content = "prefers the window seat"
                            $0.source = "agent"
                            $0.occurredAtUs = 1_000
                        }
                    ]
                })
            let before = try await neighbour.getProfile(
                .with {
                    $0.storeId = store
                    $0.profileId = profile
                })

            var rng = SeededGenerator(seed: 2026)
            var answered = 0
            var goAways = 0
            for batch in 0..<12 {
                let raw = try await server.raw()
                try await raw.hello()
                var sent: [UInt32] = []
                for i in 0..<40 {
                    let (method, payload) = requests[Int.random(in: 0..<requests.count, using: &rng)]
                    let id = UInt32(batch * 100 + i + 2)
                    try await raw.send(
                        Frame(
                            type: .request, method: method.rawValue, requestID: id, payload: Self.mutate(payload, &rng))
                    )
                    sent.append(id)
                }
                let expected = Set(sent)
                let (frames, closed) = try await raw.readUntil(timeout: .seconds(20)) { frames, _ in
                    Set(frames.filter { $0.type == .response }.map(\.requestID)).isSuperset(of: expected)
                        || frames.contains { $0.type == .goAway }
                }
                let ids = Set(frames.filter { $0.type == .response }.map(\.requestID))
                let gotGoAway = frames.contains { $0.type == .goAway }
                #expect(ids.isSuperset(of: sent) || gotGoAway, "batch \(batch): \(sent.count - ids.count) unanswered")
                #expect(!closed || gotGoAway, "batch \(batch): closed without GOAWAY")
                answered += ids.count
                if gotGoAway { goAways += 1 }
                await raw.close()

                // The neighbour: still served, its data as it left it.
                #expect(try await neighbour.ping(.with { $0.payload = [UInt8(batch)] }).payload == [UInt8(batch)])
                let now = try await neighbour.getProfile(
                    .with {
                        $0.storeId = store
                        $0.profileId = profile
                    })
                #expect(now == before, "batch \(batch) changed the neighbour's profile")
            }
            #expect(answered > 12 * 30, "most mutated requests are answered (\(answered), \(goAways) GOAWAYs)")
        }
    }
}
