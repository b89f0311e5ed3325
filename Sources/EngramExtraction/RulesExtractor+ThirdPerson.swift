/// Rewrites a first-person sentence about the speaker in the third person:
/// "I love my new job" → "The customer loves the customer's new job"; "it made me think" → "it
/// made Caroline think". Only the speaker's own pronouns change (I, me, my, mine, myself); "we"
/// stays.
enum ThirdPerson {
    static func rewrite(_ sentence: String, speaker: Speaker) -> String {
        var tokens = tokenize(sentence)
        var namedPossessive = false
        var firstWord = true
        var i = 0
        while i < tokens.count {
            guard tokens[i].isWord else {
                i += 1
                continue
            }
            let atStart = firstWord
            firstWord = false
            let name = atStart ? speaker.subject : speaker.inner
            let lower = normalized(tokens[i].text)
            switch lower {
            case "i'm", "im": tokens[i].text = name + " is"
            case "i've", "ive": tokens[i].text = name + " has"
            case "i'd": tokens[i].text = name + " would"
            case "i'll": tokens[i].text = name + " will"
            case "i":
                tokens[i].text = name
                // The verb after any adverbs: "I really love" → "really loves".
                var j = i + 1
                while j < tokens.count {
                    if tokens[j].isWord {
                        let word = normalized(tokens[j].text)
                        if adverbs.contains(word) {
                            j += 1
                            continue
                        }
                        tokens[j].text = conjugated(tokens[j].text, lower: word)
                        break
                    }
                    j += 1
                }
            case "my":
                tokens[i].text = namedPossessive ? "their" : name + "'s"
                namedPossessive = true
            case "me": tokens[i].text = speaker.inner
            case "myself": tokens[i].text = "themselves"
            case "mine": tokens[i].text = "theirs"
            default: break
            }
            i += 1
        }
        return tokens.map(\.text).joined()
    }

    struct Token {
        var text: String
        var isWord: Bool
    }

    static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var current = String.UnicodeScalarView()
        var inWord = false
        for scalar in text.unicodeScalars {
            let wordy =
                scalar.isASCII
                ? ((scalar.value | 0x20) >= 97 && (scalar.value | 0x20) <= 122)
                    || (scalar.value >= 48 && scalar.value <= 57)
                    || scalar == "'"
                : scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "\u{2019}"
            if wordy != inWord, !current.isEmpty {
                tokens.append(Token(text: String(current), isWord: inWord))
                current = String.UnicodeScalarView()
            }
            inWord = wordy
            current.append(scalar)
        }
        if !current.isEmpty { tokens.append(Token(text: String(current), isWord: inWord)) }
        return tokens
    }

    static func normalized(_ word: String) -> String {
        let lower = word.lowercased()
        return lower.unicodeScalars.contains("\u{2019}") ? lower.replacing("\u{2019}", with: "'") : lower
    }

    static let adverbs: Set<String> = [
        "really", "just", "also", "still", "always", "never", "finally", "recently", "actually", "totally",
        "definitely", "personally", "usually", "often", "sometimes", "even", "already", "only", "truly", "honestly",
        "mostly", "especially", "certainly", "probably", "absolutely", "seriously", "literally", "basically",
        "recently", "currently", "rarely", "generally", "now", "sort", "kind", "kinda", "sorta", "do", "don't",
        "didn't", "can't", "won't",
    ]
    static let irregular: [String: String] = [
        "am": "is", "have": "has", "do": "does", "go": "goes", "be": "is", "were": "was", "haven't": "hasn't",
        "don't": "doesn't",
    ]
    /// Words after "I" that stay as they are: modals, past tenses, and past forms that do not
    /// end in -ed.
    static let unchanged: Set<String> = [
        "can", "could", "will", "would", "shall", "should", "may", "might", "must", "was", "did", "didn't", "can't",
        "couldn't", "won't", "wouldn't", "shouldn't", "wasn't", "had", "went", "got", "made", "took", "saw", "found",
        "met", "bought", "ran", "came", "gave", "felt", "thought", "told", "said", "left", "began", "became", "wrote",
        "won", "lost", "paid", "sent", "spent", "kept", "heard", "knew", "brought", "caught", "taught", "sold",
        "built", "chose", "drove", "ate", "flew", "grew", "held", "slept", "swam", "wore", "broke", "spoke", "fell",
        "forgot", "understood", "stood", "sat", "rode", "drew", "threw", "read", "put", "let", "set", "hit", "cut",
        "hurt", "quit", "shut", "led", "fed", "lit", "sang", "drank", "began", "gotta", "gonna", "wanna", "used",
        "mean", "meant", "used",
    ]

    /// The third-person present of a verb after "I" (past tenses and modals unchanged).
    static func conjugated(_ word: String, lower: String) -> String {
        if let form = irregular[lower] { return matchCase(form, like: word) }
        if unchanged.contains(lower) || lower.hasSuffix("ed") || lower.hasSuffix("'d") || lower.contains("'") {
            return word
        }
        guard lower.allSatisfy(\.isLetter) else { return word }
        if lower.hasSuffix("y"), let before = lower.dropLast().last, !"aeiou".contains(before) {
            return String(word.dropLast()) + "ies"
        }
        if lower.hasSuffix("s") || lower.hasSuffix("sh") || lower.hasSuffix("ch") || lower.hasSuffix("x")
            || lower.hasSuffix("z") || lower.hasSuffix("o")
        {
            return word + "es"
        }
        return word + "s"
    }

    static func matchCase(_ form: String, like word: String) -> String {
        word.first?.isUppercase == true ? form.prefix(1).uppercased() + form.dropFirst() : form
    }
}
