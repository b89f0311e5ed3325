import EngramClient
import EngramWire
import Foundation

/// Imports conversations from a JSON Lines file: each line one conversation
/// (`{"conversation_id", "profile_id"?, "close"?, "messages": [...]}`) or one message with its
/// `conversation_id` (consecutive lines of one conversation are sent together). A message is
/// `{"id"?, "from": "customer:+15550100" | "author": {"type", "address"}, "to"?: [...],
/// "channel", "text", "at"? (RFC 3339 or an age like 2h) | "created_at_us"?}`. Conversations
/// close after their last line unless `"close": false`. Lines that cannot be read, and calls the
/// server refuses, are rejected with the line number and the reason; the rest go in.
struct ConversationImporter {
    struct Summary: Sendable {
        var conversations = 0
        var messages = 0
        var added = 0
        var rejected = 0
        var rejectsPath: String?
        var seconds = 0.0

        var json: JSONValue {
            [
                "conversations": .of(conversations), "messages": .of(messages), "added": .of(added),
                "rejected": .of(rejected), "rejects_file": rejectsPath.map { .of($0) } ?? .null,
                "seconds": .of(seconds),
            ]
        }

        var text: String {
            var line =
                "imported \(conversations.formatted()) conversations: \(messages.formatted()) messages (\(added.formatted()) new) in \(String(format: "%.1f", seconds)) s"
            if rejected > 0, let rejectsPath { line += "; \(rejected.formatted()) rejected, see \(rejectsPath)" }
            return line
        }
    }

    /// One conversation's messages, as read.
    struct Batch {
        var conversationID: String
        var profileID: String
        var close: Bool
        var messages: [Wire.Communication]
        var line: Int
        /// The line held one message (not a `messages` list): such lines of one conversation
        /// are sent together.
        var isSingleMessage = false
    }

    let path: String
    let storeID: String
    let rejectsPath: String

    func run(client: EngramClient, progress: (@Sendable (ImportProgress) -> Void)?) async throws -> Summary {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("cannot read \(path)")
        }
        let started = ContinuousClock.now
        var summary = Summary()
        var rejects: [String] = []
        var pending: Batch?
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var offset = 0
        for (index, raw) in lines.enumerated() {
            offset += raw.count + 1
            let number = index + 1
            if raw.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            let batch: Batch
            do {
                batch = try Self.parse(Data(raw), line: number)
            } catch {
                summary.rejected += 1
                rejects.append("line \(number): \(error.message)")
                continue
            }
            if var current = pending, current.conversationID == batch.conversationID,
                current.profileID == batch.profileID, batch.isSingleMessage, current.isSingleMessage
            {
                current.messages += batch.messages
                current.close = current.close && batch.close
                pending = current
                continue
            }
            if let current = pending {
                await send(current, client: client, summary: &summary, rejects: &rejects)
                progress?(progressAt(summary, started, offset, of: data.count, done: false))
            }
            pending = batch
        }
        if let current = pending { await send(current, client: client, summary: &summary, rejects: &rejects) }
        summary.seconds = (ContinuousClock.now - started).seconds
        if !rejects.isEmpty {
            try (rejects.joined(separator: "\n") + "\n").write(toFile: rejectsPath, atomically: true, encoding: .utf8)
            summary.rejectsPath = rejectsPath
        }
        progress?(progressAt(summary, started, data.count, of: data.count, done: true))
        return summary
    }

    func progressAt(_ summary: Summary, _ started: ContinuousClock.Instant, _ offset: Int, of total: Int, done: Bool)
        -> ImportProgress
    {
        ImportProgress(
            rows: summary.messages, rejected: summary.rejected, elapsed: ContinuousClock.now - started,
            fraction: total == 0 ? 1 : min(1, Double(offset) / Double(total)), done: done)
    }

    /// Sends one conversation's messages, 1,000 a call; the last call closes it if asked.
    func send(_ batch: Batch, client: EngramClient, summary: inout Summary, rejects: inout [String]) async {
        var start = 0
        repeat {
            let end = min(start + 1_000, batch.messages.count)
            var request = Wire.AppendCommunicationsRequest()
            request.storeId = storeID
            request.conversationId = batch.conversationID
            request.profileId = batch.profileID
            request.communications = Array(batch.messages[start..<end])
            request.close = batch.close && end == batch.messages.count
            do {
                let response = try await client.appendCommunications(request)
                summary.added += Int(response.added)
                summary.messages += end - start
            } catch {
                summary.rejected += 1
                rejects.append("line \(batch.line): conversation \(batch.conversationID): \(error)")
            }
            start = end
        } while start < batch.messages.count
        summary.conversations += 1
    }

    static func parse(_ line: Data, line number: Int) throws(CLIError) -> Batch {
        guard let object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] else {
            throw CLIError("not a JSON object")
        }
        guard let conversation = object["conversation_id"] as? String, !conversation.isEmpty else {
            throw CLIError("\"conversation_id\" is required (a non-empty string)")
        }
        let profile = object["profile_id"] as? String ?? ""
        let close = object["close"] as? Bool ?? true
        var messages: [Wire.Communication] = []
        if let list = object["messages"] {
            guard let list = list as? [[String: Any]], !list.isEmpty else {
                throw CLIError("\"messages\" must be a non-empty array of objects")
            }
            for (i, item) in list.enumerated() { messages.append(try message(item, path: "messages[\(i)]")) }
        } else {
            messages = [try message(object, path: "the message")]
        }
        return Batch(
            conversationID: conversation, profileID: profile, close: close, messages: messages, line: number,
            isSingleMessage: object["messages"] == nil)
    }

    static func message(_ object: [String: Any], path: String) throws(CLIError) -> Wire.Communication {
        var m = Wire.Communication()
        m.id = object["id"] as? String ?? ""
        if let from = object["from"] as? String {
            m.author = try ConversationCommand.participant(from, option: "\(path).from")
        } else if let author = object["author"] as? [String: Any] {
            m.author = try participant(author, path: "\(path).author")
        } else {
            throw CLIError("\(path): give \"from\": \"customer:ADDRESS\" or \"author\": {\"type\", \"address\"}")
        }
        if let to = object["to"] as? [String] {
            for (i, text) in to.enumerated() {
                m.recipients.append(try ConversationCommand.participant(text, option: "\(path).to[\(i)]"))
            }
        } else if let recipients = object["recipients"] as? [[String: Any]] {
            for (i, r) in recipients.enumerated() {
                m.recipients.append(try participant(r, path: "\(path).recipients[\(i)]"))
            }
        }
        guard let channel = object["channel"] as? String else {
            throw CLIError("\(path): \"channel\" is required (voice, sms, rcs, email, whatsapp, chat, api, system)")
        }
        m.channel = try ConversationCommand.channel(channel, option: "\(path).channel")
        guard let text = object["text"] as? String else { throw CLIError("\(path): \"text\" is required") }
        m.text = text
        if let at = object["at"] as? String {
            m.createdAtUs = try TimeInput.parse(at, option: "\(path).at")
        } else if let us = object["created_at_us"] as? Int64 ?? (object["created_at_us"] as? Int).map(Int64.init) {
            m.createdAtUs = us
        }
        return m
    }

    static func participant(_ object: [String: Any], path: String) throws(CLIError) -> Wire.Participant {
        let type = object["type"] as? String ?? ""
        var p = try ConversationCommand.participant(type, option: "\(path).type")
        p.address = object["address"] as? String ?? ""
        return p
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
