import Foundation

/// BERT's uncased tokeniser, as all-MiniLM-L6-v2 uses it: basic tokenisation (clean the text,
/// split CJK ideographs, lower-case, strip accents, split on whitespace and punctuation), then
/// greedy longest-match WordPiece with `##` continuations, `[CLS]` … `[SEP]`, truncated.
///
/// The rules follow Hugging Face's `BertNormalizer`, `BertPreTokenizer` and `WordPiece`
/// (what sentence-transformers runs), code point by code point.
public struct WordPieceTokenizer: Sendable {
    /// Token ids by piece; continuation pieces carry their `##`.
    let vocabulary: [String: Int32]
    /// Every piece, by id.
    public let pieces: [String]
    public let clsID: Int32
    public let sepID: Int32
    public let unknownID: Int32
    /// The most tokens a sequence holds, `[CLS]` and `[SEP]` included.
    public let maxLength: Int
    /// Words longer than this (in code points) become `[UNK]`, as in BERT.
    let maxCharactersPerWord = 100

    /// Reads `vocab.txt`: one piece per line, its id the line number from 0.
    public init(vocabularyFile url: URL, maxLength: Int = 256) throws(EmbeddingError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw EmbeddingError(.missingFile, "cannot read the vocabulary \(url.path): \(error.localizedDescription)")
        }
        guard String(validating: data, as: UTF8.self) != nil else {
            throw EmbeddingError(.badModel, "the vocabulary \(url.path) is not UTF-8")
        }
        // By bytes: a Character would join "\r\n", and 80,000 lines split as Strings cost a second.
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false).map {
            String(decoding: $0.last == 0x0D ? $0.dropLast() : $0, as: UTF8.self)
        }
        if lines.last == "" { lines.removeLast() }
        try self.init(pieces: lines, maxLength: maxLength)
    }

    /// A tokeniser over `pieces`, whose ids are their positions.
    public init(pieces: [String], maxLength: Int = 256) throws(EmbeddingError) {
        var vocabulary: [String: Int32] = [:]
        vocabulary.reserveCapacity(pieces.count)
        for (id, piece) in pieces.enumerated() where vocabulary[piece] == nil { vocabulary[piece] = Int32(id) }
        func id(_ piece: String) throws(EmbeddingError) -> Int32 {
            guard let id = vocabulary[piece] else {
                throw EmbeddingError(.badModel, "the vocabulary has no \(piece) token")
            }
            return id
        }
        guard maxLength >= 2 else { throw EmbeddingError(.badModel, "max length must be at least 2; got \(maxLength)") }
        self.vocabulary = vocabulary
        self.pieces = pieces
        self.clsID = try id("[CLS]")
        self.sepID = try id("[SEP]")
        self.unknownID = try id("[UNK]")
        self.maxLength = maxLength
    }

    /// The model's input ids for `text`: `[CLS]`, its pieces (at most `maxLength` − 2), `[SEP]`.
    public func ids(_ text: String) -> [Int32] {
        var ids: [Int32] = [clsID]
        let room = maxLength - 1
        for word in Self.basicTokens(text) {
            appendPieces(of: word, to: &ids)
            if ids.count >= room { break }
        }
        if ids.count > room { ids.removeLast(ids.count - room) }
        ids.append(sepID)
        return ids
    }

    /// The pieces of `text` alone, without `[CLS]` and `[SEP]`, at most `limit` of them: what
    /// a static embedder looks up.
    public func pieceIDs(_ text: String, limit: Int = 4_096) -> [Int32] {
        var ids: [Int32] = []
        for word in Self.basicTokens(text) {
            appendPieces(of: word, to: &ids)
            if ids.count >= limit { break }
        }
        if ids.count > limit { ids.removeLast(ids.count - limit) }
        return ids
    }

    /// Calls `body` with each word (or punctuation mark) of `text`, lower-cased, and its pieces.
    public func forEachWord(in text: String, _ body: (_ word: [Unicode.Scalar], _ pieces: [Int32]) -> Void) {
        var ids: [Int32] = []
        for word in Self.basicTokens(text) {
            ids.removeAll(keepingCapacity: true)
            appendPieces(of: word, to: &ids)
            body(word, ids)
        }
    }

    /// The words and punctuation marks of `text` after cleaning, lower-casing and accent stripping.
    public static func basicTokens(_ text: String) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        func flush() {
            if !current.isEmpty {
                words.append(current)
                current.removeAll(keepingCapacity: true)
            }
        }
        for scalar in normalized(text) {
            // ASCII is decided by its code alone: Unicode property lookups cost more than the
            // rest of tokenising.
            let v = scalar.value
            if v < 0x80 {
                if v == 0x20 || (0x09...0x0D).contains(v) {
                    flush()
                } else if isASCIIPunctuation(v) {
                    flush()
                    words.append([scalar])
                } else {
                    current.append(scalar)
                }
            } else if scalar.properties.isWhitespace {
                flush()
            } else if isPunctuation(scalar) {
                flush()
                words.append([scalar])
            } else {
                current.append(scalar)
            }
        }
        flush()
        return words
    }

    // MARK: Private

    /// BertNormalizer: drop NUL, U+FFFD and control characters (tabs and newlines become
    /// spaces), put spaces around CJK ideographs, strip accents (NFD, then no combining
    /// marks), lower-case.
    static func normalized(_ text: String) -> [Unicode.Scalar] {
        var cleaned = String.UnicodeScalarView()
        var ascii = true
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                // ASCII as below, without property lookups: tab, newline and carriage return
                // are whitespace; the other C0 controls and DEL are dropped.
                if v == 0x20 || v == 0x09 || v == 0x0A || v == 0x0D {
                    cleaned.append(" ")
                } else if v >= 0x20 && v != 0x7F {
                    cleaned.append(scalar)
                }
                continue
            }
            if v == 0xFFFD || isControl(scalar) { continue }
            if scalar.properties.isWhitespace {
                cleaned.append(" ")
            } else if isCJK(v) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
                ascii = false
            } else {
                cleaned.append(scalar)
                if v >= 0x80 { ascii = false }
            }
        }
        if ascii {
            return cleaned.map { $0.value >= 65 && $0.value <= 90 ? Unicode.Scalar($0.value + 32)! : $0 }
        }
        let decomposed = String(cleaned).decomposedStringWithCanonicalMapping
        var stripped = String.UnicodeScalarView()
        for scalar in decomposed.unicodeScalars where scalar.properties.generalCategory != .nonspacingMark {
            stripped.append(scalar)
        }
        return Array(String(stripped).lowercased().unicodeScalars)
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\t", "\n", "\r": return false
        default: break
        }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    @inline(__always)
    static func isASCIIPunctuation(_ v: UInt32) -> Bool {
        (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v)
    }

    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if isASCIIPunctuation(v) { return true }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// The CJK Unified Ideographs blocks BERT splits one character per token (not kana or hangul).
    static func isCJK(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2A6DF).contains(v)
            || (0x2A700...0x2B73F).contains(v) || (0x2B740...0x2B81F).contains(v) || (0x2B820...0x2CEAF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }

    /// Greedy longest-match-first pieces of one word, or `[UNK]` if some part matches nothing.
    func appendPieces(of word: [Unicode.Scalar], to ids: inout [Int32]) {
        guard word.count <= maxCharactersPerWord else {
            ids.append(unknownID)
            return
        }
        // The word's UTF-8 bytes and where each scalar starts in them: a candidate is then a
        // slice (after "##" past the start), and a String of up to 15 bytes needs no allocation.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(word.count * 2)
        var offsets: [Int] = []
        offsets.reserveCapacity(word.count + 1)
        for scalar in word {
            offsets.append(bytes.count)
            bytes.append(contentsOf: UTF8.encode(scalar)!)
        }
        offsets.append(bytes.count)
        let count = ids.count
        var continuation: [UInt8] = [UInt8(ascii: "#"), UInt8(ascii: "#")]
        continuation.reserveCapacity(2 + bytes.count)
        var start = 0
        while start < word.count {
            var end = word.count
            var found: Int32?
            while start < end {
                let candidate: String
                if start == 0 {
                    candidate = String(decoding: bytes[0..<offsets[end]], as: UTF8.self)
                } else {
                    continuation.removeSubrange(2...)
                    continuation.append(contentsOf: bytes[offsets[start]..<offsets[end]])
                    candidate = String(decoding: continuation, as: UTF8.self)
                }
                if let id = vocabulary[candidate] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let found else {
                ids.removeLast(ids.count - count)
                ids.append(unknownID)
                return
            }
            ids.append(found)
            start = end
        }
    }
}
