/// What duplicate detection compares: a hash of the normalised text and the sorted set of
/// hashed word unigrams and bigrams ("shingles").
///
/// A shingle's top bit says whether it is common (a stop word, or a pair of them), and the
/// next whether it is a pair, so sorted shingles put rare words first, then rare pairs.
/// `DuplicateIndex` files each text under its rare shingles, and probes with the new text's
/// shingles that are rarest in the profile at the time.
///
/// Normalising lower-cases the text and splits it into words as the tokenizer does (runs of
/// letters and digits; each ideograph or kana its own word), stop words included, so case,
/// punctuation and spacing never make two statements of a fact differ. A text with no words
/// at all (only emoji, say) is its own single shingle, so it only equals itself. Shingles are
/// 32-bit (30 bits of hash): a rare collision can only nudge a similarity, and halves the
/// memory. Derived from the content alone, so it is computed again when a restored profile
/// is indexed rather than stored; hashes are made from the words' bytes, with no string per
/// word.
package struct TextFingerprint: Sendable, Hashable {
    /// Hash of the normalised text (words joined by single spaces).
    package var textHash: UInt64
    /// Sorted, distinct hashes of words and adjacent word pairs. Never empty.
    package var shingles: [UInt32]

    package init(_ text: String) {
        var shingles: [UInt32] = []
        var textHash = Self.basis
        // FNV state after the previous word and a space: continuing it over this word's
        // bytes hashes "previous this", the bigram.
        var previousSpaced: UInt64?
        var previousCommon = false
        Tokenizer.forEachWord(in: text) { word in
            if previousSpaced != nil { textHash = Self.fnv(textHash, UInt8(ascii: " ")) }
            var wordHash = Self.basis
            for byte in word {
                wordHash = Self.fnv(wordHash, byte)
                textHash = Self.fnv(textHash, byte)
            }
            let common = Tokenizer.isStopWord(word)
            shingles.append(Self.fold(wordHash, common: common, pair: false))
            if let spaced = previousSpaced {
                var pair = spaced
                for byte in word { pair = Self.fnv(pair, byte) }
                shingles.append(Self.fold(pair &+ 0x9E37_79B9, common: common && previousCommon, pair: true))
            }
            previousSpaced = Self.fnv(wordHash, UInt8(ascii: " "))
            previousCommon = common
        }
        if shingles.isEmpty {
            self.textHash = String(text.trimmed).stableHash
            self.shingles = [Self.fold(self.textHash, common: false, pair: false)]
            return
        }
        shingles.sortAndRemoveDuplicates()
        self.textHash = textHash
        self.shingles = shingles
    }

    private static let basis: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    private static func fnv(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    /// 30 bits of hash under the commonness and pair bits.
    private static func fold(_ hash: UInt64, common: Bool, pair: Bool) -> UInt32 {
        UInt32(truncatingIfNeeded: hash ^ (hash >> 32)) & 0x3FFF_FFFF | (common ? 0x8000_0000 : 0)
            | (pair ? 0x4000_0000 : 0)
    }

    /// Whether a shingle is a stop word or a pair of them.
    @inline(__always)
    package static func isCommon(_ shingle: UInt32) -> Bool { shingle & 0x8000_0000 != 0 }

    /// Whether a shingle is a word pair rather than a word.
    @inline(__always)
    package static func isPair(_ shingle: UInt32) -> Bool { shingle & 0x4000_0000 != 0 }

    /// Jaccard index of the shingle sets, in [0, 1]; 1 when the normalised texts are equal.
    package func similarity(to other: TextFingerprint) -> Double {
        if textHash == other.textHash && shingles == other.shingles { return 1 }
        let a = shingles
        let b = other.shingles
        var i = 0
        var j = 0
        var common = 0
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

extension Array where Element: Comparable {
    /// Sorts in place and keeps one of each run of equal elements.
    package mutating func sortAndRemoveDuplicates() {
        guard count > 1 else { return }
        sort()
        var distinct = 0
        for i in indices where distinct == 0 || self[distinct - 1] != self[i] {
            self[distinct] = self[i]
            distinct += 1
        }
        removeLast(count - distinct)
    }
}
