import EngramWire
import Hummingbird

/// `/v1/Stores/{storeId}/KnowledgeBases[/Search|/{knowledgeBaseId}[/Search|/Knowledge[/{knowledgeId}[/Chunks]]]]`:
/// the hosted knowledge product's resources, inside a store (Engram keeps knowledge per store).
/// Adding or replacing a source answers when its chunks are searchable (201/200), not 202.
extension API {
    func addKnowledgeRoutes(to router: Router<Context>) {
        let bases = router.group("v1/Stores/{storeId}/KnowledgeBases")
        bases.post { request, context in
            let b = try await body(KnowledgeBaseBody.self, request, context)
            var q = Wire.CreateKnowledgeBaseRequest()
            q.storeId = try parameter("storeId", context)
            q.displayName = b.displayName ?? ""
            q.description = b.description ?? ""
            let r = try await call(Methods.createKnowledgeBase, q, context)
            return json(KnowledgeBaseJSON(r.knowledgeBase), status: .created)
        }
        bases.get { request, context in
            let page = try page(request, order: "ASC")
            var q = Wire.ListKnowledgeBasesRequest()
            q.storeId = try parameter("storeId", context)
            q.pageSize = page.size
            q.pageToken = page.token
            let r = try await call(Methods.listKnowledgeBases, q, context)
            return json(
                KnowledgeBasesPage(
                    knowledgeBases: r.knowledgeBases.map(KnowledgeBaseJSON.init),
                    meta: PageMeta(key: "knowledgeBases", page: page, next: r.nextPageToken)))
        }
        bases.post("Search") { request, context in
            let b = try await body(SearchKnowledgeBody.self, request, context)
            return try await search(
                b, store: try parameter("storeId", context), bases: b.knowledgeBaseIds ?? [], context)
        }
        bases.get("{knowledgeBaseId}") { _, context in
            var q = Wire.GetKnowledgeBaseRequest()
            (q.storeId, q.knowledgeBaseId) = try baseIDs(context)
            return json(KnowledgeBaseJSON(try await call(Methods.getKnowledgeBase, q, context).knowledgeBase))
        }
        bases.patch("{knowledgeBaseId}") { request, context in
            let b = try await body(KnowledgeBaseBody.self, request, context)
            var q = Wire.UpdateKnowledgeBaseRequest()
            (q.storeId, q.knowledgeBaseId) = try baseIDs(context)
            q.displayName = b.displayName
            q.description = b.description
            return json(KnowledgeBaseJSON(try await call(Methods.updateKnowledgeBase, q, context).knowledgeBase))
        }
        bases.delete("{knowledgeBaseId}") { _, context in
            var q = Wire.DeleteKnowledgeBaseRequest()
            (q.storeId, q.knowledgeBaseId) = try baseIDs(context)
            let r = try await call(Methods.deleteKnowledgeBase, q, context)
            return json(KnowledgeBaseDeletedJSON(id: q.knowledgeBaseId, deleted: DeletionJSON(r.receipt)))
        }
        bases.post("{knowledgeBaseId}/Search") { request, context in
            let b = try await body(SearchKnowledgeBody.self, request, context)
            let (store, base) = try baseIDs(context)
            if let named = b.knowledgeBaseIds, named != [base] {
                throw APIError.invalid("knowledgeBaseIds", "the path names the knowledge base; leave this out here")
            }
            return try await search(b, store: store, bases: [base], context)
        }

        let documents = router.group("v1/Stores/{storeId}/KnowledgeBases/{knowledgeBaseId}/Knowledge")
        documents.post { request, context in
            let b = try await body(KnowledgeBody.self, request, context)
            var q = Wire.AddKnowledgeRequest()
            (q.storeId, q.knowledgeBaseId) = try baseIDs(context)
            q.name = b.name ?? ""
            q.description = b.description ?? ""
            q.metadata = b.metadata?.wire ?? []
            q.sourceType = b.sourceType?.value ?? .unspecified
            q.source = b.source ?? ""
            let r = try await call(Methods.addKnowledge, q, context)
            return json(KnowledgeJSON(r.knowledge), status: .created)
        }
        documents.get { request, context in
            let page = try page(request, order: "ASC")
            var q = Wire.ListKnowledgeRequest()
            (q.storeId, q.knowledgeBaseId) = try baseIDs(context)
            q.pageSize = page.size
            q.pageToken = page.token
            let r = try await call(Methods.listKnowledge, q, context)
            return json(
                KnowledgePage(
                    knowledge: r.knowledge.map(KnowledgeJSON.init),
                    meta: PageMeta(key: "knowledge", page: page, next: r.nextPageToken)))
        }
        documents.get("{knowledgeId}") { _, context in
            var q = Wire.GetKnowledgeRequest()
            (q.storeId, q.knowledgeBaseId) = try baseIDs(context)
            q.knowledgeId = try parameter("knowledgeId", context)
            return json(KnowledgeJSON(try await call(Methods.getKnowledge, q, context).knowledge))
        }
        documents.patch("{knowledgeId}") { request, context in
            let b = try await body(KnowledgeBody.self, request, context)
            var q = Wire.UpdateKnowledgeRequest()
            (q.storeId, q.knowledgeBaseId) = try baseIDs(context)
            q.knowledgeId = try parameter("knowledgeId", context)
            q.name = b.name
            q.description = b.description
            if let metadata = b.metadata {
                q.metadata = metadata.wire
                q.clearMetadata = metadata.pairs.isEmpty
            }
            q.sourceType = b.sourceType?.value ?? .unspecified
            q.source = b.source
            return json(KnowledgeJSON(try await call(Methods.updateKnowledge, q, context).knowledge))
        }
        documents.delete("{knowledgeId}") { _, context in
            var q = Wire.DeleteKnowledgeRequest()
            (q.storeId, q.knowledgeBaseId) = try baseIDs(context)
            q.knowledgeId = try parameter("knowledgeId", context)
            let r = try await call(Methods.deleteKnowledge, q, context)
            return json(KnowledgeBaseDeletedJSON(id: q.knowledgeId, deleted: DeletionJSON(r.receipt)))
        }
        documents.get("{knowledgeId}/Chunks") { request, context in
            let page = try page(request, order: "ASC")
            var q = Wire.ListChunksRequest()
            (q.storeId, q.knowledgeBaseId) = try baseIDs(context)
            q.knowledgeId = try parameter("knowledgeId", context)
            q.pageSize = page.size
            q.pageToken = page.token
            let r = try await call(Methods.listChunks, q, context)
            return json(
                ChunksPage(
                    chunks: r.chunks.map(StoredChunkJSON.init),
                    meta: PageMeta(key: "chunks", page: page, next: r.nextPageToken)))
        }
    }

    private func baseIDs(_ context: Context) throws(APIError) -> (store: String, base: String) {
        (try parameter("storeId", context), try parameter("knowledgeBaseId", context))
    }

    private func search(_ b: SearchKnowledgeBody, store: String, bases: [String], _ context: Context)
        async throws(APIError) -> Response
    {
        var q = Wire.SearchKnowledgeRequest()
        q.storeId = store
        q.query = b.query ?? ""
        q.top = b.top ?? 0
        q.knowledgeBaseIds = bases
        q.knowledgeIds = b.knowledgeIds ?? []
        q.metadata = b.metadata?.wire ?? []
        q.explain = b.explain ?? false
        return json(SearchKnowledgeJSON(try await call(Methods.searchKnowledge, q, context)))
    }
}
