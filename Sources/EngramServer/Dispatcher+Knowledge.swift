import EngramCore
import EngramWire

// Knowledge's handlers: wire → engine → wire. Access was checked by the router.
extension Dispatcher {
    func createKnowledgeBase(_ r: Wire.CreateKnowledgeBaseRequest, _ context: RequestContext) throws(ServiceError)
        -> (Wire.CreateKnowledgeBaseResponse, UInt64)
    {
        let result = try engineCall { () throws(EngineError) in
            try engine.createKnowledgeBase(storeID: r.storeId, displayName: r.displayName, description: r.description)
        }
        var response = Wire.CreateKnowledgeBaseResponse()
        response.knowledgeBase = Wire.KnowledgeBase(result.knowledgeBase)
        return (response, result.logPosition)
    }

    func getKnowledgeBase(_ r: Wire.GetKnowledgeBaseRequest, _ context: RequestContext) throws(ServiceError)
        -> Wire.GetKnowledgeBaseResponse
    {
        let base = try engineCall { () throws(EngineError) in
            try engine.getKnowledgeBase(storeID: r.storeId, knowledgeBaseID: r.knowledgeBaseId)
        }
        var response = Wire.GetKnowledgeBaseResponse()
        response.knowledgeBase = Wire.KnowledgeBase(base)
        return response
    }

    func listKnowledgeBases(_ r: Wire.ListKnowledgeBasesRequest, _ context: RequestContext) throws(ServiceError)
        -> Wire.ListKnowledgeBasesResponse
    {
        let page = try engineCall { () throws(EngineError) in
            try engine.listKnowledgeBases(storeID: r.storeId, pageSize: Int(r.pageSize), pageToken: r.pageToken)
        }
        var response = Wire.ListKnowledgeBasesResponse()
        response.knowledgeBases = page.knowledgeBases.map(Wire.KnowledgeBase.init)
        response.nextPageToken = page.nextPageToken ?? ""
        return response
    }

    func updateKnowledgeBase(_ r: Wire.UpdateKnowledgeBaseRequest, _ context: RequestContext) throws(ServiceError)
        -> (Wire.UpdateKnowledgeBaseResponse, UInt64)
    {
        let result = try engineCall { () throws(EngineError) in
            try engine.updateKnowledgeBase(
                storeID: r.storeId, knowledgeBaseID: r.knowledgeBaseId, displayName: r.displayName,
                description: r.description)
        }
        var response = Wire.UpdateKnowledgeBaseResponse()
        response.knowledgeBase = Wire.KnowledgeBase(result.knowledgeBase)
        return (response, result.logPosition)
    }

    func deleteKnowledgeBase(_ r: Wire.DeleteKnowledgeBaseRequest, _ context: RequestContext) throws(ServiceError)
        -> (Wire.DeleteKnowledgeBaseResponse, UInt64)
    {
        let receipt = try engineCall { () throws(EngineError) in
            try engine.deleteKnowledgeBase(storeID: r.storeId, knowledgeBaseID: r.knowledgeBaseId)
        }
        var response = Wire.DeleteKnowledgeBaseResponse()
        response.receipt = Wire.DeletionReceipt(receipt)
        return (response, receipt.logPosition)
    }

    func addKnowledge(_ r: Wire.AddKnowledgeRequest, _ context: RequestContext) throws(ServiceError)
        -> (Wire.AddKnowledgeResponse, UInt64)
    {
        let type = try r.sourceType.engineType(default: .text, field: "source_type") ?? .text
        let input = KnowledgeInput(
            name: r.name, description: r.description, metadata: r.metadata.map(\.pair), sourceType: type,
            source: r.source)
        let result = try engineCall { () throws(EngineError) in
            try engine.addKnowledge(storeID: r.storeId, knowledgeBaseID: r.knowledgeBaseId, input)
        }
        var response = Wire.AddKnowledgeResponse()
        response.knowledge = Wire.Knowledge(result.knowledge)
        return (response, result.logPosition)
    }

    func getKnowledge(_ r: Wire.GetKnowledgeRequest, _ context: RequestContext) throws(ServiceError)
        -> Wire.GetKnowledgeResponse
    {
        let item = try engineCall { () throws(EngineError) in
            try engine.getKnowledge(storeID: r.storeId, knowledgeBaseID: r.knowledgeBaseId, knowledgeID: r.knowledgeId)
        }
        var response = Wire.GetKnowledgeResponse()
        response.knowledge = Wire.Knowledge(item)
        return response
    }

    func listKnowledge(_ r: Wire.ListKnowledgeRequest, _ context: RequestContext) throws(ServiceError)
        -> Wire.ListKnowledgeResponse
    {
        let page = try engineCall { () throws(EngineError) in
            try engine.listKnowledge(
                storeID: r.storeId, knowledgeBaseID: r.knowledgeBaseId, pageSize: Int(r.pageSize),
                pageToken: r.pageToken)
        }
        var response = Wire.ListKnowledgeResponse()
        response.knowledge = page.knowledge.map(Wire.Knowledge.init)
        response.nextPageToken = page.nextPageToken ?? ""
        return response
    }

    func updateKnowledge(_ r: Wire.UpdateKnowledgeRequest, _ context: RequestContext) throws(ServiceError)
        -> (Wire.UpdateKnowledgeResponse, UInt64)
    {
        if !r.metadata.isEmpty, r.clearMetadata {
            throw ServiceError.invalid("clear_metadata", "given with metadata; send one or the other")
        }
        let update = KnowledgeUpdate(
            name: r.name, description: r.description,
            metadata: r.clearMetadata ? [] : r.metadata.isEmpty ? nil : r.metadata.map(\.pair),
            sourceType: try r.sourceType.engineType(default: nil, field: "source_type"), source: r.source)
        let result = try engineCall { () throws(EngineError) in
            try engine.updateKnowledge(
                storeID: r.storeId, knowledgeBaseID: r.knowledgeBaseId, knowledgeID: r.knowledgeId, update)
        }
        var response = Wire.UpdateKnowledgeResponse()
        response.knowledge = Wire.Knowledge(result.knowledge)
        return (response, result.logPosition)
    }

    func deleteKnowledge(_ r: Wire.DeleteKnowledgeRequest, _ context: RequestContext) throws(ServiceError)
        -> (Wire.DeleteKnowledgeResponse, UInt64)
    {
        let receipt = try engineCall { () throws(EngineError) in
            try engine.deleteKnowledge(
                storeID: r.storeId, knowledgeBaseID: r.knowledgeBaseId, knowledgeID: r.knowledgeId)
        }
        var response = Wire.DeleteKnowledgeResponse()
        response.receipt = Wire.DeletionReceipt(receipt)
        return (response, receipt.logPosition)
    }

    func listChunks(_ r: Wire.ListChunksRequest, _ context: RequestContext) throws(ServiceError)
        -> Wire.ListChunksResponse
    {
        let page = try engineCall { () throws(EngineError) in
            try engine.listChunks(
                storeID: r.storeId, knowledgeBaseID: r.knowledgeBaseId, knowledgeID: r.knowledgeId,
                pageSize: Int(r.pageSize), pageToken: r.pageToken)
        }
        var response = Wire.ListChunksResponse()
        response.chunks = page.chunks.map { Wire.KnowledgeChunk($0, base: r.knowledgeBaseId) }
        response.nextPageToken = page.nextPageToken ?? ""
        return response
    }

    func searchKnowledge(_ r: Wire.SearchKnowledgeRequest, _ context: RequestContext) throws(ServiceError)
        -> Wire.SearchKnowledgeResponse
    {
        let query = KnowledgeQuery(
            query: r.query, top: r.top == 0 ? 5 : Int(r.top), knowledgeBaseIDs: r.knowledgeBaseIds,
            knowledgeIDs: r.knowledgeIds, metadata: r.metadata.map(\.pair), explain: r.explain)
        let result = try engineCall { () throws(EngineError) in try engine.searchKnowledge(storeID: r.storeId, query) }
        var response = Wire.SearchKnowledgeResponse()
        response.chunks = result.chunks.map(Wire.ScoredKnowledgeChunk.init)
        response.queryTimeUs = result.queryTimeMicros
        return response
    }

    /// Whether a knowledge search would run the model for its query vector.
    func searchNeedsModel(_ request: Wire.SearchKnowledgeRequest) -> Bool {
        let embedder = engine.configuration.recall.embedder
        return embedder.isExpensive && !embedder.hasCachedQuery(request.query)
    }
}
