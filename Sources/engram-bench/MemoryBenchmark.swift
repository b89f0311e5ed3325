// `engram-bench memory [N]`: bytes per observation with the built-in hashed embedder, at N
// observations (default 1,000,000) of about 100 characters, 100 per profile: the growth of
// the resident set, divided by N.

import EngramCore
import Foundation

private let memoryWords = """
    customer prefers email phone call morning evening weekend invoice billing payment card refund order delivery \
    package address home office work family daughter son wife husband dog cat garden tennis football running \
    swimming music guitar piano jazz concert travel flight hotel beach mountain city coffee tea vegetarian allergy \
    doctor appointment insurance policy renewal premium account password mobile app website chat support agent \
    complaint issue resolved manager birthday anniversary gift restaurant wine cooking reading books school job
    """.split(separator: " ").map(String.init)

func runMemoryBenchmark(observations total: Int = 1_000_000) {
    print("== memory: bytes per ~100-character observation, hashed embedder, \(total) observations, 100 a profile")
    fflush(nil)
    let engine = Engine(configuration: EngineConfiguration(shardCount: 16))
    var rng = BenchRandom(state: 42)
    let residentBefore = residentBytes()
    let started = Date()
    var characters = 0
    do {
        let store = try engine.createStore(displayName: "memory").store.id
        var made = 0
        var profile = 0
        while made < total {
            let id = try engine.resolveIdentity(
                storeID: store, identifiers: [IdentifierInput(type: "email", value: "m\(profile)@example.com")]
            ).profileID
            let count = min(100, total - made)
            let batch = (0..<count).map { i -> ObservationInput in
                var text = ""
                while text.utf8.count < 90 { text += memoryWords.randomElement(using: &rng)! + " " }
                text += "#\(made + i)"
                characters += text.utf8.count
                return ObservationInput(content: text, source: "agent", occurredAt: Int64(made + i) * 1_000_000)
            }
            _ = try engine.observe(storeID: store, profileID: id, observations: batch)
            made += count
            profile += 1
            if profile % 1000 == 0 {
                print("  \(made) observations, \(Int(Date().timeIntervalSince(started))) s")
                fflush(nil)
            }
        }
    } catch {
        print("memory benchmark failed: \(error)")
        return
    }
    let resident = Double(residentBytes() - residentBefore) / Double(total)
    print(
        String(
            format:
                "%d observations (%.0f characters on average): %.0f resident bytes per observation, built in %.0f s",
            total, Double(characters) / Double(total), resident, Date().timeIntervalSince(started)))
    withExtendedLifetime(engine) {}
}

private func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
