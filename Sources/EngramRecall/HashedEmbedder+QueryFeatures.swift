/// A query's hashed features, made once and weighted per corpus: Recall embeds the query for
/// each corpus with its words scaled by their rarity there, and this replays the same sums
/// without tokenizing and hashing the text again (the vector's bits are the same as
/// `embed(_:termScale:)` makes).
package struct HashedQueryFeatures: TermWeightedQuery {
    /// What a feature's weight is made of.
    enum Kind: UInt8, Sendable {
        case term, pair, gram
    }

    struct Feature: Sendable {
        var slot: Int32
        var negative: Bool
        var kind: Kind
        /// The term it belongs to (for a pair, the second), and for a pair the first.
        var term: Int32
        var previous: Int32
        /// For a character gram: √(grams in its word).
        var root: Float
    }

    /// The query's kept terms' hashes, in order (repeats included).
    package private(set) var termHashes: [UInt64] = []
    var features: [Feature] = []
    package let embedder: HashedEmbedder
    package var dimension: Int { embedder.dimension }

    package init(_ text: String, embedder: HashedEmbedder) {
        self.embedder = embedder
        var grams: [UInt8] = []
        grams.reserveCapacity(34)
        Tokenizer.forEachToken(in: text) { word, term in
            let index = Int32(termHashes.count)
            let termHash = term.stableHash
            termHashes.append(termHash)
            append(termHash, .term, term: index, previous: -1, root: 0)
            if index > 0 {
                let previousHash = termHashes[Int(index) - 1]
                append(
                    previousHash &* 0x9E37_79B9_7F4A_7C15 ^ termHash, .pair, term: index, previous: index - 1, root: 0)
            }
            addCharacterGrams(of: word, term: index, scratch: &grams)
        }
    }

    private mutating func append(_ hash: UInt64, _ kind: Kind, term: Int32, previous: Int32, root: Float) {
        let (slot, negative) = embedder.feature(hash)
        features.append(
            Feature(slot: Int32(slot), negative: negative, kind: kind, term: term, previous: previous, root: root))
    }

    private mutating func addCharacterGrams(of word: [UInt8], term: Int32, scratch bytes: inout [UInt8]) {
        let count = embedder.characterGramCount(of: word)
        guard count > 0 else { return }
        let root = Float(count).squareRoot()
        var hashes: [UInt64] = []
        hashes.reserveCapacity(count)
        embedder.forEachCharacterGram(of: word, scratch: &bytes) { hashes.append($0) }
        for hash in hashes { append(hash, .gram, term: term, previous: -1, root: root) }
    }

    /// The query's vector with each term's features scaled by `termScale(term hash)`,
    /// L2-normalised: bit for bit what `embedder.embed(text, termScale:)` returns.
    package func vector(termScale: (UInt64) -> Float) -> [Float] {
        let scales = termHashes.map(termScale)
        let e = embedder
        var vector = [Float](repeating: 0, count: e.dimension)
        vector.withUnsafeMutableBufferPointer { v in
            for f in features {
                let scale = scales[Int(f.term)]
                let weight: Float
                switch f.kind {
                case .term: weight = e.termWeight * scale
                case .pair: weight = e.pairWeight * (scale + scales[Int(f.previous)]) / 2
                case .gram: weight = scale * e.characterWeight / f.root
                }
                v[Int(f.slot)] += f.negative ? -weight : weight
            }
            normalize(v)
        }
        return vector
    }
}
