import ArgumentParser
import Foundation

/// `engram import FILE.csv`: profiles from a CSV file.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Create or update profiles from a CSV file.",
        discussion: """
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
        if map.isEmpty && mapping == nil {
            throw ValidationError("give the column mapping: --map COLUMN=TARGET (repeatable) or --mapping FILE")
        }
        if !map.isEmpty && mapping != nil { throw ValidationError("give --map or --mapping, not both") }
        if mapping == nil { try CLIError.validating { _ = try ImportMapping.parse(map) } }
    }

    func run() async throws {
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
}
