import ArgumentParser
import EngramWire

/// `engram profile resolve|get|lookup|delete`.
struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile", abstract: "Resolve, show, look up and delete profiles.",
        subcommands: [Resolve.self, Get.self, List.self, Lookup.self, Delete.self])

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create, match or merge a profile by its identifiers, applying traits.",
            discussion:
                "Traits: --trait Group.name=value, or Group.name:TYPE=value with TYPE one of string, number, int, bool, list ('|'-separated), null (removes)."
        )
        @OptionGroup var identifiers: IdentifierOptions
        @Option(help: "A trait: Group.name=value (repeatable).") var trait: [String] = []
        @OptionGroup var store: StoreOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            try CLIError.validating {
                if try identifiers.identifiers().isEmpty {
                    throw CLIError.usage(
                        "give at least one identifier: --email, --phone, --whatsapp, --chat or --id TYPE=VALUE")
                }
                for t in trait { _ = try TraitInput.parseAssignment(t) }
            }
        }

        func run() async throws {
            var traits: [String: Wire.TraitGroup] = [:]
            for t in trait {
                let (group, name, value) = try TraitInput.parseAssignment(t)
                traits[group, default: Wire.TraitGroup()].traits[name] = value
            }
            let storeID = try store.storeID()
            let ids = try identifiers.identifiers()
            let request = Wire.ResolveIdentityRequest.with {
                $0.storeId = storeID
                $0.identifiers = ids
                $0.traits = traits
            }
            let response = try await connection.withClient { try await $0.resolveIdentity(request) }
            var text = "\(response.outcome.shortName) \(response.profile?.id ?? "")"
            if !response.mergedProfileIds.isEmpty {
                text += " (merged \(response.mergedProfileIds.joined(separator: ", ")))"
            }
            for d in response.demoted {
                text += "\ndemoted \(d.identifier?.type ?? ""):\(d.identifier?.value ?? ""): \(d.reason)"
            }
            if let profile = response.profile { text += "\n\n" + profile.text }
            output.emit(response.json, text)
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a profile (a merged-away id works).")
        @Argument(help: "The profile id.") var id: String
        @OptionGroup var store: StoreOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let storeID = try store.storeID()
            let profile = try await connection.withClient {
                try await $0.getProfile(
                    .with {
                        $0.storeId = storeID
                        $0.profileId = id
                    }
                ).profile ?? Wire.Profile()
            }
            output.emit(profile.json, profile.text)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a store's profiles by id.")
        @Option(help: "At most this many (pages are fetched up to it).") var limit = 100
        @OptionGroup var store: StoreOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            let storeID = try store.storeID()
            var all: [Wire.Profile] = []
            try await connection.withClient { client in
                var token = ""
                while all.count < limit {
                    let page = try await client.listProfiles(
                        .with {
                            $0.storeId = storeID
                            $0.pageSize = UInt32(min(1000, limit - all.count))
                            $0.pageToken = token
                        })
                    all += page.profiles
                    token = page.nextPageToken
                    if token.isEmpty || page.profiles.isEmpty { break }
                }
            }
            var table = TextTable(["ID", "IDENTIFIERS", "OBSERVATIONS", "CREATED"])
            for p in all {
                table.add([
                    p.id, p.identifiers.map { "\($0.type):\($0.value)" }.joined(separator: " "),
                    String(p.observationCount), TimeInput.format(p.createdAtUs),
                ])
            }
            output.emit(["profiles": .array(all.map(\.json))], all.isEmpty ? "no profiles" : table.rendered())
        }
    }

    struct Lookup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Find the profiles holding one identifier.")
        @OptionGroup var identifiers: IdentifierOptions
        @OptionGroup var store: StoreOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            try CLIError.validating {
                if try identifiers.identifiers().count != 1 {
                    throw CLIError.usage(
                        "give exactly one identifier: --email, --phone, --whatsapp, --chat or --id TYPE=VALUE")
                }
            }
        }

        func run() async throws {
            let storeID = try store.storeID()
            let identifier = try identifiers.identifiers()[0]
            let response = try await connection.withClient {
                try await $0.lookupProfiles(
                    .with {
                        $0.storeId = storeID
                        $0.identifier = identifier
                    })
            }
            var t = TextTable(["PROFILE", "IDENTIFIERS", "OBSERVATIONS", "UPDATED"])
            for p in response.profiles {
                t.add([
                    p.id, p.identifiers.map { "\($0.type):\($0.value)" }.joined(separator: " "),
                    "\(p.observationCount)", TimeInput.format(p.updatedAtUs),
                ])
            }
            let n = response.normalized.map { "\($0.type):\($0.value)" } ?? ""
            output.emit(
                ["normalized": response.normalized?.json ?? .null, "profiles": .array(response.profiles.map(\.json))],
                response.profiles.isEmpty ? "no profile holds \(n)" : t.rendered())
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Erase a profile, permanently and completely.")
        @Argument(help: "The profile id.") var id: String
        @OptionGroup var store: StoreOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let storeID = try store.storeID()
            let response = try await connection.withClient {
                try await $0.deleteProfile(
                    .with {
                        $0.storeId = storeID
                        $0.profileId = id
                    })
            }
            let receipt = response.receipt ?? Wire.DeletionReceipt()
            output.emit(
                ["profile_id": .of(response.profileId), "receipt": receipt.json],
                "deleted profile \(response.profileId)\n" + receipt.text)
        }
    }
}

extension Wire.Profile {
    /// A profile for people: its fields, identifiers and traits.
    var text: String {
        var s = TextTable.record([
            ("id", id), ("created", TimeInput.format(createdAtUs)), ("updated", TimeInput.format(updatedAtUs)),
            ("observations", "\(observationCount)"), ("summaries", "\(summaryCount)"),
            ("communications", "\(communicationCount)"),
            ("merged ids", mergedProfileIds.isEmpty ? "-" : mergedProfileIds.joined(separator: ", ")),
        ])
        var ids = TextTable(["TYPE", "VALUE", "ADDED"])
        for i in identifiers { ids.add([i.type, i.value, TimeInput.format(i.addedAtUs)]) }
        s += "\n\n" + ids.rendered()
        if !traits.isEmpty {
            var t = TextTable(["TRAIT", "VALUE", "UPDATED"])
            for (group, g) in traits.sorted(by: { $0.key < $1.key }) {
                for (name, v) in g.traits.sorted(by: { $0.key < $1.key }) {
                    t.add(["\(group).\(name)", v.text, TimeInput.format(v.updatedAtUs)])
                }
            }
            s += "\n\n" + t.rendered()
        }
        return s
    }
}
