import Foundation

/// A small, fast, seedable generator (SplitMix64), so every run with a seed makes the same text.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Seeded synthetic customer-service text: words drawn with a Zipf distribution from a
/// vocabulary of real support words followed by generated ones (20,000 in all), so term
/// frequencies, and with them BM25's idf, look like a real corpus's rather than uniform noise.
public struct SyntheticText: Sendable {
    public let vocabulary: [String]
    private let cumulative: [Double]

    static let supportWords = """
        order refund shipping delivery package tracking invoice billing payment card charge account password login \
        reset email phone address subscription plan upgrade downgrade cancel renewal discount coupon promo price \
        warranty return exchange replacement damaged broken missing late delayed courier warehouse stock backorder \
        size color model version install setup configure router modem wifi signal outage appointment technician \
        visit schedule reschedule callback agent supervisor complaint feedback survey rating loyalty points reward \
        balance statement receipt tax fee overdraft credit debit transfer bank branch mortgage loan insurance claim \
        policy premium deductible coverage doctor clinic prescription pharmacy refill insurance dental vision \
        hotel booking reservation flight seat baggage luggage gate boarding upgrade lounge itinerary voucher \
        prefers email text call morning evening weekend weekday spanish english french manager daughter son \
        husband wife birthday anniversary allergy vegetarian vegan gluten peanut wheelchair accessible parking \
        apartment house office business enterprise premium gold silver platinum basic trial annual monthly \
        weekly daily urgent priority escalated resolved pending waiting open closed ticket case issue problem \
        error crash slow freeze update download app website browser android iphone laptop tablet printer \
        battery charger screen keyboard mouse headphones speaker camera television remote streaming channel \
        contract early termination penalty fee waiver credit apology compensation gift card store pickup curbside
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)

    public init(seed: UInt64 = 42, vocabularySize: Int = 20_000, exponent: Double = 1.0) {
        var rng = SplitMix64(seed: seed)
        var words: [String] = []
        var seen = Set<String>()
        for w in Self.supportWords where seen.insert(w).inserted { words.append(w) }
        let onsets = [
            "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "ch", "st", "tr",
            "pl",
        ]
        let vowels = ["a", "e", "i", "o", "u", "ai", "ou", "ea"]
        let codas = ["", "n", "r", "s", "t", "l", "m", "x", "nd", "rk"]
        // Bounded: each attempt adds a word or hits a duplicate, and there are far more combinations than words.
        var attempts = 0
        while words.count < vocabularySize && attempts < vocabularySize * 20 {
            attempts += 1
            let syllables = Int.random(in: 2...3, using: &rng)
            var w = ""
            for _ in 0..<syllables {
                w +=
                    onsets.randomElement(using: &rng)! + vowels.randomElement(using: &rng)! + codas.randomElement(
                        using: &rng)!
            }
            if seen.insert(w).inserted { words.append(w) }
        }
        // The support words take the most frequent ranks; the generated ones make the long tail.
        vocabulary = words
        var total = 0.0
        cumulative = (1...words.count).map { rank in
            total += 1 / pow(Double(rank), exponent)
            return total
        }
    }

    /// One word, Zipf-distributed over the vocabulary.
    public func word(using rng: inout SplitMix64) -> String {
        let x = Double.random(in: 0..<cumulative.last!, using: &rng)
        var lo = 0
        var hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > x { hi = mid } else { lo = mid + 1 }
        }
        return vocabulary[lo]
    }

    /// A fact of 8-14 words, e.g. "customer prefers email refund tracking ...".
    public func sentence(using rng: inout SplitMix64) -> String {
        (0..<Int.random(in: 8...14, using: &rng)).map { _ in word(using: &rng) }.joined(separator: " ")
    }

    /// A query of 4-9 words.
    public func query(using rng: inout SplitMix64) -> String {
        (0..<Int.random(in: 4...9, using: &rng)).map { _ in word(using: &rng) }.joined(separator: " ")
    }
}
