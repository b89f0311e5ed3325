/// Statements a newer one should replace, each kept as its own fact under a subject key, so a
/// later "text me instead" supersedes an earlier "I prefer e-mail".
enum SubjectRules {
    struct Fact: Hashable {
        var subject: String
        var content: String
    }

    static func facts(in sentence: String, words: Words, speaker: Speaker) -> [Fact] {
        var out: [Fact] = []
        let possessive = speaker.subject + "'s"
        if sentence.utf8.contains(UInt8(ascii: "@")), let email = email(in: sentence) {
            out.append(Fact(subject: "contact.email", content: "\(possessive) e-mail address is \(email)."))
        }
        if let phone = phone(in: sentence, words: words) {
            out.append(Fact(subject: "contact.phone", content: "\(possessive) phone number is \(phone)."))
        }
        if let channel = contactChannel(words) {
            let content =
                channel == "no calls"
                ? "\(speaker.subject) does not want phone calls."
                : "\(speaker.subject) prefers to be contacted by \(channel)."
            out.append(Fact(subject: "preference.contact_channel", content: content))
        }
        if words.containsAny(namePhrases), let name = properNoun(after: namePhrases.map(\.text), in: sentence) {
            out.append(Fact(subject: "personal.name", content: "\(possessive) name is \(name)."))
        }
        for (phrase, verb) in locationPhrases where words.contains(phrase) {
            if let place = properNoun(after: [phrase.text], in: sentence) {
                out.append(Fact(subject: "personal.location", content: "\(speaker.subject) \(verb) \(place)."))
                break
            }
        }
        if let language = language(words) {
            out.append(
                Fact(subject: "preference.language", content: "\(speaker.subject) prefers to speak \(language)."))
        }
        if words.containsAny(jobPhrases), let job = phraseTail(after: jobPhrases.map(\.text), in: sentence) {
            out.append(Fact(subject: "personal.occupation", content: "\(speaker.subject) works as \(job)."))
        }
        return out
    }

    static let namePhrases = Phrase.list(["my name is", "my name's"])
    static let jobPhrases = Phrase.list(["i work as", "i'm working as", "i am working as"])
    static let locationPhrases: [(Phrase, String)] = [
        ("i live in", "lives in"), ("i'm living in", "lives in"), ("i am living in", "lives in"),
        ("i moved to", "moved to"), ("we moved to", "moved to"), ("i just moved to", "moved to"),
        ("i'm moving to", "is moving to"), ("i am moving to", "is moving to"), ("we're moving to", "is moving to"),
        ("i relocated to", "moved to"), ("i'm based in", "is based in"), ("i am based in", "is based in"),
    ].map { (Phrase($0.0), $0.1) }

    // MARK: Contact channel

    static let channelWords = wordMap([
        "sms": "SMS", "text": "SMS", "texts": "SMS", "texting": "SMS", "email": "e-mail", "e-mail": "e-mail",
        "emails": "e-mail", "mail": "e-mail", "whatsapp": "WhatsApp", "phone": "phone", "call": "phone",
        "calls": "phone", "calling": "phone",
    ])
    static let refusals = Phrase.list(["don't call", "do not call", "stop calling", "no calls", "not call me"])
    static let preferenceCues = wordSet(["prefer", "prefers", "preferred", "rather", "instead", "best", "only"])
    static let contactWords = wordSet(["contact", "contacted", "reach", "reached", "hear", "updates", "notify", "me"])
    static let me = wordHash("me".utf8)
    static let message = wordHash("message".utf8)
    static let onOrVia = wordSet(["on", "via"])
    static let instead = wordHash("instead".utf8)
    static let text = wordHash("text".utf8)

    /// The channel the speaker asks to be reached on, "no calls" when they refuse calls and
    /// name nothing else, or nil.
    static func contactChannel(_ words: Words) -> String? {
        let w = words.hashes
        let refusesCalls = words.containsAny(refusals)
        // "text me", "email me", "whatsapp me", "message me on whatsapp".
        for (i, word) in w.enumerated() where i + 1 < w.count && w[i + 1] == me {
            if let channel = channelWords[word], channel != "phone" { return channel }
            if word == message, i + 3 < w.count, onOrVia.contains(w[i + 2]), let channel = channelWords[w[i + 3]] {
                return channel
            }
        }
        // "I prefer SMS", "rather by e-mail than phone", "e-mail is best".
        if let cue = w.firstIndex(where: { preferenceCues.contains($0) }) {
            let mentionsContact = words.containsAny(contactWords) || w[cue] == instead
            let after = w[(cue + 1)...].first { channelWords[$0] != nil }
            let before = w[..<cue].last { channelWords[$0] != nil }
            let pick = w[cue] == instead ? (before ?? after) : (after ?? before)
            if let pick, let channel = channelWords[pick], mentionsContact || pick != text {
                if !(refusesCalls && channel == "phone") { return channel }
            }
        }
        return refusesCalls ? "no calls" : nil
    }

    // MARK: Values

    /// The first token that reads as an e-mail address.
    static func email(in sentence: String) -> String? {
        for token in sentence.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" || $0 == "<" || $0 == ">" }) {
            let trimmed = token.trimmingCharacters { !($0.isLetter || $0.isNumber) }
            guard let at = trimmed.firstIndex(of: "@"), at != trimmed.startIndex else { continue }
            let domain = trimmed[trimmed.index(after: at)...]
            if domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("@") {
                return String(trimmed)
            }
        }
        return nil
    }

    static let phoneCues = wordSet([
        "phone", "number", "call", "reach", "text", "cell", "mobile", "whatsapp", "sms", "contact",
    ])

    /// A run of 8–15 digits (with + ( ) - . and spaces between) in a sentence about a phone.
    static func phone(in sentence: String, words: Words) -> String? {
        guard words.containsAny(phoneCues) else { return nil }
        var best = ""
        var current = ""
        var digits = 0
        func finish() {
            let trimmed = Substring(current).trimmingCharacters { !($0.isNumber || $0 == "+" || $0 == ")") }
            if (8...15).contains(digits), best.isEmpty { best = String(trimmed) }
            current = ""
            digits = 0
        }
        for character in sentence {
            if character.isNumber {
                current.append(character)
                digits += 1
            } else if "+()-. ".contains(character), !current.isEmpty || character == "+" || character == "(" {
                current.append(character)
            } else {
                finish()
            }
        }
        finish()
        return best.isEmpty ? nil : best
    }

    static let languages = wordMap([
        "english": "English", "spanish": "Spanish", "french": "French", "german": "German", "italian": "Italian",
        "portuguese": "Portuguese", "dutch": "Dutch", "polish": "Polish", "russian": "Russian", "arabic": "Arabic",
        "hindi": "Hindi", "chinese": "Chinese", "mandarin": "Mandarin", "cantonese": "Cantonese",
        "japanese": "Japanese", "korean": "Korean", "turkish": "Turkish", "swedish": "Swedish", "greek": "Greek",
        "vietnamese": "Vietnamese", "tagalog": "Tagalog", "ukrainian": "Ukrainian", "hebrew": "Hebrew",
    ])
    static let speakOrPrefer = wordSet(["speak", "prefer"])
    static let inWord = wordHash("in".utf8)
    static let please = wordHash("please".utf8)

    /// "I speak Spanish", "in Spanish please", "I prefer Spanish".
    static func language(_ words: Words) -> String? {
        let w = words.hashes
        for (i, word) in w.enumerated() where i > 0 {
            guard let language = languages[word] else { continue }
            if speakOrPrefer.contains(w[i - 1]) || (w[i - 1] == inWord && w.contains(please)) { return language }
        }
        return nil
    }

    // MARK: Phrases in the original text

    /// The capitalised words right after one of `phrases` (matched case-insensitively at
    /// word boundaries): "I moved to New York last year" → "New York".
    static func properNoun(after phrases: [String], in sentence: String) -> String? {
        guard let tail = tail(after: phrases, in: sentence) else { return nil }
        var words: [Substring] = []
        for word in tail.split(separator: " ") {
            let clean = word.trimmingCharacters { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "'") }
            guard let first = clean.first else { break }
            if first.isUppercase {
                words.append(clean)
                if clean.count != word.count { break }  // punctuation ends the name
            } else if !words.isEmpty, clean == "of" || clean == "de" || clean == "la" {
                words.append(clean)
            } else {
                break
            }
        }
        while let last = words.last, last.first?.isLowercase == true { words.removeLast() }
        return words.isEmpty ? nil : words.joined(separator: " ")
    }

    /// The rest of the clause after one of `phrases`, up to punctuation, at most eight words.
    static func phraseTail(after phrases: [String], in sentence: String) -> String? {
        guard let tail = tail(after: phrases, in: sentence) else { return nil }
        let clause = tail.prefix { !".,;!?".contains($0) }
        let words = clause.split(separator: " ").prefix(8)
        return words.isEmpty ? nil : words.joined(separator: " ")
    }

    static func tail(after phrases: [String], in sentence: String) -> Substring? {
        let characters = Array(sentence)
        let folded = characters.map { $0 == "\u{2019}" ? "'" : Character($0.lowercased()) }
        for phrase in phrases {
            let target = Array(phrase)
            guard target.count < folded.count else { continue }
            for start in 0...(folded.count - target.count) {
                guard folded[start] == target[0], start == 0 || !(folded[start - 1].isLetter) else { continue }
                guard Array(folded[start..<start + target.count]) == target else { continue }
                let end = start + target.count
                guard end == folded.count || !folded[end].isLetter else { continue }
                let index = sentence.index(sentence.startIndex, offsetBy: end)
                return sentence[index...].drop { $0 == " " }
            }
        }
        return nil
    }
}

extension Substring {
    func trimmingCharacters(where drop: (Character) -> Bool) -> Substring {
        var slice = self
        while let first = slice.first, drop(first) { slice = slice.dropFirst() }
        while let last = slice.last, drop(last) { slice = slice.dropLast() }
        return slice
    }
}
