import ArgumentParser
import Foundation

/// `engram import FILE.csv`: profiles from a CSV file; `engram import FILE.jsonl`: conversations.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Create or update profiles from a CSV file, or import conversations from JSON Lines.",
        discussion: """
            A .jsonl (or .ndjson) file holds conversations: each line one conversation \
            {"conversation_id": "call-1", "profile_id": "...", "close": true, "messages": [{"id": "m1", \
            "from": "customer:+15550100", "to": ["ai_agent:bot"], "channel": "voice", "text": "...", \
            "at": "2026-05-06T19:45:00Z"}]} or one message with its "conversation_id" (consecutive lines of \
            one conversation go together). Without "profile_id", the customer is found by their address. \
            Each conversation closes after its last message unless "close" is false, which starts its \
            extraction. Lines or calls that fail go to the rejects file with the line number and reason.

            For CSV: \
            The first row is the header. Map columns by header name: --map 'Email=id:email' (an \
            identifier), --map 'First Name=Contact.firstName' (a string trait), --map 'Spend=Account.spend:number' \
            (types: string, number, int, bool, list with '|' between items), --map 'Notes=skip'. Or put one \
            mapping a line in a --mapping file. Empty cells set nothing; a row needs one identifier. \
            Rejected rows go to the rejects file with the line they start on and the reason; the exit \
            status is then 2.
            """)

    @Argument(help: "The CSV file (UTF-8, with or without a byte-order mark).") var file: String
    @Option(help: "COLUMN=id:TYPE, COLUMN=Group.name[:TYPE] or COLUMN=skip (repeatable).") var map: [String] = []
    @Option(help: "A file of mappings, one COLUMN=TARGET a line.") var mapping: String?
    @Option(help: "Where rejected rows go (default: FILE.rejects.csv).") var rejects: String?
    @Option(help: "Rows sent concurrently in one batch (1-1000).") var batchSize = 100
    @Option(help: "The field delimiter (one character).") var delimiter = ","
    @Flag(inversion: .prefixedNo, help: "Show a progress bar (default: when standard error is a terminal).")
    var progress: Bool?
    @OptionGroup var store: StoreOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...1000).contains(batchSize) else { throw ValidationError("--batch-size must be 1-1000") }
        guard delimiter.unicodeScalars.count == 1, delimiter != "\"", delimiter != "\n" else {
            throw ValidationError("--delimiter must be one character other than a quote or newline")
        }
        if Self.isJSONLines(file) {
            if !map.isEmpty || mapping != nil { throw ValidationError("--map and --mapping are for CSV files") }
            return
        }
        if map.isEmpty && mapping == nil {
            throw ValidationError("give the column mapping: --map COLUMN=TARGET (repeatable) or --mapping FILE")
        }
        if !map.isEmpty && mapping != nil { throw ValidationError("give --map or --mapping, not both") }
        if mapping == nil { try CLIError.validating { _ = try ImportMapping.parse(map) } }
    }

    static func isJSONLines(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson")
    }

    func run() async throws {
        if Self.isJSONLines(file) { return try await runConversations() }
        let storeID = try store.storeID()
        let parsed = if let mapping { try ImportMapping.load(path: mapping) } else { try ImportMapping.parse(map) }
        var options = CSVImporter.Options(path: file, storeID: storeID, mapping: parsed)
        options.batchSize = batchSize
        options.rejectsPath = rejects
        options.delimiter = delimiter.unicodeScalars.first!
        let context = CLIContext.current
        let showProgress = progress ?? context.errIsTerminal
        // Redraw in place on a terminal; elsewhere one line per update.
        var report: (@Sendable (ImportProgress) -> Void)? = nil
        if showProgress {
            let inPlace = context.errIsTerminal
            report = { p in
                let line = p.rendered()
                context.err(inPlace ? "\r\(line)\(p.done ? "\n" : "")" : "\(line)\n")
            }
        }
        let summary = try await connection.withClient { client in
            try await CSVImporter(options: options).run(client: client, progress: report)
        }
        output.emit(summary.json, summary.text)
        if summary.rejected > 0 { throw ExitCode(ExitStatus.partial) }
    }

    func runConversations() async throws {
        let storeID = try store.storeID()
        let context = CLIContext.current
        var report: (@Sendable (ImportProgress) -> Void)? = nil
        if progress ?? context.errIsTerminal {
            let inPlace = context.errIsTerminal
            report = { p in
                let line = p.rendered().replacingOccurrences(of: " rows", with: " messages")
                context.err(inPlace ? "\r\(line)\(p.done ? "\n" : "")" : "\(line)\n")
            }
        }
        let importer = ConversationImporter(path: file, storeID: storeID, rejectsPath: rejects ?? file + ".rejects.txt")
        let summary = try await connection.withClient { client in
            try await importer.run(client: client, progress: report)
        }
        output.emit(summary.json, summary.text)
        if summary.rejected > 0 { throw ExitCode(ExitStatus.partial) }
    }
}
