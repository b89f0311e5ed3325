/// The hot answers (Recall, observation lists) write their JSON directly (see `JSONWritable`);
/// field names and presence are those of their Codable shapes.
extension ObservationJSON: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("id")
            w.string(id)
            w.key("content")
            w.string(content)
            w.key("source")
            w.string(source)
            w.field("occurredAt", occurredAt)
            w.key("conversationIds")
            w.strings(conversationIds)
            w.field("subject", subject)
            w.field("createdAt", createdAt)
            w.field("updatedAt", updatedAt)
            w.key("mentionCount")
            w.int(mentionCount)
            w.key("status")
            w.string(status.name)
            w.field("supersededBy", supersededBy)
            w.field("idempotencyKey", idempotencyKey)
            w.key("communicationIds")
            w.strings(communicationIds)
            w.field("score", score)
            w.field("explanation", explanation)
        }
    }
}

extension ExplanationJSON: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("lexical")
            w.number(lexical)
            w.key("semantic")
            w.number(semantic)
            w.key("recency")
            w.number(recency)
            w.key("lexicalRank")
            w.int(lexicalRank)
            w.key("semanticRank")
            w.int(semanticRank)
            w.key("matchedTerms")
            w.strings(matchedTerms)
        }
    }
}

extension SummaryJSON: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("id")
            w.string(id)
            w.key("content")
            w.string(content)
            w.key("conversationId")
            w.string(conversationId)
            w.field("occurredAt", occurredAt)
            w.field("source", source)
            w.field("createdAt", createdAt)
            w.field("updatedAt", updatedAt)
            w.field("score", score)
            w.field("explanation", explanation)
        }
    }
}

extension CommunicationJSON.Participant: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("type")
            w.string(type.name)
            w.key("address")
            w.string(address)
            w.key("channel")
            w.string(channel.name)
        }
    }
}

extension CommunicationJSON: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("id")
            w.string(id)
            w.field("conversationId", conversationId)
            w.key("author")
            w.value(author)
            w.key("recipients")
            w.array(recipients) { w, r in w.value(r) }
            w.key("content")
            w.object { w in
                w.key("text")
                w.string(content.text)
            }
            w.field("createdAt", createdAt)
            w.field("score", score)
            w.field("explanation", explanation)
        }
    }
}

extension TraitJSON: JSONWritable {
    func write(to w: inout JSONWriter) {
        switch self {
        case .string(let v): w.string(v)
        case .integer(let v): w.int(v)
        case .number(let v): w.number(v)
        case .bool(let v): w.bool(v)
        case .list(let v): w.strings(v)
        case .null: w.null()
        }
    }
}

extension JSONWriter {
    /// Traits as `{group: {name: value}}`, groups and names sorted.
    mutating func traits(_ traits: TraitsJSON) {
        object { w in
            for (group, values) in traits.sorted(by: { $0.key < $1.key }) {
                w.key(group)
                w.object { w in
                    for (name, value) in values.sorted(by: { $0.key < $1.key }) {
                        w.key(name)
                        w.value(value)
                    }
                }
            }
        }
    }
}

extension PageMeta: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("key")
            w.string(key)
            w.key("pageSize")
            w.int(pageSize)
            w.key("nextToken")
            if let nextToken { w.string(nextToken) } else { w.null() }
            w.key("previousToken")
            if let previousToken { w.string(previousToken) } else { w.null() }
        }
    }
}

extension KnowledgeChunkJSON: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("knowledgeBaseId")
            w.string(chunk.knowledgeBaseId)
            w.key("knowledgeId")
            w.string(chunk.knowledgeId)
            w.key("chunkIndex")
            w.int(Int64(chunk.chunkIndex))
            w.key("documentTitle")
            w.string(chunk.documentTitle)
            w.key("headingPath")
            w.strings(chunk.headingPath)
            w.key("content")
            w.string(chunk.content)
            w.key("startOffset")
            w.int(Int64(chunk.startOffset))
            w.key("endOffset")
            w.int(Int64(chunk.endOffset))
            w.field("score", score)
            w.field("explanation", explanation)
        }
    }
}

extension RecallJSON: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("profileId")
            w.string(profileId)
            w.key("observations")
            w.array(observations)
            w.key("summaries")
            w.array(summaries)
            w.key("communications")
            w.array(communications)
            w.key("rankedCommunications")
            w.array(rankedCommunications)
            w.key("traits")
            w.traits(traits)
            w.key("knowledge")
            w.array(knowledge)
            w.key("meta")
            w.object { w in
                w.key("queryTime")
                w.number(meta.queryTime)
                w.key("queryTimeUs")
                w.int(meta.queryTimeUs)
                w.key("effectiveQuery")
                w.string(meta.effectiveQuery)
            }
        }
    }
}

extension ObservationsPage: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("observations")
            w.array(observations)
            w.key("meta")
            w.value(meta)
        }
    }
}
