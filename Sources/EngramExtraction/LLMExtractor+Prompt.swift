import EngramCore
import Foundation

/// The Chat Completions request: instructions, the profile's facts, the transcript, and the
/// JSON schema the answer must match.
enum LLMPrompt {
    static let instructions = """
        You maintain a memory of durable facts about a customer, for the agents (human or AI) who \
        will talk to them next. From the conversation below, extract what the CUSTOMER states \
        about themselves that will still matter later: preferences (contact channel, language, \
        products), contact details, personal facts, plans and dates, requests and complaints \
        with their status. Ignore greetings, small talk and what the agent says about itself. \
        Resolve relative dates ("yesterday", "next week") against the message times given.

        Compare each fact with the customer's known facts:
        - "add": new information. Give a short subject key in lower_snake dotted form (e.g. \
        "preference.contact_channel", "personal.location") when a later fact of the same kind \
        should replace it; otherwise an empty subject.
        - "update": a newer value of a known fact (e.g. "prefers SMS" after "prefers email"). \
        Put that fact's id in "replaces"; it will be superseded.
        - "none": already known with nothing new; it will not be written.
        Write each fact as one short sentence in the third person ("The customer prefers SMS \
        for updates."). "message_ids" lists the ids of the messages the fact comes from; use \
        only ids shown in the transcript. Then write a summary of the conversation in at most \
        three sentences: why the customer got in touch, what was done, what is still open.
        Answer with JSON only, matching the schema.
        """

    /// The answer's schema (OpenAI's `response_format: json_schema`, strict).
    static var schema: [String: Any] {
        [
            "type": "object", "additionalProperties": false, "required": ["facts", "summary"],
            "properties": [
                "facts": [
                    "type": "array",
                    "items": [
                        "type": "object", "additionalProperties": false,
                        "required": ["action", "content", "subject", "replaces", "message_ids"],
                        "properties": [
                            "action": ["type": "string", "enum": ["add", "update", "none"]],
                            "content": ["type": "string"],
                            "subject": ["type": "string"],
                            "replaces": ["type": "string"],
                            "message_ids": ["type": "array", "items": ["type": "string"]],
                        ],
                    ],
                ],
                "summary": ["type": "string"],
            ],
        ]
    }

    static func requestBody(for job: ExtractionJob, configuration: LLMExtractor.Configuration) throws(ExtractionError)
        -> [UInt8]
    {
        let known = job.activeObservations.suffix(configuration.maxProfileFacts).reversed().map { o in
            "- id=\(o.id) subject=\(o.subjectKey ?? "") : \(o.content)"
        }
        var lines: [String] = []
        var budget = configuration.maxTranscriptCharacters
        // The newest messages are kept when the transcript is too long for the budget.
        for message in job.messages.reversed() {
            let who =
                message.authorType == .customer
                ? "customer" + (message.authorAddress.isEmpty ? "" : " \(message.authorAddress)")
                : message.authorType.rawValue
            let mark = job.newMessageIDs.contains(message.id) ? "" : " (already extracted)"
            let line = "[\(message.id)] \(RelativeDates.timestamp(message.createdAt)) \(who)\(mark): \(message.text)"
            budget -= line.count
            if budget < 0 { break }
            lines.append(line)
        }
        let user = """
            Known facts about this customer:
            \(known.isEmpty ? "(none)" : known.joined(separator: "\n"))

            Conversation \(job.key.conversationID) (extract facts only from messages not marked already extracted):
            \(lines.reversed().joined(separator: "\n"))
            """
        let body: [String: Any] = [
            "model": configuration.model, "temperature": 0,
            "messages": [["role": "system", "content": instructions], ["role": "user", "content": user]],
            "response_format": [
                "type": "json_schema",
                "json_schema": ["name": "conversation_memory", "strict": true, "schema": schema],
            ],
        ]
        do {
            return Array(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
        } catch {
            throw ExtractionError("llm: cannot encode the request: \(error)")
        }
    }
}

extension RelativeDates {
    /// "2023-05-08 13:56 UTC".
    static func timestamp(_ time: Int64) -> String {
        let p = components(time)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(1900 + Int(p.tm_year))-\(two(p.tm_mon + 1))-\(two(p.tm_mday)) \(two(p.tm_hour)):\(two(p.tm_min)) UTC"
    }
}

/// Reading the model's answer. Anything but the JSON asked for is an error naming what is
/// wrong, so the conversation ends FAILED with it.
enum LLMAnswer {
    /// The assistant message's text in a Chat Completions response.
    static func content(ofCompletion text: String) throws(ExtractionError) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw ExtractionError("llm: the response is not a JSON object: \(LLMExtractor.excerpt(text))")
        }
        guard let choices = object["choices"] as? [[String: Any]], let first = choices.first,
            let message = first["message"] as? [String: Any]
        else {
            throw ExtractionError("llm: the response has no choices[0].message: \(LLMExtractor.excerpt(text))")
        }
        if let refusal = message["refusal"] as? String, !refusal.isEmpty {
            throw ExtractionError("llm: the model refused: \(LLMExtractor.excerpt(refusal))")
        }
        guard let content = message["content"] as? String, !content.isEmpty else {
            throw ExtractionError("llm: choices[0].message.content is empty")
        }
        return content
    }

    /// A model's subject as a key the engine accepts: lower case, spaces as underscores, only
    /// letters, digits and `_ . - :`, at most 128; nil when nothing is left.
    static func subjectKey(_ text: String) -> String? {
        var key = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar == " " {
                key += "_"
            } else if scalar.isASCII,
                scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_.-:".unicodeScalars.contains(scalar)
            {
                key.unicodeScalars.append(scalar)
            }
        }
        key = String(key.prefix(128))
        return key.isEmpty ? nil : key
    }

    /// The facts and summary of an answer, checked against the job.
    static func parse(_ content: String, job: ExtractionJob) throws(ExtractionError) -> ExtractionOutput {
        var text = content.trimmingCharacters(in: .whitespacesAndNewlines)
        // Some models wrap JSON in a Markdown fence despite being told not to.
        if text.hasPrefix("```") {
            text = String(text.drop { $0 != "\n" }.dropFirst())
            if text.hasSuffix("```") { text = String(text.dropLast(3)) }
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw ExtractionError("llm: the answer is not a JSON object: \(LLMExtractor.excerpt(content))")
        }
        guard let facts = object["facts"] as? [Any] else {
            throw ExtractionError("llm: the answer has no \"facts\" array")
        }
        let messageIDs = Set(job.messages.map(\.id))
        let known = Dictionary(job.activeObservations.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let times = Dictionary(job.messages.map { ($0.id, $0.createdAt) }, uniquingKeysWith: { a, _ in a })
        var observations: [ObservationInput] = []
        for (i, item) in facts.enumerated() {
            guard let fact = item as? [String: Any] else { throw ExtractionError("llm: facts[\(i)] is not an object") }
            guard let action = fact["action"] as? String, ["add", "update", "none"].contains(action) else {
                throw ExtractionError("llm: facts[\(i)].action must be add, update or none")
            }
            if action == "none" { continue }
            guard let content = (fact["content"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines),
                !content.isEmpty
            else {
                throw ExtractionError("llm: facts[\(i)].content is missing or empty")
            }
            let cited = fact["message_ids"] as? [String] ?? []
            if let unknown = cited.first(where: { !messageIDs.contains($0) }) {
                throw ExtractionError("llm: facts[\(i)] cites message \"\(unknown)\", which is not in the conversation")
            }
            var subject = (fact["subject"] as? String).flatMap(Self.subjectKey)
            if action == "update" {
                let replaced = fact["replaces"] as? String ?? ""
                guard let old = known[replaced] else {
                    throw ExtractionError("llm: facts[\(i)] updates \"\(replaced)\", which is not a known fact")
                }
                // The engine supersedes by subject: the update takes the old fact's, or gives
                // the old fact's id as one both share from now on.
                subject = old.subjectKey ?? subject
            }
            let sources = cited.isEmpty ? job.messages.filter { job.newMessageIDs.contains($0.id) }.map(\.id) : cited
            observations.append(
                ObservationInput(
                    content: content, source: "llm-extractor",
                    occurredAt: sources.compactMap { times[$0] }.max() ?? job.messages.last?.createdAt ?? job.closedAt,
                    conversationIDs: [job.key.conversationID], subjectKey: subject,
                    communicationIDs: Array(sources.prefix(100))))
        }
        let summary = (object["summary"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines)
        return ExtractionOutput(observations: observations, summary: summary?.isEmpty == false ? summary : nil)
    }
}
