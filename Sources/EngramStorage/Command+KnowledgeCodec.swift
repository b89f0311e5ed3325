import EngramCore

// The knowledge commands' log payloads (codec version 4, tags 15–20), in the format of
// Command+Codec.swift.

extension Command {
    func encodeKnowledge(into w: inout ByteWriter) {
        switch self {
        case .createKnowledgeBase(let c):
            w.byte(15)
            w.string(c.storeID)
            w.string(c.knowledgeBaseID)
            w.string(c.displayName)
            w.string(c.description)
            w.signed(c.at)
        case .updateKnowledgeBase(let c):
            w.byte(16)
            w.string(c.storeID)
            w.string(c.knowledgeBaseID)
            w.optionalString(c.displayName)
            w.optionalString(c.description)
            w.signed(c.at)
        case .deleteKnowledgeBase(let c):
            w.byte(17)
            w.string(c.storeID)
            w.string(c.knowledgeBaseID)
            w.signed(c.at)
        case .putKnowledge(let c):
            w.byte(18)
            w.string(c.storeID)
            w.string(c.knowledgeBaseID)
            w.string(c.knowledgeID)
            w.bool(c.replaces)
            w.string(c.name)
            w.string(c.description)
            MetadataPair.encode(c.metadata, into: &w)
            w.string(c.sourceType.rawValue)
            w.signed(Int64(c.sourceBytes))
            w.string(c.embedder)
            let derived = EmbedderIdentity.isRebuiltFromText(c.embedder)
            w.count(c.chunks.count)
            for chunk in c.chunks {
                w.string(chunk.content)
                w.strings(chunk.headingPath)
                w.signed(Int64(chunk.start))
                w.signed(Int64(chunk.end))
                w.optionalFloats(derived ? nil : chunk.embedding)
                w.optionalFloats(derived ? nil : chunk.headingEmbedding)
            }
            w.signed(c.at)
        case .updateKnowledgeInfo(let c):
            w.byte(19)
            w.string(c.storeID)
            w.string(c.knowledgeBaseID)
            w.string(c.knowledgeID)
            w.optionalString(c.description)
            if let metadata = c.metadata {
                w.byte(1)
                MetadataPair.encode(metadata, into: &w)
            } else {
                w.byte(0)
            }
            w.signed(c.at)
        case .deleteKnowledge(let c):
            w.byte(20)
            w.string(c.storeID)
            w.string(c.knowledgeBaseID)
            w.string(c.knowledgeID)
            w.signed(c.at)
        default:
            preconditionFailure("encodeKnowledge called for another command")
        }
    }

    static func decodeKnowledge(tag: UInt8, from r: inout ByteReader) throws(DecodingError) -> Command {
        switch tag {
        case 15:
            return .createKnowledgeBase(
                CreateKnowledgeBase(
                    storeID: try r.string(), knowledgeBaseID: try r.string(), displayName: try r.string(),
                    description: try r.string(), at: try r.signed()))
        case 16:
            return .updateKnowledgeBase(
                UpdateKnowledgeBase(
                    storeID: try r.string(), knowledgeBaseID: try r.string(), displayName: try r.optionalString(),
                    description: try r.optionalString(), at: try r.signed()))
        case 17:
            return .deleteKnowledgeBase(
                DeleteKnowledgeBase(storeID: try r.string(), knowledgeBaseID: try r.string(), at: try r.signed()))
        case 18:
            let storeID = try r.string()
            let baseID = try r.string()
            let knowledgeID = try r.string()
            let replaces = try r.bool()
            let name = try r.string()
            let description = try r.string()
            let metadata = try MetadataPair.decode(from: &r)
            let typeOffset = r.offset
            let typeName = try r.string()
            guard let type = KnowledgeSourceType(rawValue: typeName) else {
                throw DecodingError("put knowledge: unknown source type \"\(typeName)\"", offset: typeOffset)
            }
            let sourceBytes = try r.signed()
            guard sourceBytes >= 0 else { throw DecodingError("put knowledge: negative source size", offset: r.offset) }
            let embedder = try r.string()
            let derived = EmbedderIdentity.isRebuiltFromText(embedder)
            let n = try r.count(minimumElementBytes: 5)
            var chunks: [NewChunk] = []
            chunks.reserveCapacity(n)
            for i in 0..<n {
                let content = try r.string()
                let path = try r.strings()
                let start = try r.signed()
                let end = try r.signed()
                guard start >= 0, end >= start, end <= Int64(Int32.max) else {
                    throw DecodingError("put knowledge: chunk \(i) has bad offsets \(start)..<\(end)", offset: r.offset)
                }
                let embedding = try r.optionalFloats()
                let headingEmbedding = try r.optionalFloats()
                guard (embedding != nil && headingEmbedding != nil) || derived else {
                    throw DecodingError("put knowledge: chunk \(i) has no vector", offset: r.offset)
                }
                chunks.append(
                    NewChunk(
                        content: content, headingPath: path, start: Int(start), end: Int(end), embedding: embedding,
                        headingEmbedding: headingEmbedding))
            }
            return .putKnowledge(
                PutKnowledge(
                    storeID: storeID, knowledgeBaseID: baseID, knowledgeID: knowledgeID, replaces: replaces, name: name,
                    description: description, metadata: metadata, sourceType: type, sourceBytes: Int(sourceBytes),
                    chunks: chunks, embedder: embedder, at: try r.signed()))
        case 19:
            let storeID = try r.string()
            let baseID = try r.string()
            let knowledgeID = try r.string()
            let description = try r.optionalString()
            let metadata = try r.bool() ? try MetadataPair.decode(from: &r) : nil
            return .updateKnowledgeInfo(
                UpdateKnowledgeInfo(
                    storeID: storeID, knowledgeBaseID: baseID, knowledgeID: knowledgeID, description: description,
                    metadata: metadata, at: try r.signed()))
        default:
            return .deleteKnowledge(
                DeleteKnowledge(
                    storeID: try r.string(), knowledgeBaseID: try r.string(), knowledgeID: try r.string(),
                    at: try r.signed()))
        }
    }
}

extension MetadataPair {
    static func encode(_ pairs: [MetadataPair], into w: inout ByteWriter) {
        w.count(pairs.count)
        for pair in pairs {
            w.string(pair.key)
            w.string(pair.value)
        }
    }

    static func decode(from r: inout ByteReader) throws(DecodingError) -> [MetadataPair] {
        let n = try r.count(minimumElementBytes: 2)
        var pairs: [MetadataPair] = []
        pairs.reserveCapacity(n)
        for _ in 0..<n { pairs.append(MetadataPair(key: try r.string(), value: try r.string())) }
        return pairs
    }
}
