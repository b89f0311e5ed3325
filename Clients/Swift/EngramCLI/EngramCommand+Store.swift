import ArgumentParser
import EngramWire

/// `engram store create|list|get|delete`.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Create, list, show and delete stores.",
        subcommands: [Create.self, List.self, Get.self, Settings.self, Delete.self])

    static func table(_ stores: [Wire.Store]) -> String {
        var t = TextTable(["ID", "NAME", "DESCRIPTION", "CREATED"])
        for s in stores { t.add([s.id, s.displayName, s.description, TimeInput.format(s.createdAtUs)]) }
        return t.rendered()
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a store.")
        @Argument(help: "Display name: 1-64 characters of A-Z, a-z, 0-9 and '-'.") var name: String
        @Option(help: "A description, at most 128 characters.") var description = ""
        @OptionGroup var settings: ConversationSettingsOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let conversationSettings = try settings.wire()
            let store = try await connection.withClient { client in
                try await client.createStore(
                    .with {
                        $0.displayName = name
                        $0.description = description
                        $0.conversationSettings = conversationSettings
                    }
                ).store ?? Wire.Store()
            }
            output.emit(store.json, StoreCommand.table([store]))
        }
    }

    struct Settings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a store's conversation settings (those not given take their defaults).")
        @Argument(help: "The store id.") var id: String
        @OptionGroup var settings: ConversationSettingsOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let conversationSettings = try settings.wire() ?? Wire.ConversationSettings()
            let store = try await connection.withClient { client in
                try await client.updateStore(
                    .with {
                        $0.storeId = id
                        $0.conversationSettings = conversationSettings
                    }
                ).store ?? Wire.Store()
            }
            let s = store.conversationSettings ?? Wire.ConversationSettings()
            output.emit(
                store.json,
                TextTable.record([
                    ("idle timeout", "\(s.idleTimeoutSeconds ?? 0) s"), ("extractor", s.extractor.shortName),
                    ("WhatsApp = phone", "\(s.linkWhatsappToPhone ?? true)"),
                    ("message retention", "\(s.messageRetentionDays ?? 0) days (0: for ever)"),
                    ("observation retention", "\(s.observationRetentionDays ?? 0) days (0: for ever)"),
                ]))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every store.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let stores = try await connection.withClient { client in
                var all: [Wire.Store] = []
                var token = ""
                // Bounded: a server that kept returning tokens would otherwise loop forever.
                for _ in 0..<10_000 {
                    let page = try await client.listStores(
                        .with {
                            $0.pageSize = 1000
                            $0.pageToken = token
                        })
                    all += page.stores
                    token = page.nextPageToken
                    if token.isEmpty { break }
                }
                return all
            }
            output.emit(["stores": .array(stores.map(\.json))], StoreCommand.table(stores))
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a store.")
        @Argument(help: "The store id.") var id: String
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let store = try await connection.withClient {
                try await $0.getStore(.with { $0.storeId = id }).store ?? Wire.Store()
            }
            output.emit(store.json, StoreCommand.table([store]))
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a store and everything in it.")
        @Argument(help: "The store id.") var id: String
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let receipt = try await connection.withClient {
                try await $0.deleteStore(.with { $0.storeId = id }).receipt ?? Wire.DeletionReceipt()
            }
            output.emit(["store_id": .of(id), "receipt": receipt.json], "deleted store \(id)\n" + receipt.text)
        }
    }
}

extension Wire.DeletionReceipt {
    /// What was erased, for people.
    var text: String {
        TextTable.record([
            ("profiles", "\(profiles)"), ("identifiers", "\(identifiers)"), ("traits", "\(traits)"),
            ("observations", "\(observations)"), ("revisions", "\(revisions)"), ("summaries", "\(summaries)"),
            ("communications", "\(communications)"), ("log sequence", "\(logSequence)"),
        ])
    }
}

/// A store's conversation settings as flags.
struct ConversationSettingsOptions: ParsableArguments {
    @Option(help: "Close an open conversation after this many idle seconds (0: never; default 1800).")
    var idleTimeout: UInt32?
    @Option(help: "rules (default), llm (needs engramd --llm-url) or none.") var extractor: String?
    @Option(help: "Whether a WhatsApp number and the same phone number are one customer (default true).")
    var linkWhatsappToPhone: Bool?
    @Option(help: "Erase messages older than this many days (0: keep for ever).") var messageRetentionDays: UInt32?
    @Option(help: "Erase observations that occurred longer ago than this many days (0: keep for ever).")
    var observationRetentionDays: UInt32?

    /// The settings, or nil when no flag was given.
    func wire() throws(CLIError) -> Wire.ConversationSettings? {
        guard
            idleTimeout != nil || extractor != nil || linkWhatsappToPhone != nil || messageRetentionDays != nil
                || observationRetentionDays != nil
        else { return nil }
        var s = Wire.ConversationSettings()
        s.idleTimeoutSeconds = idleTimeout
        if let extractor {
            switch extractor.lowercased() {
            case "rules": s.extractor = .rules
            case "llm": s.extractor = .llm
            case "none": s.extractor = .none
            default: throw .usage("--extractor must be rules, llm or none; got '\(extractor)'")
            }
        }
        s.linkWhatsappToPhone = linkWhatsappToPhone
        s.messageRetentionDays = messageRetentionDays
        s.observationRetentionDays = observationRetentionDays
        return s
    }
}
