/// What a knowledge item's source is written in: it decides how the text is split.
public enum KnowledgeSourceType: String, Sendable, Hashable, CaseIterable {
    /// Paragraphs separated by blank lines.
    case text = "TEXT"
    /// ATX (`#`) and setext headings, paragraphs, fenced code.
    case markdown = "MARKDOWN"
    /// `h1`–`h6` headings; `p`, `li`, `div`, `tr`, `br` and the like end a paragraph; tags,
    /// scripts and styles are dropped and entities decoded.
    case html = "HTML"
    /// RFC 4180 rows, the first one naming the columns; each row is one entry.
    case csv = "CSV"
    /// As CSV, separated by tabs.
    case tsv = "TSV"
}

/// One piece of a document as the chunker cut it.
public struct ChunkDraft: Sendable, Hashable {
    /// The chunk's text, as it appears in the source (HTML: with the tags taken out).
    public var content: String
    /// The headings it sits under, outermost first.
    public var headingPath: [String]
    /// Where it starts and ends in the source, in Unicode scalars (code points), end excluded.
    public var start: Int
    public var end: Int

    public init(content: String, headingPath: [String], start: Int, end: Int) {
        self.content = content
        self.headingPath = headingPath
        self.start = start
        self.end = end
    }
}

/// Splits a document along its structure: sections (under their headings) first, then
/// paragraphs, then sentences, then words, so no chunk holds more than `maxTokens` words
/// and no chunk mixes two sections. A section cut in several chunks repeats the end of each
/// (whole sentences, at most `overlapTokens` words) at the start of the next, so a fact on a
/// boundary is whole in one of them. CSV and TSV rows are one entry each ("column: value"
/// lines), cut further only when a row alone is too long.
///
/// Deterministic: the same source always gives the same chunks.
public struct KnowledgeChunker: Sendable, Hashable {
    /// Words ("tokens": runs of non-space characters) a chunk holds at most.
    public var maxTokens: Int
    /// Words of the previous chunk a chunk may repeat.
    public var overlapTokens: Int

    public init(maxTokens: Int = 300, overlapTokens: Int = 40) {
        self.maxTokens = max(8, maxTokens)
        self.overlapTokens = max(0, min(overlapTokens, self.maxTokens / 2))
    }

    /// The chunks of `source`, or why it cannot be read.
    public func chunks(of source: String, type: KnowledgeSourceType) throws(KnowledgeSourceError) -> [ChunkDraft] {
        let scalars = Array(source.unicodeScalars)
        let blocks: [SourceBlock]
        switch type {
        case .text: blocks = Self.textBlocks(scalars)
        case .markdown: blocks = Self.markdownBlocks(scalars)
        case .html: blocks = Self.htmlBlocks(scalars)
        case .csv: blocks = try Self.delimitedBlocks(scalars, separator: ",")
        case .tsv: blocks = try Self.delimitedBlocks(scalars, separator: "\t")
        }
        var chunks: [ChunkDraft] = []
        var headings: [(level: Int, text: String)] = []
        var section: [SourceBlock] = []
        func flush() {
            if !section.isEmpty { pack(section, under: headings.map(\.text), into: &chunks) }
            section.removeAll()
        }
        for block in blocks {
            switch block.kind {
            case .heading(let level):
                flush()
                while let last = headings.last, last.level >= level { headings.removeLast() }
                let text = block.string.trimmingSpaces
                if !text.isEmpty { headings.append((level, text)) }
            case .paragraph:
                section.append(block)
            case .entry:
                flush()
                section.append(block)
                flush()
            }
        }
        flush()
        return chunks
    }

    // MARK: Packing

    /// One sentence-sized unit of a section: a range of one block's text.
    private struct Unit {
        var block: Int
        var lower: Int
        var upper: Int
        var words: Int
        /// The unit ends a paragraph (joined to the next with a blank line, not a space).
        var endsParagraph = false
        /// The unit ends a line (joined to the next with a line break).
        var endsLine = false
    }

    private func pack(_ blocks: [SourceBlock], under path: [String], into chunks: inout [ChunkDraft]) {
        var units: [Unit] = []
        for index in blocks.indices {
            let pieces = Self.sentences(of: blocks[index], index).flatMap { split($0, blocks[$0.block]) }
            for (i, piece) in pieces.enumerated() {
                var unit = piece
                unit.endsParagraph = i == pieces.count - 1
                units.append(unit)
            }
        }
        var current: [Unit] = []
        var words = 0
        func emit() {
            guard let first = current.first, let last = current.last else { return }
            var view = String.UnicodeScalarView()
            for (i, unit) in current.enumerated() {
                if i > 0 {
                    let previous = current[i - 1]
                    let separator = previous.endsParagraph ? "\n\n" : previous.endsLine ? "\n" : " "
                    view.append(contentsOf: separator.unicodeScalars)
                }
                view.append(contentsOf: blocks[unit.block].text[unit.lower..<unit.upper])
            }
            chunks.append(
                ChunkDraft(
                    content: String(view), headingPath: path, start: blocks[first.block].origin(first.lower),
                    end: blocks[last.block].origin(last.upper - 1) + 1))
        }
        for unit in units {
            if words + unit.words > maxTokens, !current.isEmpty {
                emit()
                // Carry whole trailing sentences, up to the overlap, into the next chunk.
                var carried: [Unit] = []
                var carriedWords = 0
                for previous in current.reversed() {
                    guard carriedWords + previous.words <= overlapTokens,
                        carriedWords + previous.words + unit.words <= maxTokens
                    else { break }
                    carried.insert(previous, at: 0)
                    carriedWords += previous.words
                }
                current = carried
                words = carriedWords
            }
            current.append(unit)
            words += unit.words
        }
        emit()
    }

    /// A unit longer than `maxTokens` words, cut into runs of `maxTokens` words.
    private func split(_ unit: Unit, _ block: SourceBlock) -> [Unit] {
        guard unit.words > maxTokens else { return [unit] }
        var pieces: [Unit] = []
        let text = block.text
        var i = unit.lower
        while i < unit.upper {
            while i < unit.upper, text[i].isSpace { i += 1 }
            guard i < unit.upper else { break }
            let begin = i
            var count = 0
            var end = i
            while i < unit.upper {
                while i < unit.upper, text[i].isSpace { i += 1 }
                guard i < unit.upper, count < maxTokens else { break }
                while i < unit.upper, !text[i].isSpace { i += 1 }
                end = i
                count += 1
            }
            i = end
            pieces.append(Unit(block: unit.block, lower: begin, upper: end, words: count))
        }
        return pieces
    }

    /// A paragraph's sentences: they end after `.`, `!`, `?` (and closing quotes or brackets)
    /// before a space, and at every line break.
    private static func sentences(of block: SourceBlock, _ index: Int) -> [Unit] {
        let text = block.text
        var units: [Unit] = []
        var begin = 0
        func add(_ end: Int, line: Bool = false) {
            var b = begin
            var e = end
            while b < e, text[b].isSpace { b += 1 }
            while e > b, text[e - 1].isSpace { e -= 1 }
            begin = end
            guard b < e else { return }
            units.append(Unit(block: index, lower: b, upper: e, words: wordCount(text[b..<e]), endsLine: line))
        }
        var i = 0
        while i < text.count {
            let c = text[i]
            if c == "\n" {
                add(i, line: true)
            } else if c == "." || c == "!" || c == "?" || c == "\u{3002}" {
                var j = i + 1
                while j < text.count, closers.contains(text[j]) { j += 1 }
                if j == text.count || text[j].isSpace || c == "\u{3002}" {
                    add(j, line: j < text.count && text[j] == "\n")
                    i = j
                    continue
                }
            }
            i += 1
        }
        add(text.count)
        return units
    }

    private static let closers: Set<Unicode.Scalar> = ["\"", "'", ")", "]", "\u{201D}", "\u{2019}"]

    static func wordCount(_ text: some Collection<Unicode.Scalar>) -> Int {
        var count = 0
        var inWord = false
        for c in text {
            if c.isSpace {
                inWord = false
            } else if !inWord {
                inWord = true
                count += 1
            }
        }
        return count
    }
}

/// Why a source could not be read; the engine answers it as INVALID_ARGUMENT on `source`.
public struct KnowledgeSourceError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first.isSpace { scalars.removeFirst() }
        while let last = scalars.last, last.isSpace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}

extension Unicode.Scalar {
    /// White space, with ASCII answered without a Unicode property lookup (most text is ASCII,
    /// and the chunker asks for every scalar).
    @inline(__always)
    var isSpace: Bool {
        value < 0x80 ? value == 0x20 || (0x09...0x0D).contains(value) : properties.isWhitespace
    }
}
