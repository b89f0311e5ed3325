/// What duplicate detection compares: a hash of the normalised text and the sorted set of
/// hashed word unigrams and bigrams.
///
/// Normalising lower-cases the text and splits it on every scalar that is not a letter or a
/// digit, so case, punctuation and spacing never make two statements of a fact differ.
/// Derived from the content alone, so it is recomputed on restore rather than stored.
struct TextFingerprint: Sendable, Hashable {
    /// Hash of the normalised text (words joined by single spaces).
    var textHash: UInt64
    /// Sorted, distinct hashes of words and adjacent word pairs.
    var shingles: [UInt64]

    init(_ text: String) {
        let words = Self.words(text)
        textHash = words.joined(separator: " ").stableHash
        var set = Set<UInt64>()
        set.reserveCapacity(words.count * 2)
        for (i, word) in words.enumerated() {
            set.insert(word.stableHash)
            if i + 1 < words.count { set.insert((word + " " + words[i + 1]).stableHash &+ 0x9E37_79B9) }
        }
        shingles = set.sorted()
    }

    /// The lower-cased words of `text`.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars {
            let isWordScalar =
                scalar.isASCII
                ? scalar.isASCIIAlphanumeric
                : (scalar.properties.isAlphabetic || scalar.properties.numericType != nil)
            if isWordScalar {
                current.append(scalar)
            } else if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// Jaccard index of the shingle sets, in [0, 1]; 1 when the normalised texts are equal.
    func similarity(to other: TextFingerprint) -> Double {
        if textHash == other.textHash && shingles == other.shingles { return 1 }
        let a = shingles, b = other.shingles
        if a.isEmpty || b.isEmpty { return 0 }
        var i = 0, j = 0, common = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                common += 1
                i += 1
                j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return Double(common) / Double(a.count + b.count - common)
    }

    /// Whether the similarity could reach `threshold` given only the set sizes
    /// (|A∩B|/|A∪B| ≤ min/max), to skip most comparisons cheaply.
    func mayReach(_ threshold: Double, with other: TextFingerprint) -> Bool {
        if textHash == other.textHash { return true }
        let small = min(shingles.count, other.shingles.count), large = max(shingles.count, other.shingles.count)
        return large > 0 && Double(small) >= threshold * Double(large)
    }
}
