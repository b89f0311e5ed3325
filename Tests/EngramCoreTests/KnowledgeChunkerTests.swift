import Testing

@testable import EngramCore

@Suite struct KnowledgeChunkerTests {
    /// The source text a chunk's offsets point at (offsets are in Unicode scalars).
    func slice(_ source: String, _ chunk: ChunkDraft) -> String {
        let scalars = Array(source.unicodeScalars)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[chunk.start..<chunk.end])
        return String(view)
    }

    @Test func markdownSectionsKeepTheirHeadingPathsAndNeverMix() throws {
        let source = """
            # Returns

            Intro to returns.

            ## Refunds
            Refunds take 5 days.
            They go to the card you paid with.

            ## Exchanges ##

            Exchanges are free within 30 days.

            Shipping
            --------
            We ship worldwide.
            """
        let chunks = try KnowledgeChunker().chunks(of: source, type: .markdown)
        #expect(
            chunks.map(\.headingPath) == [
                ["Returns"], ["Returns", "Refunds"], ["Returns", "Exchanges"], ["Returns", "Shipping"],
            ])
        #expect(chunks[1].content == "Refunds take 5 days.\nThey go to the card you paid with.")
        #expect(chunks[2].content == "Exchanges are free within 30 days.")
        for chunk in chunks {
            // Each chunk's offsets cover its text in the source: first and last words included.
            let covered = slice(source, chunk)
            #expect(covered.hasPrefix(String(chunk.content.prefix(8))), "\(covered)")
            #expect(covered.hasSuffix(String(chunk.content.suffix(5))), "\(covered)")
        }
    }

    @Test func aLongSectionIsCutAtSentencesWithOverlapAndBoundedWords() throws {
        let sentences = (1...40).map { "Sentence number \($0) says something about topic \($0)." }
        let source = "# Long\n\n" + sentences.joined(separator: " ")
        let chunker = KnowledgeChunker(maxTokens: 50, overlapTokens: 10)
        let chunks = try chunker.chunks(of: source, type: .markdown)
        #expect(chunks.count > 5)
        for chunk in chunks {
            #expect(KnowledgeChunker.wordCount(chunk.content.unicodeScalars) <= 50)
            #expect(chunk.headingPath == ["Long"])
            #expect(chunk.content.hasSuffix("."), "cut at a sentence end: \(chunk.content)")
        }
        for (a, b) in zip(chunks, chunks.dropFirst()) {
            // The next chunk starts with the previous one's last sentence.
            let last = a.content.split(separator: ".").last.map { String($0).trimmingSpaces }!
            #expect(b.content.hasPrefix(last), "\(b.content) should repeat \(last)")
            #expect(b.start < a.end)
        }
        // Every sentence is in some chunk.
        for sentence in sentences { #expect(chunks.contains { $0.content.contains(sentence) }) }
    }

    @Test func aSentenceLongerThanTheBoundIsCutByWords() throws {
        let source = (1...130).map { "w\($0)" }.joined(separator: " ")
        let chunks = try KnowledgeChunker(maxTokens: 50, overlapTokens: 0).chunks(of: source, type: .text)
        #expect(chunks.map { KnowledgeChunker.wordCount($0.content.unicodeScalars) } == [50, 50, 30])
        #expect(chunks.map { slice(source, $0) } == chunks.map(\.content))
    }

    @Test func plainTextParagraphsAndFencedCode() throws {
        let text = try KnowledgeChunker().chunks(of: "First para.\n\n\nSecond para.\r\n", type: .text)
        #expect(text.map(\.content) == ["First para.\n\nSecond para."])
        let md = try KnowledgeChunker().chunks(
            of: "```\n# not a heading\n\nstill code\n```\n# Real\nText", type: .markdown)
        #expect(md.map(\.headingPath) == [[], ["Real"]])
        #expect(md[0].content.contains("# not a heading"))
    }

    @Test func htmlHeadingsEntitiesAndScripts() throws {
        let source = """
            <html><head><title>T</title><style>p{color:red}</style></head><body>
            <h1>Care &amp; Repair</h1><p>Wash at 30&#176;C.<br>Dry flat.</p>
            <script>var x = "<h2>no</h2>";</script>
            <h2>Warranty</h2><ul><li>Two years</li><li>Keep the receipt</li></ul>
            <!-- <h2>hidden</h2> -->
            </body></html>
            """
        let chunks = try KnowledgeChunker().chunks(of: source, type: .html)
        #expect(chunks.map(\.headingPath) == [["Care & Repair"], ["Care & Repair", "Warranty"]])
        #expect(chunks[0].content == "Wash at 30°C.\n\nDry flat.")
        #expect(chunks[1].content == "Two years\n\nKeep the receipt")
        #expect(slice(source, chunks[0]).hasPrefix("Wash at 30&#176;C."))
        #expect(!chunks.contains { $0.content.contains("color") || $0.content.contains("var x") })
    }

    @Test func csvRowsAreEntriesWithTheirColumnNames() throws {
        let source = "question,answer\n\"How long, roughly?\",\"Five \"\"working\"\" days\"\nWhere?,\n\nWho?,Us\n"
        let chunks = try KnowledgeChunker().chunks(of: source, type: .csv)
        #expect(
            chunks.map(\.content) == [
                "question: How long, roughly?\nanswer: Five \"working\" days", "question: Where?",
                "question: Who?\nanswer: Us",
            ])
        #expect(slice(source, chunks[2]) == "Who?,Us")
        let tsv = try KnowledgeChunker().chunks(of: "a\tb\n1\t2\n", type: .tsv)
        #expect(tsv.map(\.content) == ["a: 1\nb: 2"])
    }

    @Test(arguments: [
        ("a,b\n\"open", "never closed"), ("a,b\n1,2,3", "row 2: 3 fields"), ("a,b\nx\"y,1", "quote inside"),
        ("", "no header"), ("a,b\n\"x\"y,1", "after a closing quote"),
    ])
    func badCSVIsRefusedNamingTheRow(source: String, problem: String) {
        #expect(throws: KnowledgeSourceError.self) { try KnowledgeChunker().chunks(of: source, type: .csv) }
        do {
            _ = try KnowledgeChunker().chunks(of: source, type: .csv)
        } catch {
            #expect(error.message.contains(problem), "\(error.message)")
        }
    }
}
