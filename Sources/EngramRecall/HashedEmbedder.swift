/// The built-in embedder: no model and no dependencies, just hashed text features.
///
/// Each text becomes a bag of features: its terms (stemmed words, as the tokenizer gives
/// them), pairs of adjacent terms, and the character n-grams of each word with boundary
/// marks ("<pa", "pai", …, "ng>"). Each feature is hashed (FNV-1a, stable across processes)
/// to one of `dimension` slots with a sign taken from another bit of the hash, so unrelated
/// features cancel out on average instead of piling up; the vector is then L2-normalised.
///
/// It knows no synonyms, so it is no neural embedder: what it adds to BM25 is soft
/// matching. Character n-grams give credit for shared word parts where the stemmer gives
/// none ("photography" and "photos", misspellings, compounds), and term pairs reward the
/// same phrase. The cosine of two such vectors is near 0 for unrelated texts.
public struct HashedEmbedder: Embedder, Hashable {
    /// "hashed-v1"; bump it if the features change, since stored vectors would no longer match.
    public let name = "hashed-v1"
    /// Its vectors are a pure function of the text.
    public var rebuildsVectorsFromText: Bool { true }
    /// The number of hash slots (default 384, the length of MiniLM-class vectors).
    public let dimension: Int
    /// Weight of each term feature.
    public var termWeight: Float
    /// Weight of each adjacent-term pair.
    public var pairWeight: Float
    /// Total weight of one word's character n-grams (shared among them, so long words do not dominate).
    public var characterWeight: Float
    /// The n-gram lengths used, e.g. 3...5.
    public var characterGrams: ClosedRange<Int>

    /// Creates an embedder; the defaults are the ones the LoCoMo evaluation chose.
    public init(
        dimension: Int = 384, termWeight: Float = 1, pairWeight: Float = 0.5, characterWeight: Float = 1,
        characterGrams: ClosedRange<Int> = 3...5
    ) {
        self.dimension = max(1, dimension)
        self.termWeight = termWeight
        self.pairWeight = pairWeight
        self.characterWeight = characterWeight
        self.characterGrams = max(1, characterGrams.lowerBound)...max(1, characterGrams.upperBound)
    }

    /// The embedder summaries use: summaries are embedded while the write is applied, and a
    /// pure function of the text keeps replay and restore exact.
    public static let standard = HashedEmbedder()

    /// `standard.identity.description`, computed once: recall and snapshots compare with it.
    public static let standardIdentity = standard.identity.description

    /// "1" for the standard features; other parameters get another version, so their vectors
    /// are never taken for the standard ones (which snapshots leave out and restore recomputes).
    public var version: String {
        self == .standard
            ? "1"
            : "1-d\(dimension)-t\(termWeight)-p\(pairWeight)-c\(characterWeight)-g\(characterGrams.lowerBound)-\(characterGrams.upperBound)"
    }

    public func embed(_ texts: [String]) -> [[Float]] {
        texts.map(embed)
    }

    /// The query's hashed features, to be weighted per corpus (`HashedQueryFeatures`).
    public func termWeightedQuery(_ text: String) -> (any TermWeightedQuery)? {
        HashedQueryFeatures(text, embedder: self)
    }

    /// One text's vector, L2-normalised (all zeros for a text with no words).
    public func embed(_ text: String) -> [Float] {
        embed(text, termScale: nil)
    }

    /// One text's vector with each word's features scaled by `termScale(term hash)`: Recall
    /// weights a query's words by their rarity in the profile, as BM25 does, so a name
    /// that every fact repeats does not decide the cosine. Stored vectors are never scaled.
    package func embed(_ text: String, termScale: ((UInt64) -> Float)?) -> [Float] {
        var vector = [Float](repeating: 0, count: dimension)
        vector.withUnsafeMutableBufferPointer { embed(text, termScale: termScale, into: $0) }
        return vector
    }

    /// Writes the vector of `text` (L2-normalised) into `v`, `dimension` floats that must be
    /// zero: the recall index builds a row in place, with no array made per text.
    package func embed(_ text: String, termScale: ((UInt64) -> Float)? = nil, into v: UnsafeMutableBufferPointer<Float>)
    {
        var unused: [UInt64]?
        embed(text, termScale: termScale, into: v, termHashes: &unused)
    }

    /// As `embed(_:termScale:into:)`, and appends each kept term's hash, in order, to
    /// `termHashes` (if not nil): the recall index takes its terms from the same pass.
    package func embed(
        _ text: String, termScale: ((UInt64) -> Float)? = nil, into v: UnsafeMutableBufferPointer<Float>,
        termHashes: inout [UInt64]?
    ) {
        precondition(v.count == dimension, "a row of \(v.count) floats for a \(dimension)-dimension embedder")
        var previous: (hash: UInt64, scale: Float)?
        var grams: [UInt8] = []
        grams.reserveCapacity(34)
        Tokenizer.forEachToken(in: text) { word, term in
            let termHash = term.stableHash
            termHashes?.append(termHash)
            let scale = termScale?(termHash) ?? 1
            add(termHash, termWeight * scale, into: v)
            if let previous {
                add(
                    previous.hash &* 0x9E37_79B9_7F4A_7C15 ^ termHash, pairWeight * (scale + previous.scale) / 2,
                    into: v)
            }
            previous = (termHash, scale)
            addCharacterGrams(of: word, scale: scale, scratch: &grams, into: v)
        }
        normalize(v)
    }

    private func addCharacterGrams(
        of word: [UInt8], scale: Float, scratch bytes: inout [UInt8], into v: UnsafeMutableBufferPointer<Float>
    ) {
        let count = characterGramCount(of: word)
        guard count > 0 else { return }
        let weight = scale * characterWeight / Float(count).squareRoot()
        forEachCharacterGram(of: word, scratch: &bytes) { add($0, weight, into: v) }
    }

    /// How many character grams `word` has (between `<` and `>` marks); 0 when they are off.
    func characterGramCount(of word: [UInt8]) -> Int {
        guard characterWeight > 0 else { return 0 }
        let marked = word.count + 2
        var count = 0
        for n in characterGrams where marked >= n { count += marked - n + 1 }
        return count
    }

    /// Calls `body` with the hash of each character gram of `word`, in order.
    func forEachCharacterGram(of word: [UInt8], scratch bytes: inout [UInt8], _ body: (UInt64) -> Void) {
        guard characterWeight > 0 else { return }
        bytes.removeAll(keepingCapacity: true)
        bytes.append(UInt8(ascii: "<"))
        bytes.append(contentsOf: word)
        bytes.append(UInt8(ascii: ">"))
        bytes.withUnsafeBufferPointer { bytes in
            for n in characterGrams where bytes.count >= n {
                for start in 0...(bytes.count - n) {
                    var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(n)
                    for i in start..<(start + n) {
                        hash ^= UInt64(bytes[i])
                        hash &*= 0x0000_0100_0000_01b3
                    }
                    body(hash)
                }
            }
        }
    }

    /// Adds a signed feature: the slot from the hash, mixed; the sign from its top bit.
    @inline(__always)
    private func add(_ hash: UInt64, _ weight: Float, into v: UnsafeMutableBufferPointer<Float>) {
        let (slot, negative) = feature(hash)
        v[slot] += negative ? -weight : weight
    }

    /// A feature hash's slot and sign.
    @inline(__always)
    func feature(_ hash: UInt64) -> (slot: Int, negative: Bool) {
        var h = hash
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        // A constant divisor compiles to a multiply; the standard 384 is by far the most common.
        let slot = dimension == 384 ? Int(h % 384) : Int(h % UInt64(dimension))
        return (slot, (h >> 63) != 0)
    }
}

/// Scales `vector` to length 1; leaves an all-zero vector as it is.
package func normalize(_ vector: inout [Float]) {
    vector.withUnsafeMutableBufferPointer { normalize($0) }
}

/// Scales the floats in `v` to length 1; leaves all zeros as they are. Every path that
/// stores a vector ends here, so a vector's bits are the same whichever path made it.
package func normalize(_ v: UnsafeMutableBufferPointer<Float>) {
    guard let base = v.baseAddress else { return }
    let sum = dot(base, base, v.count)
    guard sum > 0 else { return }
    let scale = 1 / sum.squareRoot()
    for i in v.indices { v[i] *= scale }
}
