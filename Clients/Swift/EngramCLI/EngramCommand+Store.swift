import ArgumentParser
import EngramWire

/// `engram store create|list|get|delete`.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Create, list, show and delete stores.",
        subcommands: [Create.self, List.self, Get.self, Delete.self])

    static func table(_ stores: [Wire.Store]) -> String {
        var t = TextTable(["ID", "NAME", "DESCRIPTION", "CREATED"])
        for s in stores { t.add([s.id, s.displayName, s.description, TimeInput.format(s.createdAtUs)]) }
        return t.rendered()
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a store.")
        @Argument(help: "Display name: 1-64 characters of A-Z, a-z, 0-9 and '-'.") var name: String
        @Option(help: "A description, at most 128 characters.") var description = ""
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let store = try await connection.withClient { client in
                try await client.createStore(
                    .with {
                        $0.displayName = name
                        $0.description = description
                    }
                ).store ?? Wire.Store()
            }
            output.emit(store.json, StoreCommand.table([store]))
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
