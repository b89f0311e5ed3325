/// Sentence splitting for chat and voice transcripts.
enum Sentences {
    /// The sentences of a message: split after `.`, `!`, `?` or `…` followed by a space (runs
    /// like "?!" stay together), and at line breaks. Abbreviations such as "Dr." split too;
    /// facts survive that. Works on the UTF-8 bytes: every byte it splits at is ASCII.
    static func split(_ text: String) -> [String] {
        var out: [String] = []
        let utf8 = Array(text.utf8)
        var start = 0
        var previousWasEnd = false
        func flush(_ end: Int) {
            var a = start
            var b = end
            while a < b, utf8[a] == 32 || utf8[a] == 9 { a += 1 }
            while b > a, utf8[b - 1] == 32 || utf8[b - 1] == 9 { b -= 1 }
            if b > a { out.append(String(decoding: utf8[a..<b], as: UTF8.self)) }
        }
        var i = 0
        while i < utf8.count {
            let byte = utf8[i]
            if byte == 10 || byte == 13 {
                flush(i)
                start = i + 1
                previousWasEnd = false
            } else if (byte == 32 || byte == 9) && previousWasEnd {
                flush(i)
                start = i + 1
                previousWasEnd = false
            } else {
                // "…" is E2 80 A6.
                previousWasEnd =
                    byte == 46 || byte == 33 || byte == 63
                    || (byte == 0xA6 && i >= 2 && utf8[i - 1] == 0x80 && utf8[i - 2] == 0xE2)
            }
            i += 1
        }
        flush(utf8.count)
        return out
    }
}

/// A word's hash, for comparing words without comparing strings.
@inline(__always)
func wordHash<S: Sequence<UInt8>>(_ bytes: S) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    return hash
}

/// Hashes of words, as a set.
func wordSet(_ words: [String]) -> Set<UInt64> { Set(words.map { wordHash($0.utf8) }) }

/// Words keyed by their hash.
func wordMap<V>(_ pairs: [String: V]) -> [UInt64: V] {
    Dictionary(uniqueKeysWithValues: pairs.map { (wordHash($0.key.utf8), $0.value) })
}

/// A sentence's words, lower-cased, with curly apostrophes made straight ("I’m" → "i'm"), as
/// text and as hashes (what every rule compares).
struct Words {
    var all: [Substring]
    var hashes: [UInt64]

    init(_ sentence: String) {
        var lowered: String
        let isASCII = sentence.utf8.allSatisfy { $0 < 0x80 }
        if isASCII {
            var bytes = Array(sentence.utf8)
            for i in bytes.indices where bytes[i] >= 65 && bytes[i] <= 90 { bytes[i] += 32 }
            lowered = String(decoding: bytes, as: UTF8.self)
        } else {
            lowered = ""
            lowered.reserveCapacity(sentence.utf8.count)
            for scalar in sentence.unicodeScalars {
                switch scalar {
                case "\u{2019}", "\u{2018}", "`": lowered.unicodeScalars.append("'")
                default: lowered.unicodeScalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
                }
            }
        }
        var all: [Substring] = []
        var hashes: [UInt64] = []
        var wordStart: String.Index?
        var index = lowered.startIndex
        let end = lowered.endIndex
        func isWordScalar(_ s: Unicode.Scalar) -> Bool {
            if s.isASCII {
                let v = s.value
                return (v >= 97 && v <= 122) || (v >= 48 && v <= 57) || v == 39 || v == 64 || v == 43
                    || (v >= 65 && v <= 90)
            }
            return s.properties.isAlphabetic || s.properties.numericType != nil
        }
        let scalars = lowered.unicodeScalars
        while index < end {
            let scalar = scalars[index]
            if isWordScalar(scalar) {
                if wordStart == nil { wordStart = index }
            } else if let begin = wordStart {
                let word = lowered[begin..<index]
                all.append(word)
                hashes.append(wordHash(word.utf8))
                wordStart = nil
            }
            index = scalars.index(after: index)
        }
        if let begin = wordStart {
            let word = lowered[begin..<end]
            all.append(word)
            hashes.append(wordHash(word.utf8))
        }
        self.all = all
        self.hashes = hashes
    }

    var count: Int { hashes.count }

    func contains(_ word: String) -> Bool { hashes.contains(wordHash(word.utf8)) }

    func containsAny(_ words: Set<UInt64>) -> Bool { hashes.contains { words.contains($0) } }

    /// Whether `phrase` (space-separated words) occurs.
    func contains(phrase: String) -> Bool { contains(Phrase(phrase)) }

    /// Whether the phrase's words occur in a row.
    func contains(_ phrase: Phrase) -> Bool {
        let parts = phrase.hashes
        guard let first = parts.first, parts.count <= hashes.count else { return false }
        for start in 0...(hashes.count - parts.count) where hashes[start] == first {
            var i = 1
            while i < parts.count && hashes[start + i] == parts[i] { i += 1 }
            if i == parts.count { return true }
        }
        return false
    }

    /// Whether any of the phrases occurs.
    func containsAny(_ phrases: [Phrase]) -> Bool { phrases.contains { contains($0) } }

    /// Whether word `i` carries content: not chit-chat or a function word, and 3 letters or more.
    func isContent(_ i: Int) -> Bool { all[i].utf8.count > 2 && !Statement.empty.contains(hashes[i]) }

    /// How many words carry content.
    var contentCount: Int { hashes.indices.count { isContent($0) } }
}

/// Words to look for in a row, hashed once.
struct Phrase: Sendable {
    let text: String
    let hashes: [UInt64]

    init(_ text: String) {
        self.text = text
        hashes = text.split(separator: " ").map { wordHash($0.utf8) }
    }

    static func list(_ texts: [String]) -> [Phrase] { texts.map(Phrase.init) }
}

/// Which sentences say something about the speaker worth keeping.
enum Statement {
    static let firstPerson = wordSet([
        "i", "i'm", "im", "i've", "ive", "i'd", "i'll", "my", "me", "mine", "myself", "we", "we're", "we've",
        "we'll", "our", "us", "ours",
    ])
    static let secondPersonStart = wordSet(["you", "you're", "you've", "you'd", "you'll", "your", "yours", "u"])
    /// Words that carry no fact: chit-chat, reactions, fillers and function words.
    static let empty = wordSet([
        "the", "a", "an", "and", "or", "but", "so", "to", "of", "in", "on", "at", "for", "with", "it", "it's", "its",
        "is", "are", "was", "were", "be", "been", "that", "that's", "this", "these", "those", "there", "here", "just",
        "really", "very", "too", "also", "all", "what", "how", "oh", "ok", "okay", "yes", "yeah", "yep", "no", "nope",
        "hi", "hey", "hello", "bye", "goodbye", "thanks", "thank", "you", "your", "wow", "cool", "great", "awesome",
        "amazing", "nice", "good", "sounds", "sound", "glad", "happy", "sure", "congrats", "congratulations", "lol",
        "haha", "totally", "definitely", "absolutely", "right", "agree", "love", "like", "much", "lot", "lots", "so",
        "do", "does", "did", "can", "will", "would", "could", "should", "have", "has", "had", "i", "i'm", "me", "my",
        "we", "us", "our", "not", "don't", "can't", "get", "got", "know", "see", "let", "let's", "keep", "going",
        "go", "time", "day", "today", "well", "now", "then", "too", "as", "if", "by", "from", "about", "up", "out",
        "one", "some", "any", "more", "most", "such", "again", "always", "never", "still", "even", "ever", "bet",
        "man", "dude", "mate", "buddy", "sweet", "fun", "fantastic", "incredible", "wonderful", "beautiful",
        "exciting", "excited", "appreciate", "appreciated", "support", "means", "mean", "lovely", "stuff", "thing",
        "things", "way", "much", "take", "care", "soon", "talk", "later", "catch", "chat", "hope", "hear", "nice",
    ])

    static let interjections: Set<String> = [
        "hi", "hey", "hello", "oh", "well", "so", "yeah", "yes", "yep", "ok", "okay", "wow", "um", "uh", "hmm",
        "sure", "right", "thanks", "great", "cool", "awesome", "nice", "ah", "haha", "lol",
    ]

    static let fillers: Set<String> = ["so", "well", "oh", "um", "uh", "hmm", "ah"]

    /// The sentence without leading interjections ("Hi, I'm calling about" → "I'm calling
    /// about"), or the sentence itself when nothing follows them.
    static func strippingInterjections(_ sentence: String) -> String {
        var rest = Substring(sentence)
        for _ in 0..<3 {
            let word = rest.prefix { $0.isLetter }
            guard !word.isEmpty, interjections.contains(word.lowercased()) else { break }
            let after = rest.dropFirst(word.count)
            // "Great, I" drops "Great"; "Great that you" keeps it. "So I went" drops "So".
            guard let mark = after.first,
                mark == "," || mark == "!" || mark == "." || (mark == " " && fillers.contains(word.lowercased()))
            else { break }
            let next = after.drop { $0 == "," || $0 == "!" || $0 == "." || $0 == " " }
            guard !next.isEmpty else { break }
            rest = next
        }
        guard rest.count != sentence.count, let first = rest.first else { return sentence }
        return first.uppercased() + rest.dropFirst()
    }

    /// A statement worth a fact: not a question, not addressed to the other party alone, and
    /// with at least three words that carry content.
    static func isWorthKeeping(_ sentence: String, words: Words) -> Bool {
        if sentence.hasSuffix("?") { return false }
        guard words.count >= 3 else { return false }
        let hasFirstPerson = words.containsAny(firstPerson)
        if let first = words.hashes.first, secondPersonStart.contains(first), !hasFirstPerson { return false }
        let content = words.contentCount
        return content >= (hasFirstPerson ? 2 : 3)
    }

    /// A word naming what kind of statement a message is, when it is one of the kinds an agent
    /// acts on: a complaint, a request, a plan.
    static func tag(for words: Words) -> String? {
        if words.containsAny(complaintWords) || words.containsAny(complaintPhrases) { return "Complaint" }
        if words.containsAny(requestPhrases) { return "Request" }
        if words.containsAny(planPhrases) { return "Plan" }
        return nil
    }

    static let complaintWords = wordSet([
        "broken", "refund", "overcharged", "disappointed", "frustrated", "frustrating", "unacceptable", "terrible",
        "awful", "complaint", "complain", "worst", "faulty", "defective", "scam", "rude",
    ])
    static let complaintPhrases = Phrase.list([
        "not working", "doesn't work", "does not work", "didn't work", "never arrived", "still haven't",
        "charged twice", "stopped working", "wrong item", "not happy", "cancel my",
    ])
    static let requestPhrases = Phrase.list([
        "i want to", "i'd like to", "i would like to", "i need to", "i need a", "i need an", "can you", "could you",
        "please", "i'm looking for", "i am looking for", "help me", "i want a", "i want an",
    ])
    static let planPhrases = Phrase.list([
        "i'm going to", "i am going to", "i'm gonna", "gonna", "i will", "i'll", "i plan to", "i'm planning",
        "planning to", "next week", "next month", "next year", "tomorrow", "this weekend",
    ])
}
