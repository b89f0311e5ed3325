import ArgumentParser
import EngramWire
import Foundation

/// `engram observations list|revisions`.
struct ObservationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "observations", abstract: "List a profile's observations and an observation's revisions.",
        subcommands: [List.self, Revisions.self])

    static func table(_ observations: [Wire.Observation]) -> String {
        var t = TextTable(["ID", "STATUS", "OCCURRED", "SOURCE", "SUBJECT", "MENTIONS", "CONTENT"])
        for o in observations {
            t.add([
                o.id, o.status.shortName, TimeInput.format(o.occurredAtUs), o.source, o.subject, "\(o.mentionCount)",
                o.content,
            ])
        }
        return t.rendered()
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a profile's observations, newest first.")
        @Option(help: "The profile id.") var profile: String
        @Option(help: "Only this source.") var source: String?
        @Option(help: "Only this conversation.") var conversation: String?
        @Option(help: "Only those that occurred at or after this time (ISO 8601 or an age like 7d).") var since: String?
        @Option(help: "Only those that occurred before this time.") var until: String?
        @Option(help: "active, superseded or all.") var status = "all"
        @Option(help: "At most this many (all pages are fetched up to it).") var limit = 100
        @OptionGroup var store: StoreOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard ["active", "superseded", "all"].contains(status) else {
                throw ValidationError("--status must be active, superseded or all")
            }
            guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            let storeID = try store.storeID()
            let now = Date()
            let after = try since.map { try TimeInput.parse($0, option: "--since", now: now) } ?? 0
            let before = try until.map { try TimeInput.parse($0, option: "--until", now: now) } ?? 0
            let statusValue: Wire.ObservationStatus =
                status == "active" ? .active : status == "superseded" ? .superseded : .unspecified
            var all: [Wire.Observation] = []
            var profileID = profile
            try await connection.withClient { client in
                var token = ""
                while all.count < limit {
                    let page = try await client.listObservations(
                        .with {
                            $0.storeId = storeID
                            $0.profileId = profile
                            $0.pageToken = token
                            $0.pageSize = UInt32(min(100, limit - all.count))  // the server's largest page
                            $0.source = source ?? ""
                            $0.conversationId = conversation ?? ""
                            $0.occurredAfterUs = after
                            $0.occurredBeforeUs = before
                            $0.status = statusValue
                        })
                    all += page.observations
                    profileID = page.profileId
                    token = page.nextPageToken
                    if token.isEmpty || page.observations.isEmpty { break }
                }
            }
            output.emit(
                ["profile_id": .of(profileID), "observations": .array(all.map(\.json))],
                all.isEmpty ? "no observations" : ObservationsCommand.table(all))
        }
    }

    struct Revisions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an observation's prior states, newest first.")
        @Argument(help: "The observation id.") var observation: String
        @Option(help: "The profile id.") var profile: String
        @OptionGroup var store: StoreOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let storeID = try store.storeID()
            let response = try await connection.withClient {
                try await $0.listObservationRevisions(
                    .with {
                        $0.storeId = storeID
                        $0.profileId = profile
                        $0.observationId = observation
                    })
            }
            var t = TextTable(["REVISION", "KIND", "CHANGED", "CONVERSATION", "PREVIOUS CONTENT"])
            for r in response.revisions {
                t.add([
                    "\(r.revision)", r.kind.shortName, TimeInput.format(r.changedAtUs), r.conversationId,
                    r.previous?.content ?? "",
                ])
            }
            let current = response.current.map { ObservationsCommand.table([$0]) } ?? ""
            output.emit(
                ["current": response.current?.json ?? .null, "revisions": .array(response.revisions.map(\.json))],
                current + "\n\n" + (response.revisions.isEmpty ? "no revisions" : t.rendered()))
        }
    }
}

struct SummariesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summaries", abstract: "List a profile's conversation summaries, the most recent first.")
    @Option(help: "The profile id.") var profile: String
    @Option(help: "Only this conversation's.") var conversation: String?
    @Option(help: "At most this many (pages are fetched up to it).") var limit = 100
    @OptionGroup var store: StoreOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let storeID = try store.storeID()
        var all: [Wire.Summary] = []
        var profileID = profile
        try await connection.withClient { client in
            var token = ""
            while all.count < limit {
                let page = try await client.listSummaries(
                    .with {
                        $0.storeId = storeID
                        $0.profileId = profile
                        $0.pageSize = UInt32(min(1000, limit - all.count))
                        $0.pageToken = token
                        $0.conversationId = conversation ?? ""
                    })
                all += page.summaries
                profileID = page.profileId
                token = page.nextPageToken
                if token.isEmpty || page.summaries.isEmpty { break }
            }
        }
        var table = TextTable(["ID", "CONVERSATION", "OCCURRED", "SUMMARY"])
        for s in all { table.add([s.id, s.conversationId, TimeInput.format(s.occurredAtUs), s.content]) }
        output.emit(
            ["profile_id": .of(profileID), "summaries": .array(all.map(\.json))],
            all.isEmpty ? "no summaries" : table.rendered())
    }
}
