import ArgumentParser
import EngramWire
import Foundation

/// `engram conversation append|close|get|list`.
struct ConversationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conversation",
        abstract: "Append messages to conversations, close them, and see what they became.",
        subcommands: [Append.self, Close.self, Get.self, List.self])

    static func table(_ conversations: [Wire.Conversation]) -> String {
        var t = TextTable(["ID", "PROFILE", "STATE", "MESSAGES", "CHANNELS", "LAST MESSAGE", "OBSERVATIONS", "ERROR"])
        for c in conversations {
            t.add([
                c.id, c.profileId, c.state.shortName, "\(c.messageCount)",
                c.channels.map { $0.shortName.lowercased() }.joined(separator: ","),
                TimeInput.format(c.lastMessageAtUs),
                "\(c.observationIds.count)", c.error,
            ])
        }
        return t.rendered()
    }

    static func details(_ c: Wire.Conversation) -> String {
        var t = TextTable(["FIELD", "VALUE"])
        t.add(["id", c.id])
        t.add(["profile", c.profileId])
        t.add(["state", c.state.shortName])
        t.add(["messages", "\(c.messageCount) (\(c.extractedMessageCount) extracted)"])
        t.add(["channels", c.channels.map { $0.shortName.lowercased() }.joined(separator: ", ")])
        t.add(["first message", TimeInput.format(c.firstMessageAtUs)])
        t.add(["last message", TimeInput.format(c.lastMessageAtUs)])
        if c.closedAtUs != 0 { t.add(["closed", TimeInput.format(c.closedAtUs)]) }
        if !c.extractor.isEmpty { t.add(["extracted", "\(TimeInput.format(c.extractedAtUs)) by \(c.extractor)"]) }
        if !c.observationIds.isEmpty { t.add(["observations", c.observationIds.joined(separator: ", ")]) }
        if !c.summaryId.isEmpty { t.add(["summary", c.summaryId]) }
        if !c.error.isEmpty { t.add(["error", c.error]) }
        return t.rendered()
    }

    /// "customer:+15550100" → a participant; the type alone is allowed.
    static func participant(_ text: String, option: String) throws(CLIError) -> Wire.Participant {
        let (kind, address) =
            text.firstIndex(of: ":").map { (String(text[..<$0]), String(text[text.index(after: $0)...])) }
            ?? (text, "")
        let types: [String: Wire.ParticipantType] = [
            "customer": .customer, "human_agent": .humanAgent, "agent": .humanAgent, "ai_agent": .aiAgent,
            "ai": .aiAgent, "system": .system, "unknown": .unknown,
        ]
        guard let type = types[kind.lowercased()] else {
            throw .usage(
                "\(option): the type must be customer, human_agent, ai_agent, system or unknown; got '\(kind)'")
        }
        var p = Wire.Participant()
        p.type = type
        p.address = address
        return p
    }

    static let channels: [String: Wire.Channel] = [
        "voice": .voice, "sms": .sms, "rcs": .rcs, "email": .email, "whatsapp": .whatsapp, "chat": .chat, "api": .api,
        "system": .system,
    ]

    static func channel(_ text: String, option: String) throws(CLIError) -> Wire.Channel {
        guard let channel = channels[text.lowercased()] else {
            throw .usage("\(option) must be one of \(channels.keys.sorted().joined(separator: ", ")); got '\(text)'")
        }
        return channel
    }

    struct Append: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append one message to a conversation (created when new).",
            discussion: """
                Without --profile, the conversation's profile is the one it already has, or the one \
                identity resolution finds for the customer's address (--from customer:+15550100 on \
                voice or sms resolves by phone).
                """)
        @Argument(help: "The message text.") var text: String
        @Option(help: "The conversation id.") var conversation: String
        @Option(help: "The profile id (optional).") var profile: String?
        @Option(help: "Who wrote it: TYPE[:ADDRESS], e.g. customer:+15550100 or ai_agent:bot.") var from = "customer"
        @Option(help: "A recipient, TYPE[:ADDRESS] (repeatable).") var to: [String] = []
        @Option(help: "voice, sms, rcs, email, whatsapp, chat, api or system.") var channel = "chat"
        @Option(help: "The message's own id (a retry with the same id is stored once).") var id: String?
        @Option(help: "When it was sent: ISO 8601 or an age like 5m (default now).") var at: String?
        @Flag(help: "Close the conversation afterwards.") var close = false
        @OptionGroup var store: StoreOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let storeID = try store.storeID()
            let author = try ConversationCommand.participant(from, option: "--from")
            let recipients = try to.map { (text) throws(CLIError) in
                try ConversationCommand.participant(text, option: "--to")
            }
            let channel = try ConversationCommand.channel(channel, option: "--channel")
            let created = try at.map { try TimeInput.parse($0, option: "--at") } ?? 0
            var message = Wire.Communication()
            message.id = id ?? ""
            message.author = author
            message.recipients = recipients
            message.channel = channel
            message.text = text
            message.createdAtUs = created
            let response = try await connection.withClient { client in
                try await client.appendCommunications(
                    .with {
                        $0.storeId = storeID
                        $0.conversationId = conversation
                        $0.profileId = profile ?? ""
                        $0.communications = [message]
                        $0.close = close
                    })
            }
            let c = response.conversation ?? Wire.Conversation()
            output.emit(
                [
                    "conversation": c.json, "communication_ids": .of(response.communicationIds),
                    "added": .of(response.added), "profile_id": .of(response.profileId),
                    "resolve_outcome": .of(response.resolveOutcome.shortName),
                    "log_sequence": .of(response.logSequence),
                ],
                "\(response.added == 1 ? "appended" : "already stored") \(response.communicationIds.first ?? "") to \(c.id) (profile \(response.profileId), \(c.state.shortName), \(c.messageCount) messages)"
            )
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a conversation; its store's extractor then turns it into observations and a summary.")
        @Argument(help: "The conversation id.") var conversation: String
        @Option(help: "The profile id (optional).") var profile: String?
        @Flag(help: "Wait until the extraction has finished (EXTRACTED or FAILED).") var wait = false
        @Option(help: "With --wait: give up after this many seconds.") var waitSeconds = 60.0
        @OptionGroup var store: StoreOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let storeID = try store.storeID()
            let conversation = try await connection.withClient { client in
                var c =
                    try await client.closeConversation(
                        .with {
                            $0.storeId = storeID
                            $0.conversationId = self.conversation
                            $0.profileId = profile ?? ""
                        }
                    ).conversation ?? Wire.Conversation()
                if wait {
                    let deadline = ContinuousClock.now + .milliseconds(Int(waitSeconds * 1000))
                    while c.state == .closed || c.state == .extracting {
                        guard ContinuousClock.now < deadline else {
                            throw CLIError(
                                "the extraction did not finish within \(waitSeconds) s (\(c.state.shortName))")
                        }
                        try await Task.sleep(for: .milliseconds(50))
                        c =
                            try await client.getConversation(
                                .with {
                                    $0.storeId = storeID
                                    $0.conversationId = self.conversation
                                    $0.profileId = c.profileId
                                }
                            ).conversation ?? c
                    }
                }
                return c
            }
            output.emit(conversation.json, ConversationCommand.details(conversation))
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a conversation: its state and what it produced.")
        @Argument(help: "The conversation id.") var conversation: String
        @Option(help: "The profile id (optional).") var profile: String?
        @OptionGroup var store: StoreOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let storeID = try store.storeID()
            let response = try await connection.withClient { client in
                try await client.getConversation(
                    .with {
                        $0.storeId = storeID
                        $0.conversationId = conversation
                        $0.profileId = profile ?? ""
                    })
            }
            let c = response.conversation ?? Wire.Conversation()
            output.emit(c.json, ConversationCommand.details(c))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List conversations, the latest message first: a profile's, or the whole store's.")
        @Option(help: "The profile id; the whole store without it.") var profile: String?
        @Option(help: "open, closed, extracting, extracted, failed or all.") var state = "all"
        @Option(help: "At most this many (all pages are fetched up to it).") var limit = 100
        @OptionGroup var store: StoreOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        static let states: [String: Wire.ConversationState] = [
            "open": .open, "closed": .closed, "extracting": .extracting, "extracted": .extracted, "failed": .failed,
            "all": .unspecified,
        ]

        func validate() throws {
            guard Self.states[state] != nil else {
                throw ValidationError("--state must be open, closed, extracting, extracted, failed or all")
            }
            guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            let storeID = try store.storeID()
            var all: [Wire.Conversation] = []
            try await connection.withClient { client in
                var token = ""
                while all.count < limit {
                    let page = try await client.listConversations(
                        .with {
                            $0.storeId = storeID
                            $0.profileId = profile ?? ""
                            $0.state = Self.states[state]!
                            $0.pageToken = token
                            $0.pageSize = UInt32(min(1_000, limit - all.count))
                        })
                    all += page.conversations
                    token = page.nextPageToken
                    if token.isEmpty || page.conversations.isEmpty { break }
                }
            }
            output.emit(
                ["conversations": .array(all.map(\.json))],
                all.isEmpty ? "no conversations" : ConversationCommand.table(all))
        }
    }
}

/// `engram communications`: a profile's or a conversation's messages, newest first.
struct CommunicationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "communications", abstract: "List messages, newest first: a profile's or one conversation's.")
    @Option(help: "The profile id.") var profile: String?
    @Option(help: "The conversation id.") var conversation: String?
    @Option(help: "Only those sent at or after this time (ISO 8601 or an age like 7d).") var since: String?
    @Option(help: "Only those sent before this time.") var until: String?
    @Option(help: "At most this many (all pages are fetched up to it).") var limit = 100
    @OptionGroup var store: StoreOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if profile == nil && conversation == nil { throw ValidationError("give --profile or --conversation") }
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let storeID = try store.storeID()
        let now = Date()
        let after = try since.map { try TimeInput.parse($0, option: "--since", now: now) } ?? 0
        let before = try until.map { try TimeInput.parse($0, option: "--until", now: now) } ?? 0
        var all: [Wire.Communication] = []
        var profileID = profile ?? ""
        try await connection.withClient { client in
            var token = ""
            while all.count < limit {
                let page = try await client.listCommunications(
                    .with {
                        $0.storeId = storeID
                        $0.profileId = profile ?? ""
                        $0.conversationId = conversation ?? ""
                        $0.createdAfterUs = after
                        $0.createdBeforeUs = before
                        $0.pageToken = token
                        $0.pageSize = UInt32(min(1_000, limit - all.count))
                    })
                all += page.communications
                profileID = page.profileId
                token = page.nextPageToken
                if token.isEmpty || page.communications.isEmpty { break }
            }
        }
        var t = TextTable(["ID", "CONVERSATION", "SENT", "CHANNEL", "FROM", "TEXT"])
        for m in all {
            let from =
                m.author.map { $0.address.isEmpty ? $0.type.shortName : "\($0.type.shortName):\($0.address)" } ?? ""
            t.add([m.id, m.conversationId, TimeInput.format(m.createdAtUs), m.channel.shortName, from, m.text])
        }
        output.emit(
            ["profile_id": .of(profileID), "communications": .array(all.map(\.json))],
            all.isEmpty ? "no messages" : t.rendered())
    }
}
