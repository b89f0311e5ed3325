import ArgumentParser
import EngramClient
import EngramWire
import Foundation

/// `engram kb create|list|add|docs|search|delete`: knowledge bases.
struct KnowledgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kb", abstract: "Knowledge bases: create them, add documents, search them.",
        subcommands: [Create.self, List.self, Add.self, Docs.self, Search.self, Delete.self])

    static func table(_ bases: [Wire.KnowledgeBase]) -> String {
        var t = TextTable(["ID", "NAME", "DOCUMENTS", "CHUNKS", "UPDATED"])
        for b in bases {
            t.add([b.id, b.displayName, "\(b.knowledgeCount)", "\(b.chunkCount)", TimeInput.format(b.updatedAtUs)])
        }
        return t.rendered()
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a knowledge base.")
        @Argument(help: "Display name, 1-128 characters.") var name: String
        @Option(help: "A description, at most 1,024 characters.") var description = ""
        @OptionGroup var store: StoreOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let storeID = try store.storeID()
            let base = try await connection.withClient { client in
                try await client.call(
                    Methods.createKnowledgeBase,
                    .with {
                        $0.storeId = storeID
                        $0.displayName = name
                        $0.description = description
                    }
                ).knowledgeBase ?? Wire.KnowledgeBase()
            }
            output.emit(base.json, KnowledgeCommand.table([base]))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a store's knowledge bases.")
        @OptionGroup var store: StoreOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let storeID = try store.storeID()
            let bases = try await connection.withClient { client in
                var all: [Wire.KnowledgeBase] = []
                var token = ""
                repeat {
                    let page = try await client.call(
                        Methods.listKnowledgeBases,
                        .with {
                            $0.storeId = storeID
                            $0.pageSize = 1000
                            $0.pageToken = token
                        })
                    all += page.knowledgeBases
                    token = page.nextPageToken
                } while !token.isEmpty
                return all
            }
            output.emit(.array(bases.map(\.json)), KnowledgeCommand.table(bases))
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add files, or every file in folders, to a knowledge base.",
            discussion: """
                The type comes from the extension: .md and .markdown are Markdown, .html and .htm \
                HTML, .csv CSV (a row is one entry), .tsv TSV, anything else plain text. Folders are \
                searched recursively for files with those extensions (.txt for text); hidden files \
                are skipped. Each file becomes one document named after the file. A file the server \
                refuses is reported with the reason, the others still go in; the exit status is \
                then 2.
                """)
        @Argument(help: "Files and folders.") var paths: [String]
        @Option(name: .customLong("kb"), help: "The knowledge base id.") var knowledgeBase: String
        @Option(help: "A metadata pair KEY=VALUE for every document (repeatable).") var meta: [String] = []
        @Flag(inversion: .prefixedNo, help: "Show a progress bar (default: when standard error is a terminal).")
        var progress: Bool?
        @OptionGroup var store: StoreOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            for pair in meta where !pair.contains("=") { throw ValidationError("--meta wants KEY=VALUE; got \(pair)") }
        }

        static let types: [String: Wire.KnowledgeSourceType] = [
            "md": .markdown, "markdown": .markdown, "html": .html, "htm": .html, "csv": .csv, "tsv": .tsv,
            "txt": .text, "text": .text,
        ]

        /// Every file to add, in a stable order: files as given, folders walked.
        static func files(_ paths: [String]) throws(CLIError) -> [String] {
            var found: [String] = []
            for path in paths {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                    throw CLIError("\(path): no such file or folder")
                }
                guard isDirectory.boolValue else {
                    found.append(path)
                    continue
                }
                let walker = FileManager.default.enumerator(atPath: path)
                var inFolder: [String] = []
                while let relative = walker?.nextObject() as? String {
                    let name = (relative as NSString).lastPathComponent
                    if name.hasPrefix(".") { continue }
                    let ext = (name as NSString).pathExtension.lowercased()
                    if types[ext] != nil { inFolder.append((path as NSString).appendingPathComponent(relative)) }
                }
                found += inFolder.sorted()
            }
            return found
        }

        func run() async throws {
            let storeID = try store.storeID()
            let files = try Self.files(paths)
            let metadata = meta.map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                return Wire.MetadataEntry.with {
                    $0.key = parts[0]
                    $0.value = parts.count > 1 ? parts[1] : ""
                }
            }
            var sizes: [Int] = []
            for file in files {
                sizes.append(((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? Int) ?? 0)
            }
            let total = max(1, sizes.reduce(0, +))
            let context = CLIContext.current
            let showProgress = progress ?? context.errIsTerminal
            let started = ContinuousClock.now
            var done = 0
            var added: [Wire.Knowledge] = []
            var failed: [(String, String)] = []
            try await connection.withClient { client in
                for (file, size) in zip(files, sizes) {
                    do {
                        guard let data = FileManager.default.contents(atPath: file) else {
                            throw CLIError("cannot read \(file)")
                        }
                        guard let text = String(data: data, encoding: .utf8) else {
                            throw CLIError("\(file) is not UTF-8 text")
                        }
                        let ext = (file as NSString).pathExtension.lowercased()
                        let response = try await client.call(
                            Methods.addKnowledge,
                            .with {
                                $0.storeId = storeID
                                $0.knowledgeBaseId = knowledgeBase
                                $0.name = String((file as NSString).lastPathComponent.prefix(256))
                                $0.metadata = metadata
                                $0.sourceType = Self.types[ext] ?? .text
                                $0.source = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
                            }, deadline: .seconds(600))
                        added.append(response.knowledge ?? Wire.Knowledge())
                    } catch let error as EngramClientError where error.code != .unavailable {
                        failed.append((file, error.message))
                    } catch let error as CLIError {
                        failed.append((file, "\(error)"))
                    }
                    done += size
                    if showProgress {
                        let p = ImportProgress(
                            rows: added.count, rejected: failed.count, elapsed: ContinuousClock.now - started,
                            fraction: Double(done) / Double(total), done: added.count + failed.count == files.count)
                        let line = p.rendered(unit: "documents")
                        context.err(context.errIsTerminal ? "\r\(line)\(p.done ? "\n" : "")" : "\(line)\n")
                    }
                }
            }
            for (file, reason) in failed { context.err("\(file): \(reason)\n") }
            var t = TextTable(["ID", "NAME", "TYPE", "CHUNKS", "BYTES"])
            for k in added {
                t.add([k.id, k.name, k.sourceType.shortName, "\(k.chunkCount)", "\(k.sourceBytes)"])
            }
            output.emit(
                [
                    "added": .array(added.map(\.json)),
                    "failed": .array(failed.map { ["file": .of($0.0), "reason": .of($0.1)] }),
                ], t.rendered())
            if !failed.isEmpty { throw ExitCode(ExitStatus.partial) }
        }
    }

    struct Docs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a knowledge base's documents.")
        @Option(name: .customLong("kb"), help: "The knowledge base id.") var knowledgeBase: String
        @OptionGroup var store: StoreOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let storeID = try store.storeID()
            let items = try await connection.withClient { client in
                var all: [Wire.Knowledge] = []
                var token = ""
                repeat {
                    let page = try await client.call(
                        Methods.listKnowledge,
                        .with {
                            $0.storeId = storeID
                            $0.knowledgeBaseId = knowledgeBase
                            $0.pageSize = 1000
                            $0.pageToken = token
                        })
                    all += page.knowledge
                    token = page.nextPageToken
                } while !token.isEmpty
                return all
            }
            var t = TextTable(["ID", "NAME", "TYPE", "STATUS", "CHUNKS", "UPDATED"])
            for k in items {
                t.add([
                    k.id, k.name, k.sourceType.shortName, k.status.shortName, "\(k.embeddedCount)/\(k.chunkCount)",
                    TimeInput.format(k.updatedAtUs),
                ])
            }
            output.emit(.array(items.map(\.json)), t.rendered())
        }
    }

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Search knowledge: the chunks that answer a query.")
        @Argument(help: "The query, at most 2,048 characters.") var query: String
        @Option(name: .customLong("kb"), help: "A knowledge base to search (repeatable; default: all).")
        var knowledgeBases: [String] = []
        @Option(help: "How many chunks (1-20).") var top = 5
        @Flag(help: "Show each chunk's score parts.") var explain = false
        @OptionGroup var store: StoreOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let storeID = try store.storeID()
            let found = try await connection.withClient { client in
                try await client.call(
                    Methods.searchKnowledge,
                    .with {
                        $0.storeId = storeID
                        $0.query = query
                        $0.top = UInt32(clamping: max(0, top))
                        $0.knowledgeBaseIds = knowledgeBases
                        $0.explain = explain
                    })
            }
            var t = TextTable(["SCORE", "DOCUMENT", "SECTION", "TEXT"])
            for hit in found.chunks {
                let c = hit.chunk ?? Wire.KnowledgeChunk()
                t.add([
                    String(format: "%.3f", hit.score), c.documentTitle, c.headingPath.joined(separator: " > "),
                    String(c.content.replacingOccurrences(of: "\n", with: " ").prefix(80)),
                ])
            }
            output.emit(.array(found.chunks.map(\.json)), t.rendered())
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a knowledge base with its documents, or one document (--doc).")
        @Argument(help: "The knowledge base id.") var id: String
        @Option(help: "Delete only this document.") var doc: String?
        @OptionGroup var store: StoreOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let storeID = try store.storeID()
            let receipt = try await connection.withClient { client in
                if let doc {
                    return try await client.call(
                        Methods.deleteKnowledge,
                        .with {
                            $0.storeId = storeID
                            $0.knowledgeBaseId = id
                            $0.knowledgeId = doc
                        }
                    ).receipt ?? Wire.DeletionReceipt()
                }
                return try await client.call(
                    Methods.deleteKnowledgeBase,
                    .with {
                        $0.storeId = storeID
                        $0.knowledgeBaseId = id
                    }
                ).receipt ?? Wire.DeletionReceipt()
            }
            output.emit(
                ["documents": .of(receipt.knowledge), "chunks": .of(receipt.chunks)],
                "erased \(receipt.knowledge) documents, \(receipt.chunks) chunks")
        }
    }
}

extension Wire.KnowledgeSourceType {
    var shortName: String {
        (Self.names[rawValue] ?? "\(rawValue)").replacingOccurrences(of: "KNOWLEDGE_SOURCE_TYPE_", with: "")
            .lowercased()
    }
}

extension Wire.KnowledgeStatus {
    var shortName: String {
        (Self.names[rawValue] ?? "\(rawValue)").replacingOccurrences(of: "KNOWLEDGE_STATUS_", with: "").lowercased()
    }
}

extension Wire.KnowledgeBase {
    public var json: JSONValue {
        [
            "id": .of(id), "display_name": .of(displayName), "description": .of(description),
            "knowledge_count": .of(knowledgeCount), "chunk_count": .of(chunkCount), "status": .of(status.shortName),
            "created_at_us": .of(createdAtUs), "updated_at_us": .of(updatedAtUs),
        ]
    }
}

extension Wire.Knowledge {
    public var json: JSONValue {
        [
            "id": .of(id), "knowledge_base_id": .of(knowledgeBaseId), "name": .of(name),
            "description": .of(description),
            "metadata": .object(
                Dictionary(metadata.map { ($0.key, JSONValue.of($0.value)) }, uniquingKeysWith: { a, _ in a })),
            "source_type": .of(sourceType.shortName), "source_bytes": .of(sourceBytes), "status": .of(status.shortName),
            "failure": .of(failure), "chunk_count": .of(chunkCount), "embedded_count": .of(embeddedCount),
            "created_at_us": .of(createdAtUs), "updated_at_us": .of(updatedAtUs),
        ]
    }
}

extension Wire.ScoredKnowledgeChunk {
    public var json: JSONValue {
        let c = chunk ?? Wire.KnowledgeChunk()
        return [
            "score": .of(Double(score)), "knowledge_base_id": .of(c.knowledgeBaseId),
            "knowledge_id": .of(c.knowledgeId),
            "chunk_index": .of(c.chunkIndex), "document_title": .of(c.documentTitle),
            "heading_path": .array(c.headingPath.map { .of($0) }), "content": .of(c.content),
            "start_offset": .of(c.startOffset), "end_offset": .of(c.endOffset),
        ]
    }
}
