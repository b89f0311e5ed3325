import EngramCLI
import EngramClient
import EngramWire
import Foundation
import MCP

/// The tools `engram-mcp` offers a model: each maps onto one or two calls of the method table
/// through `EngramClient`, so every rule stays the server's. Results are the calls' answers as
/// JSON text; a failure is a tool error carrying the server's status and message.
public struct EngramTools: Sendable {
    public let client: EngramClient
    /// The store every tool works in.
    public let storeID: String

    public init(client: EngramClient, storeID: String) {
        self.client = client
        self.storeID = storeID
    }

    /// A tool call the arguments do not allow: answered as a tool error naming the argument.
    struct ArgumentError: Error, CustomStringConvertible {
        var description: String
    }

    // MARK: Definitions

    private static let customerProperties: [String: Value] = [
        "profile_id": .object([
            "type": "string", "description": "The customer's profile id (pr_...), from resolve_customer.",
        ]),
        "identifier": .object([
            "type": "object",
            "description":
                "Instead of profile_id: one of the customer's identifiers, e.g. {\"type\": \"phone\", \"value\": \"+14155550100\"}.",
            "properties": .object([
                "type": .object(["type": "string", "description": "email, phone, whatsapp or chat"]),
                "value": .object(["type": "string"]),
            ]),
            "required": .array(["type", "value"]),
        ]),
    ]

    /// The tools, with JSON schemas and descriptions written for a model.
    public static let definitions: [Tool] = [
        Tool(
            name: "resolve_customer",
            description: """
                Find the customer who owns these identifiers (email, phone, WhatsApp number, chat id), \
                creating a profile if none matches and merging profiles the identifiers show are one \
                person. Returns the profile: its id, identifiers and traits. Call it at the start of a \
                conversation with whatever identifies the caller.
                """,
            inputSchema: .object([
                "type": "object",
                "properties": .object([
                    "identifiers": .object([
                        "type": "array", "minItems": 1,
                        "items": .object([
                            "type": "object",
                            "properties": .object([
                                "type": .object(["type": "string", "description": "email, phone, whatsapp or chat"]),
                                "value": .object(["type": "string"]),
                            ]),
                            "required": .array(["type", "value"]),
                        ]),
                    ]),
                    "traits": .object([
                        "type": "object",
                        "description":
                            "Optional trait groups to set, e.g. {\"Contact\": {\"first_name\": \"Ada\"}}. Values are strings, numbers, booleans, lists of strings, or null to remove.",
                    ]),
                ]),
                "required": .array(["identifiers"]),
            ])),
        Tool(
            name: "recall_memory",
            description: """
                Recall what is known about a customer that matters for the current turn: the most \
                relevant observations and conversation summaries for a query (or the newest ones \
                without a query), with scores, plus the customer's traits. Call it before answering.
                """,
            inputSchema: .object([
                "type": "object",
                "properties": .object(
                    customerProperties.merging([
                        "query": .object([
                            "type": "string",
                            "description":
                                "What the customer is asking about, in their words. Omit for the newest memories.",
                        ]),
                        "limit": .object([
                            "type": "integer", "minimum": 1, "maximum": 100,
                            "description": "How many observations to return (default 10).",
                        ]),
                    ]) { a, _ in a }),
            ])),
        Tool(
            name: "remember",
            description: """
                Store one fact learned about the customer ("prefers email over phone", "moving to \
                Lisbon in May"). A fact that repeats one already stored is recognised and counted, \
                not stored twice. With an identifier instead of a profile id, the customer is \
                resolved (created if new) first.
                """,
            inputSchema: .object([
                "type": "object",
                "properties": .object(
                    customerProperties.merging([
                        "content": .object([
                            "type": "string", "description": "The fact, as one short self-contained sentence.",
                        ]),
                        "source": .object([
                            "type": "string", "description": "Where it came from, e.g. voice-agent (default mcp).",
                        ]),
                    ]) { a, _ in a }),
                "required": .array(["content"]),
            ])),
        Tool(
            name: "append_messages",
            description: """
                Add the messages of a conversation as they happen (the customer's and the agent's), so                 they are kept, searchable, and turned into facts when the conversation closes. Give                 the customer as profile_id or identifier, or let the customer message's address find                 them (a phone number on voice or sms, an e-mail address on email). Set close to true                 when the conversation ends: the server then extracts the facts and a summary. A                 message sent again with the same id is stored once.
                """,
            inputSchema: .object([
                "type": "object",
                "properties": .object(
                    customerProperties.merging([
                        "conversation_id": .object([
                            "type": "string", "description": "The conversation's id (the call or chat session id).",
                        ]),
                        "channel": .object([
                            "type": "string",
                            "enum": .array(["voice", "sms", "rcs", "email", "whatsapp", "chat", "api"]),
                            "description": "Where the conversation happens (default chat).",
                        ]),
                        "messages": .object([
                            "type": "array", "minItems": 1, "maxItems": 1000,
                            "items": .object([
                                "type": "object",
                                "properties": .object([
                                    "role": .object([
                                        "type": "string", "enum": .array(["customer", "agent", "ai_agent", "system"]),
                                        "description": "Who wrote it.",
                                    ]),
                                    "text": .object(["type": "string"]),
                                    "address": .object([
                                        "type": "string",
                                        "description": "The author's phone number, e-mail address or id (optional).",
                                    ]),
                                    "id": .object([
                                        "type": "string", "description": "The message's own id, if it has one.",
                                    ]),
                                ]),
                                "required": .array(["role", "text"]),
                            ]),
                        ]),
                        "close": .object([
                            "type": "boolean", "description": "Close the conversation after these messages.",
                        ]),
                    ]) { a, _ in a }),
                "required": .array(["conversation_id", "messages"]),
            ])),
        Tool(
            name: "get_profile",
            description: "A customer's profile: identifiers, traits, and how many observations it holds.",
            inputSchema: .object(["type": "object", "properties": .object(customerProperties)])),
        Tool(
            name: "search_knowledge",
            description: """
                Search the business's own documents (FAQs, policies, product docs) for the passages \
                that answer a question, best first, each with its document title and section. Use it \
                for facts about the business, not about the customer (recall_memory is for those).
                """,
            inputSchema: .object([
                "type": "object",
                "properties": .object([
                    "query": .object([
                        "type": "string",
                        "description": "The question, in the customer's words (at most 2,048 characters).",
                    ]),
                    "knowledge_base_ids": .object([
                        "type": "array", "items": .object(["type": "string"]),
                        "description": "Knowledge bases to search (kb_...); omit to search all of the store's.",
                    ]),
                    "top": .object([
                        "type": "integer", "minimum": 1, "maximum": 20,
                        "description": "How many passages to return (default 5).",
                    ]),
                ]),
                "required": .array(["query"]),
            ])),
    ]

    // MARK: Calls

    /// Runs tool `name`; never throws: failures are tool errors with a message for the model.
    public func call(_ name: String, _ arguments: [String: Value]) async -> CallTool.Result {
        do {
            let answer: JSONValue
            switch name {
            case "resolve_customer": answer = try await resolveCustomer(arguments)
            case "recall_memory": answer = try await recallMemory(arguments)
            case "remember": answer = try await remember(arguments)
            case "get_profile": answer = try await getProfile(arguments)
            case "append_messages": answer = try await appendMessages(arguments)
            case "search_knowledge": answer = try await searchKnowledge(arguments)
            default:
                throw ArgumentError(
                    description:
                        "unknown tool \"\(name)\"; the tools are \(Self.definitions.map(\.name).joined(separator: ", "))"
                )
            }
            return .init(content: [.text(text: answer.rendered(), annotations: nil, _meta: nil)], isError: false)
        } catch let error as EngramClientError {
            var text = "\(error.code): \(error.message)"
            for violation in error.fieldViolations where !error.message.contains(violation.description) {
                text += "\n- \(violation.field): \(violation.description)"
            }
            return .init(content: [.text(text: text, annotations: nil, _meta: nil)], isError: true)
        } catch let error as ArgumentError {
            return .init(content: [.text(text: error.description, annotations: nil, _meta: nil)], isError: true)
        } catch {
            return .init(content: [.text(text: "\(name): \(error)", annotations: nil, _meta: nil)], isError: true)
        }
    }

    private func resolveCustomer(_ arguments: [String: Value]) async throws -> JSONValue {
        guard case .array(let list)? = arguments["identifiers"], !list.isEmpty else {
            throw ArgumentError(
                description: "resolve_customer: 'identifiers' must be a non-empty array of {type, value}")
        }
        var request = Wire.ResolveIdentityRequest()
        request.storeId = storeID
        request.identifiers = try list.enumerated().map { i, item in
            try Self.identifier(item, path: "identifiers[\(i)]")
        }
        if let traits = arguments["traits"] { request.traits = try Self.traits(traits) }
        return try await client.resolveIdentity(request).json
    }

    private func recallMemory(_ arguments: [String: Value]) async throws -> JSONValue {
        var request = Wire.RecallRequest()
        request.storeId = storeID
        switch try customer(arguments, tool: "recall_memory") {
        case .profile(let id): request.profileId = id
        case .identifier(let identifier): request.identifier = identifier
        }
        if let query = arguments["query"] {
            guard case .string(let text) = query else {
                throw ArgumentError(description: "recall_memory: 'query' must be a string")
            }
            request.query = text
        }
        request.observationsLimit = UInt32(
            try Self.integer(arguments["limit"], "recall_memory: 'limit'", 1...100) ?? 10)
        request.summariesLimit = 5
        request.communicationsLimit = 0
        return try await client.recall(request).json
    }

    private func searchKnowledge(_ arguments: [String: Value]) async throws -> JSONValue {
        guard case .string(let query)? = arguments["query"], !query.isEmpty else {
            throw ArgumentError(
                description: "search_knowledge: 'query' is required: the question, as a non-empty string")
        }
        var request = Wire.SearchKnowledgeRequest()
        request.storeId = storeID
        request.query = query
        request.top = UInt32(try Self.integer(arguments["top"], "search_knowledge: 'top'", 1...20) ?? 5)
        if let given = arguments["knowledge_base_ids"] {
            guard case .array(let list) = given else {
                throw ArgumentError(description: "search_knowledge: 'knowledge_base_ids' must be an array of strings")
            }
            request.knowledgeBaseIds = try list.map { item in
                guard case .string(let id) = item else {
                    throw ArgumentError(
                        description: "search_knowledge: 'knowledge_base_ids' must be an array of strings")
                }
                return id
            }
        }
        let found = try await client.call(Methods.searchKnowledge, request)
        return ["results": .array(found.chunks.map(\.json))]
    }

    private func remember(_ arguments: [String: Value]) async throws -> JSONValue {
        guard case .string(let content)? = arguments["content"], !content.isEmpty else {
            throw ArgumentError(description: "remember: 'content' is required: the fact, as a non-empty string")
        }
        var source = "mcp"
        if let given = arguments["source"] {
            guard case .string(let text) = given else {
                throw ArgumentError(description: "remember: 'source' must be a string")
            }
            source = text
        }
        let profileID: String
        switch try customer(arguments, tool: "remember") {
        case .profile(let id): profileID = id
        case .identifier(let identifier):
            var resolve = Wire.ResolveIdentityRequest()
            resolve.storeId = storeID
            resolve.identifiers = [identifier]
            profileID = try await client.resolveIdentity(resolve).profile?.id ?? ""
        }
        var request = Wire.ObserveRequest()
        request.storeId = storeID
        request.profileId = profileID
        var observation = Wire.NewObservation()
        observation.content = content
        observation.source = source
        observation.occurredAtUs = Int64(Date().timeIntervalSince1970 * 1_000_000)
        request.observations = [observation]
        return try await client.observe(request).json
    }

    private func appendMessages(_ arguments: [String: Value]) async throws -> JSONValue {
        guard case .string(let conversation)? = arguments["conversation_id"], !conversation.isEmpty else {
            throw ArgumentError(description: "append_messages: 'conversation_id' is required: a non-empty string")
        }
        var channel = Wire.Channel.chat
        if let given = arguments["channel"] {
            let channels: [String: Wire.Channel] = [
                "voice": .voice, "sms": .sms, "rcs": .rcs, "email": .email, "whatsapp": .whatsapp, "chat": .chat,
                "api": .api,
            ]
            guard case .string(let name) = given, let known = channels[name] else {
                throw ArgumentError(
                    description:
                        "append_messages: 'channel' must be one of \(channels.keys.sorted().joined(separator: ", "))")
            }
            channel = known
        }
        guard case .array(let list)? = arguments["messages"], !list.isEmpty else {
            throw ArgumentError(description: "append_messages: 'messages' must be a non-empty array of {role, text}")
        }
        let roles: [String: Wire.ParticipantType] = [
            "customer": .customer, "agent": .humanAgent, "ai_agent": .aiAgent, "system": .system,
        ]
        var request = Wire.AppendCommunicationsRequest()
        request.storeId = storeID
        request.conversationId = conversation
        if arguments["profile_id"] != nil || arguments["identifier"] != nil {
            switch try customer(arguments, tool: "append_messages") {
            case .profile(let id): request.profileId = id
            case .identifier(let identifier):
                var resolve = Wire.ResolveIdentityRequest()
                resolve.storeId = storeID
                resolve.identifiers = [identifier]
                request.profileId = try await client.resolveIdentity(resolve).profile?.id ?? ""
            }
        }
        for (i, item) in list.enumerated() {
            guard case .object(let fields) = item, case .string(let role)? = fields["role"], let type = roles[role],
                case .string(let text)? = fields["text"]
            else {
                throw ArgumentError(
                    description:
                        "append_messages: 'messages[\(i)]' must be {\"role\": customer|agent|ai_agent|system, \"text\": string}"
                )
            }
            var message = Wire.Communication()
            var author = Wire.Participant()
            author.type = type
            if case .string(let address)? = fields["address"] { author.address = address }
            message.author = author
            message.channel = channel
            message.text = text
            if case .string(let id)? = fields["id"] { message.id = id }
            request.communications.append(message)
        }
        if case .bool(let close)? = arguments["close"] { request.close = close }
        let response = try await client.appendCommunications(request)
        return [
            "profile_id": .of(response.profileId), "added": .of(response.added),
            "communication_ids": .of(response.communicationIds),
            "conversation": response.conversation?.json ?? .null,
        ]
    }

    private func getProfile(_ arguments: [String: Value]) async throws -> JSONValue {
        var request = Wire.GetProfileRequest()
        request.storeId = storeID
        switch try customer(arguments, tool: "get_profile") {
        case .profile(let id): request.profileId = id
        case .identifier(let identifier):
            var lookup = Wire.LookupProfilesRequest()
            lookup.storeId = storeID
            lookup.identifier = identifier
            let found = try await client.lookupProfiles(lookup)
            guard found.profiles.count == 1, let profile = found.profiles.first else {
                throw ArgumentError(
                    description: found.profiles.isEmpty
                        ? "get_profile: no customer holds \(identifier.type) \(identifier.value); use resolve_customer"
                        : "get_profile: \(found.profiles.count) customers hold \(identifier.type) \(identifier.value); give a profile_id"
                )
            }
            return profile.json
        }
        return try await client.getProfile(request).profile?.json ?? .null
    }

    // MARK: Arguments

    private enum Customer {
        case profile(String)
        case identifier(Wire.Identifier)
    }

    private func customer(_ arguments: [String: Value], tool: String) throws -> Customer {
        switch (arguments["profile_id"], arguments["identifier"]) {
        case (.string(let id)?, nil) where !id.isEmpty: return .profile(id)
        case (nil, let identifier?): return .identifier(try Self.identifier(identifier, path: "identifier"))
        case (_?, _?): throw ArgumentError(description: "\(tool): give 'profile_id' or 'identifier', not both")
        default:
            throw ArgumentError(
                description: "\(tool): give the customer as 'profile_id' (a string) or 'identifier' ({type, value})")
        }
    }

    private static func identifier(_ value: Value, path: String) throws -> Wire.Identifier {
        guard case .object(let fields) = value, case .string(let type)? = fields["type"],
            case .string(let text)? = fields["value"]
        else { throw ArgumentError(description: "'\(path)' must be an object {\"type\": string, \"value\": string}") }
        return Wire.Identifier(type: type, value: text)
    }

    private static func integer(_ value: Value?, _ what: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let value else { return nil }
        let number: Int?
        switch value {
        case .int(let n): number = n
        case .double(let d) where d == d.rounded() && abs(d) < 1e9: number = Int(d)
        default: number = nil
        }
        guard let number, range.contains(number) else {
            throw ArgumentError(
                description: "\(what) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private static func traits(_ value: Value) throws -> [String: Wire.TraitGroup] {
        guard case .object(let groups) = value else {
            throw ArgumentError(
                description: "'traits' must be an object of groups, e.g. {\"Contact\": {\"first_name\": \"Ada\"}}")
        }
        var result: [String: Wire.TraitGroup] = [:]
        for (group, entries) in groups {
            guard case .object(let fields) = entries else {
                throw ArgumentError(description: "'traits.\(group)' must be an object of trait names to values")
            }
            var traits: [String: Wire.TraitValue] = [:]
            for (name, raw) in fields {
                let kind: Wire.TraitValue.Kind
                switch raw {
                case .string(let s): kind = .stringValue(s)
                case .int(let n): kind = .integerValue(Int64(n))
                case .double(let d): kind = .numberValue(d)
                case .bool(let b): kind = .boolValue(b)
                case .null: kind = .nullValue(true)
                case .array(let items):
                    let strings = items.compactMap { item -> String? in
                        if case .string(let s) = item { return s }
                        return nil
                    }
                    guard strings.count == items.count else {
                        throw ArgumentError(description: "'traits.\(group).\(name)': a list holds strings only")
                    }
                    kind = .listValue(Wire.StringList(strings))
                default:
                    throw ArgumentError(
                        description:
                            "'traits.\(group).\(name)' must be a string, number, boolean, list of strings or null")
                }
                traits[name] = Wire.TraitValue(kind)
            }
            result[group] = Wire.TraitGroup(traits)
        }
        return result
    }
}
