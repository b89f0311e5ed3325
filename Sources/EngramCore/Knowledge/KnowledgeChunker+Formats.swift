// Each source format read into the same blocks: headings, paragraphs and entries, each with
// where its text came from in the source (so every chunk can say where it starts and ends).

/// A heading, a paragraph or an entry (a CSV row), as the chunker sees it.
struct SourceBlock {
    enum Kind: Equatable {
        case heading(Int)
        case paragraph
        case entry
    }

    var kind: Kind
    var text: [Unicode.Scalar]
    /// The source offset of `text[0]`, when the text is a contiguous piece of the source.
    var start: Int
    /// Otherwise, the source offset of each scalar of `text` (HTML, CSV).
    var origins: [Int32]?

    func origin(_ i: Int) -> Int { origins.map { Int($0[i]) } ?? start + i }

    var string: String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: text)
        return String(view)
    }
}

/// The lines of a text: each as (start, end) offsets, end excluding the line break ("\n",
/// "\r\n" or "\r").
private func lines(_ s: [Unicode.Scalar]) -> [(Int, Int)] {
    var result: [(Int, Int)] = []
    var begin = 0
    var i = 0
    while i < s.count {
        if s[i] == "\n" || s[i] == "\r" {
            result.append((begin, i))
            if s[i] == "\r", i + 1 < s.count, s[i + 1] == "\n" { i += 1 }
            begin = i + 1
        }
        i += 1
    }
    if begin < s.count { result.append((begin, s.count)) }
    return result
}

private func isBlank(_ s: [Unicode.Scalar], _ line: (Int, Int)) -> Bool {
    s[line.0..<line.1].allSatisfy { $0.isSpace }
}

extension KnowledgeChunker {
    /// Paragraphs separated by blank lines.
    static func textBlocks(_ s: [Unicode.Scalar]) -> [SourceBlock] {
        var blocks: [SourceBlock] = []
        var paragraph: (Int, Int)?
        for line in lines(s) {
            if isBlank(s, line) {
                if let p = paragraph {
                    blocks.append(SourceBlock(kind: .paragraph, text: Array(s[p.0..<p.1]), start: p.0))
                }
                paragraph = nil
            } else {
                paragraph = (paragraph?.0 ?? line.0, line.1)
            }
        }
        if let p = paragraph { blocks.append(SourceBlock(kind: .paragraph, text: Array(s[p.0..<p.1]), start: p.0)) }
        return blocks
    }

    /// ATX headings (`## Title`, closing `#`s dropped), setext headings (a line underlined
    /// with `===` or `---`), fenced code kept whole, paragraphs between blank lines.
    static func markdownBlocks(_ s: [Unicode.Scalar]) -> [SourceBlock] {
        var blocks: [SourceBlock] = []
        var paragraph: (Int, Int)?
        var paragraphLines = 0
        var fence: [Unicode.Scalar]?
        func flush() {
            if let p = paragraph { blocks.append(SourceBlock(kind: .paragraph, text: Array(s[p.0..<p.1]), start: p.0)) }
            paragraph = nil
            paragraphLines = 0
        }
        for line in lines(s) {
            var first = line.0
            var indent = 0
            while first < line.1, s[first] == " ", indent < 4 {
                first += 1
                indent += 1
            }
            let trimmed = Array(s[first..<line.1])
            // Fenced code: everything up to the closing fence is one paragraph.
            if let open = fence {
                paragraph = (paragraph?.0 ?? line.0, line.1)
                if trimmed.starts(with: open) { fence = nil }
                continue
            }
            if trimmed.starts(with: ["`", "`", "`"]) || trimmed.starts(with: ["~", "~", "~"]) {
                flush()
                fence = Array(trimmed.prefix(3))
                paragraph = (line.0, line.1)
                continue
            }
            if isBlank(s, line) {
                flush()
                continue
            }
            if indent < 4, let level = atxLevel(trimmed) {
                flush()
                var a = first + level
                var b = line.1
                while a < b, s[a].isSpace { a += 1 }
                while b > a, s[b - 1].isSpace { b -= 1 }
                // A closing run of '#' after a space goes.
                var c = b
                while c > a, s[c - 1] == "#" { c -= 1 }
                if c < b, c == a || s[c - 1].isSpace {
                    b = c
                    while b > a, s[b - 1].isSpace { b -= 1 }
                }
                blocks.append(SourceBlock(kind: .heading(level), text: Array(s[a..<b]), start: a))
                continue
            }
            // A setext underline turns a one-line paragraph into a heading.
            if paragraphLines == 1, let p = paragraph, let level = setextLevel(trimmed) {
                blocks.append(SourceBlock(kind: .heading(level), text: Array(s[p.0..<p.1]), start: p.0))
                paragraph = nil
                paragraphLines = 0
                continue
            }
            paragraph = (paragraph?.0 ?? line.0, line.1)
            paragraphLines += 1
        }
        flush()
        return blocks
    }

    private static func atxLevel(_ line: [Unicode.Scalar]) -> Int? {
        var level = 0
        while level < line.count, line[level] == "#" { level += 1 }
        guard (1...6).contains(level) else { return nil }
        return level == line.count || line[level] == " " || line[level] == "\t" ? level : nil
    }

    private static func setextLevel(_ line: [Unicode.Scalar]) -> Int? {
        var body = line[...]
        while let last = body.last, last.isSpace { body.removeLast() }
        guard let first = body.first, first == "=" || first == "-", body.allSatisfy({ $0 == first }) else { return nil }
        return first == "=" ? 1 : 2
    }

    // MARK: HTML

    private static let breaking: Set<String> = [
        "p", "div", "li", "ul", "ol", "br", "tr", "table", "section", "article", "header", "footer", "blockquote",
        "pre", "dd", "dt", "dl", "hr", "main", "nav", "aside", "figure", "figcaption", "title", "td", "th",
    ]
    private static let skipped: Set<String> = ["script", "style", "head", "noscript", "template", "svg"]

    /// Text with the tags taken out: headings from `h1`–`h6`, a paragraph break at each
    /// block-level tag, entities decoded, runs of spaces kept as one.
    static func htmlBlocks(_ s: [Unicode.Scalar]) -> [SourceBlock] {
        var blocks: [SourceBlock] = []
        var text: [Unicode.Scalar] = []
        var origins: [Int32] = []
        var heading: Int?
        var skipping: String?
        func flush() {
            // Trim, then collapse inner whitespace runs to one space.
            var t: [Unicode.Scalar] = []
            var o: [Int32] = []
            var space = false
            for (c, origin) in zip(text, origins) {
                if c.isSpace {
                    space = !t.isEmpty
                } else {
                    if space {
                        t.append(" ")
                        o.append(origin)
                        space = false
                    }
                    t.append(c)
                    o.append(origin)
                }
            }
            if !t.isEmpty {
                blocks.append(
                    SourceBlock(kind: heading.map { .heading($0) } ?? .paragraph, text: t, start: 0, origins: o))
            }
            text.removeAll(keepingCapacity: true)
            origins.removeAll(keepingCapacity: true)
        }
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == "<" {
                // A comment, a declaration or a tag; an unclosed one runs to the end.
                if s[i...].starts(with: "<!--".unicodeScalars) {
                    i = find("-->", in: s, from: i + 4).map { $0 + 3 } ?? s.count
                    continue
                }
                let close = find(">", in: s, from: i + 1) ?? s.count
                let (name, closing) = tagName(s[(i + 1)..<close])
                i = close + 1
                if let open = skipping {
                    if closing, name == open { skipping = nil }
                    continue
                }
                if skipped.contains(name), !closing {
                    skipping = name
                    continue
                }
                if name.count == 2, name.first == "h", let level = Int(name.dropFirst()), (1...6).contains(level) {
                    flush()
                    heading = closing ? nil : level
                } else if breaking.contains(name) {
                    flush()
                } else if name == "td" || name == "th" {
                    text.append(" ")
                    origins.append(Int32(i - 1))
                }
                continue
            }
            if skipping != nil {
                i += 1
                continue
            }
            if c == "&", let (decoded, length) = entity(s, at: i) {
                text.append(contentsOf: decoded)
                origins.append(contentsOf: repeatElement(Int32(i), count: decoded.count))
                i += length
                continue
            }
            text.append(c)
            origins.append(Int32(i))
            i += 1
        }
        flush()
        return blocks
    }

    private static func find(_ needle: String, in s: [Unicode.Scalar], from: Int) -> Int? {
        let n = Array(needle.unicodeScalars)
        var i = from
        while i + n.count <= s.count {
            if s[i] == n[0], s[i..<(i + n.count)].elementsEqual(n) { return i }
            i += 1
        }
        return nil
    }

    /// A tag's lower-cased name and whether it closes (`</p>`).
    private static func tagName(_ inside: ArraySlice<Unicode.Scalar>) -> (String, Bool) {
        var body = inside
        var closing = false
        if body.first == "/" {
            closing = true
            body = body.dropFirst()
        }
        var name = ""
        for c in body {
            guard c.properties.isAlphabetic || ("0"..."9").contains(c) else { break }
            name.unicodeScalars.append(contentsOf: c.properties.lowercaseMapping.unicodeScalars)
        }
        return (name, closing)
    }

    private static let namedEntities: [String: Unicode.Scalar] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "ndash": "\u{2013}",
        "mdash": "\u{2014}", "rsquo": "\u{2019}", "lsquo": "\u{2018}", "rdquo": "\u{201D}", "ldquo": "\u{201C}",
        "hellip": "\u{2026}", "copy": "\u{00A9}", "reg": "\u{00AE}", "trade": "\u{2122}", "bull": "\u{2022}",
        "middot": "\u{00B7}", "deg": "\u{00B0}", "eacute": "\u{00E9}", "euro": "\u{20AC}", "pound": "\u{00A3}",
    ]

    /// `&name;`, `&#123;` or `&#x7B;` at `i`: its text and length; nil if it is not one.
    private static func entity(_ s: [Unicode.Scalar], at i: Int) -> ([Unicode.Scalar], Int)? {
        guard let end = s[(i + 1)..<min(s.count, i + 12)].firstIndex(of: ";") else { return nil }
        var name = ""
        name.unicodeScalars.append(contentsOf: s[(i + 1)..<end])
        let length = end - i + 1
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value: UInt32? =
                digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let value, let scalar = Unicode.Scalar(value) else { return nil }
            return ([scalar], length)
        }
        return namedEntities[name].map { ([$0], length) }
    }

    // MARK: CSV and TSV

    /// One entry per row after the header: "column: value" lines (empty values left out).
    static func delimitedBlocks(
        _ s: [Unicode.Scalar], separator: Unicode.Scalar
    ) throws(KnowledgeSourceError) -> [SourceBlock] {
        var rows: [[(text: [Unicode.Scalar], origins: [Int32])]] = []
        var row: [(text: [Unicode.Scalar], origins: [Int32])] = []
        var field: [Unicode.Scalar] = []
        var fieldOrigins: [Int32] = []
        var rowNumber = 1
        var i = 0
        var quoted = false
        var wasQuoted = false
        func endField() {
            row.append((field, fieldOrigins))
            field.removeAll()
            fieldOrigins.removeAll()
            wasQuoted = false
        }
        func endRow() {
            endField()
            if !(row.count == 1 && row[0].text.allSatisfy { $0.isSpace }) { rows.append(row) }
            row.removeAll()
            rowNumber += 1
        }
        while i < s.count {
            let c = s[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < s.count, s[i + 1] == "\"" {
                        field.append("\"")
                        fieldOrigins.append(Int32(i))
                        i += 2
                        continue
                    }
                    quoted = false
                } else {
                    field.append(c)
                    fieldOrigins.append(Int32(i))
                }
                i += 1
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !wasQuoted:
                quoted = true
                wasQuoted = true
            case "\"":
                throw KnowledgeSourceError("row \(rowNumber): a quote inside an unquoted field")
            case separator:
                endField()
            case "\r" where i + 1 < s.count && s[i + 1] == "\n":
                break
            case "\n", "\r":
                endRow()
            default:
                if wasQuoted, !c.isSpace {
                    throw KnowledgeSourceError("row \(rowNumber): text after a closing quote")
                }
                field.append(c)
                fieldOrigins.append(Int32(i))
            }
            i += 1
        }
        if quoted { throw KnowledgeSourceError("row \(rowNumber): a quoted field is never closed") }
        if !field.isEmpty || !row.isEmpty { endRow() }
        guard let header = rows.first else { throw KnowledgeSourceError("no header row") }
        let names = header.map { SourceBlock(kind: .entry, text: $0.text, start: 0).string.trimmingSpaces }
        if names.allSatisfy(\.isEmpty) { throw KnowledgeSourceError("the header row names no column") }
        var blocks: [SourceBlock] = []
        for (n, cells) in rows.dropFirst().enumerated() {
            if cells.count > names.count {
                throw KnowledgeSourceError(
                    "row \(n + 2): \(cells.count) fields, but the header names \(names.count) columns")
            }
            var text: [Unicode.Scalar] = []
            var origins: [Int32] = []
            for (name, cell) in zip(names, cells) {
                var a = 0
                var b = cell.text.count
                while a < b, cell.text[a].isSpace { a += 1 }
                while b > a, cell.text[b - 1].isSpace { b -= 1 }
                guard a < b else { continue }
                if !text.isEmpty {
                    text.append("\n")
                    origins.append(origins.last!)
                }
                let label = name.isEmpty ? [] : Array((name + ": ").unicodeScalars)
                text.append(contentsOf: label)
                origins.append(contentsOf: repeatElement(cell.origins[a], count: label.count))
                text.append(contentsOf: cell.text[a..<b])
                origins.append(contentsOf: cell.origins[a..<b])
            }
            if !text.isEmpty { blocks.append(SourceBlock(kind: .entry, text: text, start: 0, origins: origins)) }
        }
        return blocks
    }
}
