/// Splits text into the terms recall ranks on: lower-cased, Unicode-aware words, lightly
/// stemmed, without stop words.
///
/// - Words are runs of letters and digits (any script). An apostrophe inside a word ends it,
///   so "Caroline's" gives "caroline" and a dropped "s". Ideographs (Han, kana) stand alone,
///   one term each, since those scripts put no spaces between words.
/// - Single ASCII letters and English stop words are dropped; digits are kept ("5", "2023").
/// - ASCII words get a light English stemmer (plurals, -ed, -ing, a final silent e), so
///   "painting", "painted" and "paints" all give "paint". It never guesses further: a wrong
///   conflation costs more precision than a missed one costs recall. Other scripts are kept
///   as lower-cased words.
///
/// Pure and deterministic: the index and queries always agree, in every process.
public enum Tokenizer {
    /// One word of a text: its lower-cased form and the term it indexes under.
    public struct Token: Sendable, Hashable {
        /// The lower-cased word as written.
        public var word: String
        /// The stemmed term (equal to `word` when nothing was stripped).
        public var term: String
        public init(word: String, term: String) {
            self.word = word
            self.term = term
        }
    }

    /// The kept tokens of `text`, in order.
    public static func tokens(_ text: String) -> [Token] {
        var tokens: [Token] = []
        forEachToken(in: text) { word, term in
            let w = String(decoding: word, as: UTF8.self)
            tokens.append(Token(word: w, term: term == word ? w : String(decoding: term, as: UTF8.self)))
        }
        return tokens
    }

    /// Calls `body` with each kept token's lower-cased word and its term (the stem, or the
    /// word again), as UTF-8 bytes, in order. Makes no strings: indexing and the hashed
    /// embedder run it for every stored text.
    package static func forEachToken(in text: String, _ body: (_ word: [UInt8], _ term: [UInt8]) -> Void) {
        var stem: [UInt8] = []
        stem.reserveCapacity(32)
        forEachWord(in: text) { bytes in
            if bytes.count == 1, bytes[0] >= UInt8(ascii: "a"), bytes[0] <= UInt8(ascii: "z") { return }
            if isStopWord(bytes) { return }
            if self.stem(bytes, into: &stem) { body(bytes, stem) } else { body(bytes, bytes) }
        }
    }

    /// The kept terms of `text`, in order.
    public static func terms(_ text: String) -> [String] {
        tokens(text).map(\.term)
    }

    /// Calls `body` with the lower-cased UTF-8 bytes of each word, stop words included.
    package static func forEachWord(in text: String, _ body: ([UInt8]) -> Void) {
        var word: [UInt8] = []
        word.reserveCapacity(32)
        func flush() {
            if !word.isEmpty {
                body(word)
                word.removeAll(keepingCapacity: true)
            }
        }
        // Most texts are ASCII: their bytes are read directly, with the same rules as the
        // scalar loop below applies to ASCII scalars.
        if text.utf8.withContiguousStorageIfAvailable({ asciiWords($0, body) }) == true { return }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                switch value {
                case 0x30...0x39, 0x61...0x7A: word.append(UInt8(value))
                case 0x41...0x5A: word.append(UInt8(value + 0x20))
                default: flush()
                }
                continue
            }
            let properties = scalar.properties
            if properties.isIdeographic || isKana(value) {
                flush()
                word.append(contentsOf: String(scalar).utf8)
                flush()
            } else if properties.isAlphabetic || properties.numericType != nil
                || properties.generalCategory == .nonspacingMark
            {
                for lower in properties.lowercaseMapping.unicodeScalars {
                    word.append(contentsOf: String(lower).utf8)
                }
            } else {
                flush()
            }
        }
        flush()
    }

    /// `forEachWord` for ASCII bytes; false (and no call) if any byte is not ASCII.
    private static func asciiWords(_ bytes: UnsafeBufferPointer<UInt8>, _ body: ([UInt8]) -> Void) -> Bool {
        for byte in bytes where byte >= 0x80 { return false }
        var word: [UInt8] = []
        word.reserveCapacity(32)
        for byte in bytes {
            switch byte {
            case 0x30...0x39, 0x61...0x7A: word.append(byte)
            case 0x41...0x5A: word.append(byte + 0x20)
            default:
                if !word.isEmpty {
                    body(word)
                    word.removeAll(keepingCapacity: true)
                }
            }
        }
        if !word.isEmpty { body(word) }
        return true
    }

    private static func isKana(_ value: UInt32) -> Bool {
        (0x3040...0x30FF).contains(value)
    }

    // MARK: Light stemming

    /// The stem of an ASCII lower-case word, or nil if it stays as it is. Porter's step 1
    /// (plurals, -ed, -ing, y → i) and a final silent e; words of three letters or fewer are
    /// left alone, as are words with digits or non-ASCII letters.
    package static func stemmed(_ word: [UInt8]) -> [UInt8]? {
        var w: [UInt8] = []
        return stem(word, into: &w) ? w : nil
    }

    /// Writes the stem of `word` into `w` (scratch space, so tokenizing makes no array per
    /// word); false if the word stays as it is.
    package static func stem(_ word: [UInt8], into w: inout [UInt8]) -> Bool {
        guard word.count > 3, word.allSatisfy({ $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) else {
            return false
        }
        w.removeAll(keepingCapacity: true)
        w.append(contentsOf: word)
        // Plurals: sses → ss, ies → y, s → (not after s or u: "glass", "bus" stay).
        if w.hasSuffix("sses") {
            w.removeLast(2)
        } else if w.hasSuffix("ies") {
            w.removeLast(3)
            w.append(UInt8(ascii: "y"))
        } else if w.last == UInt8(ascii: "s"), !w.hasSuffix("ss"), !w.hasSuffix("us"), !w.hasSuffix("is") {
            w.removeLast()
        }
        // -eed → -ee; -ed and -ing go when what is left has a vowel.
        if w.hasSuffix("eed") {
            if w.count > 4 { w.removeLast() }
        } else if let suffix = w.hasSuffix("ing") ? 3 : (w.hasSuffix("ed") ? 2 : 0), suffix > 0,
            w.count - suffix >= 3, hasVowel(w, upTo: w.count - suffix)
        {
            w.removeLast(suffix)
            if w.hasSuffix("at") || w.hasSuffix("bl") || w.hasSuffix("iz") {
                w.append(UInt8(ascii: "e"))
            } else if let last = w.last, w.count >= 2, w[w.count - 2] == last, isConsonant(w, w.count - 1),
                last != UInt8(ascii: "l"), last != UInt8(ascii: "s"), last != UInt8(ascii: "z")
            {
                w.removeLast()
            } else if w.count == 3, isConsonant(w, 0), !isConsonant(w, 1), isConsonant(w, 2),
                w[2] != UInt8(ascii: "w"), w[2] != UInt8(ascii: "x"), w[2] != UInt8(ascii: "y")
            {
                // A short stem (hop-ing) gets its e back: hope.
                w.append(UInt8(ascii: "e"))
            }
        }
        // A final y after a vowel-bearing stem becomes i (Porter's 1c): "story", "stories" meet.
        if w.count > 3, w.last == UInt8(ascii: "y"), hasVowel(w, upTo: w.count - 1) {
            w[w.count - 1] = UInt8(ascii: "i")
        }
        // A final silent e goes on longer words, so "dance", "danced" and "dancing" meet.
        if w.count > 4, w.last == UInt8(ascii: "e"), w[w.count - 2] != UInt8(ascii: "e") {
            w.removeLast()
        }
        return w != word
    }

    private static func hasVowel(_ w: [UInt8], upTo end: Int) -> Bool {
        for i in 0..<end where !isConsonant(w, i) { return true }
        return false
    }

    /// Porter's consonant: not a vowel, and y only after a vowel (or at the start).
    private static func isConsonant(_ w: [UInt8], _ i: Int) -> Bool {
        switch w[i] {
        case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"): false
        case UInt8(ascii: "y"): i == 0 ? true : !isConsonant(w, i - 1)
        default: true
        }
    }

    // MARK: Stop words

    /// Whether the lower-cased UTF-8 `word` is a stop word (no string is made).
    package static func isStopWord(_ word: [UInt8]) -> Bool {
        if word.count > 8 { return longStopWords.contains(word) }
        // Up to 8 bytes, a word packed into a UInt64 is itself: a binary search over the
        // sorted packed stop words, with no hashing.
        let key = packed(word)
        var low = 0
        var high = shortStopWords.count
        while low < high {
            let mid = (low + high) / 2
            if shortStopWords[mid] < key { low = mid + 1 } else { high = mid }
        }
        return low < shortStopWords.count && shortStopWords[low] == key
    }

    @inline(__always)
    private static func packed(_ word: [UInt8]) -> UInt64 {
        var key: UInt64 = 0
        for byte in word { key = key << 8 | UInt64(byte) }
        return key
    }

    private static let shortStopWords: [UInt64] = stopWords.map { Array($0.utf8) }.filter { $0.count <= 8 }.map(packed)
        .sorted()

    private static let longStopWords: [[UInt8]] = stopWords.map { Array($0.utf8) }.filter { $0.count > 8 }

    /// English function words: they carry no topic, and would match nearly every fact.
    package static let stopWords: Set<String> = [
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "aren",
        "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can",
        "could", "couldn", "did", "didn", "do", "does", "doesn", "doing", "don", "down", "during", "each", "else",
        "ever", "few", "for", "from", "further", "had", "hadn", "has", "hasn", "have", "haven", "having", "he", "her",
        "here", "hers", "herself", "him", "himself", "his", "how", "however", "i", "if", "in", "into", "is", "isn",
        "it", "its", "itself", "just", "ll", "me", "might", "more", "most", "must", "my", "myself", "no", "nor", "not",
        "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own",
        "re", "same", "shall", "she", "should", "shouldn", "so", "some", "such", "than", "that", "the", "their",
        "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too",
        "under", "until", "up", "us", "ve", "very", "was", "wasn", "we", "were", "weren", "what", "when", "where",
        "which", "while", "who", "whom", "whose", "why", "will", "with", "won", "would", "wouldn", "yet", "you",
        "your", "yours", "yourself", "yourselves",
    ]
}

extension Array where Element == UInt8 {
    /// 64-bit FNV-1a, equal to `String.stableHash` of the same UTF-8 bytes.
    package var stableHash: UInt64 { fnv1a(self) }

    fileprivate func hasSuffix(_ suffix: StaticString) -> Bool {
        suffix.withUTF8Buffer { s in
            let n = s.count
            guard count >= n else { return false }
            var i = 0
            while i < n {
                if self[count - n + i] != s[i] { return false }
                i += 1
            }
            return true
        }
    }
}
