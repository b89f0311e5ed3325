import CSV
import EngramClient
import EngramWire
import Foundation

/// Creates or updates profiles from a CSV file: each row becomes one ResolveIdentity call,
/// sent in batches of concurrent calls. Rows the mapping or the server refuses go to a rejects
/// file with their reason; failures that concern every row (the server unreachable, a bad key,
/// no such store) stop the import.
public struct CSVImporter: Sendable {
    public struct Options: Sendable {
        public var path: String
        public var storeID: String
        public var mapping: ImportMapping
        /// Rows sent concurrently, awaited together.
        public var batchSize = 100
        /// Where rejected rows go; `<file>.rejects.csv` when nil. Written only if a row is rejected.
        public var rejectsPath: String?
        public var delimiter: UnicodeScalar = ","

        public init(path: String, storeID: String, mapping: ImportMapping) {
            self.path = path
            self.storeID = storeID
            self.mapping = mapping
        }

        var resolvedRejectsPath: String {
            rejectsPath ?? (path.hasSuffix(".csv") ? String(path.dropLast(4)) : path) + ".rejects.csv"
        }
    }

    /// What an import did.
    public struct Summary: Sendable, Hashable {
        public var rows = 0
        public var created = 0
        public var matched = 0
        public var merged = 0
        public var rejected = 0
        /// Rows imported with at least one identifier demoted (not attached or not matched on).
        public var demoted = 0
        public var seconds = 0.0
        /// Set when rows were rejected.
        public var rejectsPath: String?
        /// Header columns the mapping did not mention.
        public var unmappedColumns: [String] = []

        public var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }

        public var json: JSONValue {
            [
                "rows": .of(rows), "created": .of(created), "matched": .of(matched), "merged": .of(merged),
                "rejected": .of(rejected), "demoted": .of(demoted), "seconds": .of((seconds * 1000).rounded() / 1000),
                "rows_per_second": .of(rowsPerSecond.rounded()),
                "rejects_file": rejectsPath.map(JSONValue.string) ?? .null,
                "unmapped_columns": .of(unmappedColumns),
            ]
        }

        public var text: String {
            var t = TextTable(["ROWS", "CREATED", "MATCHED", "MERGED", "REJECTED", "DEMOTED", "SECONDS", "ROWS/S"])
            t.add([
                "\(rows)", "\(created)", "\(matched)", "\(merged)", "\(rejected)", "\(demoted)",
                String(format: "%.2f", seconds), "\(Int(rowsPerSecond.rounded()))",
            ])
            var s = t.rendered()
            if let rejectsPath { s += "\nrejected rows, with their reasons: \(rejectsPath)" }
            if !unmappedColumns.isEmpty {
                s += "\nignored columns (not in the mapping): \(unmappedColumns.joined(separator: ", "))"
            }
            return s
        }
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    /// Runs the import; `progress` is called at most ten times a second, and once at the end.
    public func run(client: EngramClient, progress: (@Sendable (ImportProgress) -> Void)? = nil) async throws -> Summary
    {
        let path = options.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw CLIError("\(path): no such file")
        }
        guard let stream = FileByteStream(path: path) else {
            throw CLIError("\(path): cannot be read")
        }
        let fileBytes = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
        let reader: CSVReader
        do {
            // The stream initialiser reads UTF-8 and skips a byte-order mark (the string one does not).
            reader = try CSVReader(stream: stream, hasHeaderRow: true, delimiter: options.delimiter)
        } catch CSVError.cannotReadHeaderRow {
            throw CLIError("\(path): the file is empty (no header row)")
        } catch {
            throw CLIError("\(path): cannot read it as CSV (\(error))")
        }
        guard let header = reader.headerRow else { throw CLIError("\(path): the file is empty (no header row)") }
        let bound = try options.mapping.bind(header: header)

        var summary = Summary(unmappedColumns: bound.unmapped)
        var rejects = RejectsWriter(path: options.resolvedRejectsPath, header: header)
        defer { rejects.close() }
        let start = ContinuousClock.now
        var lastProgress = start
        var bytesRead = header.reduce(header.count) { $0 + $1.utf8.count }
        var line = 1 + header.reduce(0) { $0 + $1.lineFeedCount }  // lines the header took
        var exhausted = false

        while !exhausted {
            // Read one batch of rows: (line the row starts on, fields, request or rejection).
            var batch: [(line: Int, fields: [String], request: Result<Wire.ResolveIdentityRequest, RowRejection>)] = []
            while batch.count < options.batchSize {
                guard let row = reader.next() else {
                    exhausted = true
                    break
                }
                let rowLine = line + 1
                line += 1 + row.reduce(0) { $0 + $1.lineFeedCount }
                bytesRead += row.reduce(row.count) { $0 + $1.utf8.count }
                if row.count == 1 && row[0].isEmpty { continue }  // a blank line
                batch.append((rowLine, row, bound.request(storeID: options.storeID, row: row)))
            }
            if let error = reader.error {
                throw CLIError("\(path) near line \(line): cannot decode it (\(error)); the file must be UTF-8")
            }
            let outcomes = try await send(batch.map(\.request), client: client)
            for (row, outcome) in zip(batch, outcomes) {
                summary.rows += 1
                switch outcome {
                case .success(let response):
                    switch response.outcome {
                    case .created: summary.created += 1
                    case .merged: summary.merged += 1
                    default: summary.matched += 1
                    }
                    if !response.demoted.isEmpty { summary.demoted += 1 }
                case .failure(let rejection):
                    summary.rejected += 1
                    try rejects.write(line: row.line, reason: rejection.reason, fields: row.fields)
                }
            }
            let now = ContinuousClock.now
            if let progress, exhausted || now - lastProgress >= .milliseconds(100) {
                lastProgress = now
                progress(
                    ImportProgress(
                        rows: summary.rows, rejected: summary.rejected, elapsed: now - start,
                        fraction: exhausted ? 1 : fileBytes > 0 ? min(0.99, Double(bytesRead) / Double(fileBytes)) : 0,
                        done: exhausted))
            }
        }
        let elapsed = ContinuousClock.now - start
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if summary.rejected > 0 { summary.rejectsPath = options.resolvedRejectsPath }
        return summary
    }

    /// Sends a batch's requests concurrently; results in the batch's order.
    private func send(_ requests: [Result<Wire.ResolveIdentityRequest, RowRejection>], client: EngramClient)
        async throws
        -> [Result<Wire.ResolveIdentityResponse, RowRejection>]
    {
        try await withThrowingTaskGroup(of: (Int, Result<Wire.ResolveIdentityResponse, RowRejection>).self) { group in
            var results = [Result<Wire.ResolveIdentityResponse, RowRejection>?](repeating: nil, count: requests.count)
            for (i, r) in requests.enumerated() {
                switch r {
                case .failure(let rejection): results[i] = .failure(rejection)
                case .success(let request):
                    group.addTask {
                        do {
                            return (i, .success(try await client.resolveIdentity(request)))
                        } catch let error as EngramClientError where Self.isRowError(error.code) {
                            var reason = "\(error.code): \(error.message)"
                            for v in error.fieldViolations where !error.message.contains(v.field) {
                                reason += "; \(v.field): \(v.description)"
                            }
                            return (i, .failure(RowRejection(reason)))
                        }
                    }
                }
            }
            for try await (i, r) in group { results[i] = r }
            return results.map { $0! }
        }
    }

    /// Statuses about one row's content; anything else (UNAVAILABLE, UNAUTHENTICATED,
    /// PERMISSION_DENIED, NOT_FOUND for the store, ...) would fail every row, so it stops the import.
    static func isRowError(_ code: StatusCode) -> Bool {
        [.invalidArgument, .failedPrecondition, .outOfRange, .alreadyExists, .resourceExhausted].contains(code)
    }
}

/// The rejects file: `line,reason` and the row's own fields, as CSV. Created on the first reject.
struct RejectsWriter {
    let path: String
    let header: [String]
    private var writer: CSVWriter?

    init(path: String, header: [String]) {
        self.path = path
        self.header = header
    }

    mutating func write(line: Int, reason: String, fields: [String]) throws {
        if writer == nil {
            guard let stream = OutputStream(toFileAtPath: path, append: false) else {
                throw CLIError("\(path): cannot create the rejects file")
            }
            stream.open()
            do {
                let w = try CSVWriter(stream: stream)
                try w.write(row: ["line", "reason"] + header)
                writer = w
            } catch {
                throw CLIError("\(path): cannot write the rejects file (\(error))")
            }
        }
        do { try writer?.write(row: ["\(line)", reason] + fields) } catch {
            throw CLIError("\(path): cannot write the rejects file (\(error))")
        }
    }

    mutating func close() {
        guard let writer else { return }
        var newline: UInt8 = 0x0A  // the writer puts newlines between rows, not after the last
        _ = writer.stream.write(&newline, maxLength: 1)
        writer.stream.close()
        self.writer = nil
    }
}
