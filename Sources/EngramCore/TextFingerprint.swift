/// What duplicate detection compares: a hash of the normalised text and the sorted set of
/// hashed word unigrams and bigrams ("shingles").
///
/// Normalising lower-cases the text and splits it on every scalar that is not a letter or a
/// digit, so case, punctuation and spacing never make two statements of a fact differ. A text
/// with no words at all (only emoji, say) is its own single shingle, so it only equals itself.
/// Shingles are 32-bit: a rare collision can only nudge a similarity, and halves the memory.
/// Derived from the content alone, so it is recomputed on restore rather than stored.
struct TextFingerprint: Sendable, Hashable {
    /// Hash of the normalised text (words joined by single spaces).
    var textHash: UInt64
    /// Sorted, distinct hashes of words and adjacent word pairs. Never empty.
    var shingles: [UInt32]

    init(_ text: String) {
        let words = Self.words(text)
        if words.isEmpty {
            textHash = String(text.trimmed).stableHash
            shingles = [UInt32(truncatingIfNeeded: textHash ^ (textHash >> 32))]
            return
        }
        textHash = words.joined(separator: " ").stableHash
        var set = Set<UInt32>()
        set.reserveCapacity(words.count * 2)
        for (i, word) in words.enumerated() {
            set.insert(Self.fold(word.stableHash))
            if i + 1 < words.count { set.insert(Self.fold((word + " " + words[i + 1]).stableHash &+ 0x9E37_79B9)) }
        }
        shingles = set.sorted()
    }

    private static func fold(_ hash: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
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
}
