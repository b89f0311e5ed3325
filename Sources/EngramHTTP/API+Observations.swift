import EngramWire
import Hummingbird

/// `.../Profiles/{profileId}/Observations[/{observationId}[/Revisions]]`,
/// `.../ConversationSummaries` and `.../Recall`.
extension API {
    func addObservationRoutes(to router: Router<Context>) {
        let profile = router.group("v1/Stores/{storeId}/Profiles/{profileId}")
        profile.post("Observations") { request, context in
            let (store, id) = try ids(context)
            let b = try await body(CreateObservationsBody.self, request, context)
            try await requireCanonical(request, store: store, profile: id, context)
            var q = Wire.ObserveRequest()
            q.storeId = store
            q.profileId = id
            q.observations = try b.wire()
            if q.observations.isEmpty { throw APIError.invalid("observations", "must hold at least one observation") }
            let r = try await call(Methods.observe, q, context)
            return json(
                CreatedObservationsJSON(
                    profileId: r.profileId, observations: r.results.map(ObservationResultJSON.init)),
                status: .created)
        }
        profile.get("Observations") { request, context in
            let (store, id) = try ids(context)
            let page = try page(request, order: "DESC")
            let query = request.uri.queryParameters
            var q = Wire.ListObservationsRequest()
            q.storeId = store
            q.profileId = id
            q.pageSize = page.size
            q.pageToken = page.token
            q.source = query.get("source") ?? ""
            q.conversationId = query.get("conversationId") ?? ""
            q.createdAfterUs = try time(request, "createdAfter")
            q.createdBeforeUs = try time(request, "createdBefore")
            q.occurredAfterUs = try time(request, "occurredAfter")
            q.occurredBeforeUs = try time(request, "occurredBefore")
            if let status = query.get("status") {
                switch status.uppercased() {
                case "ACTIVE": q.status = .active
                case "SUPERSEDED": q.status = .superseded
                default: throw APIError.invalid("status", "must be ACTIVE or SUPERSEDED")
                }
            }
            let r = try await call(Methods.listObservations, q, context)
            try redirectIfMerged(request, named: id, canonical: r.profileId, status: .movedPermanently)
            return json(
                ObservationsPage(
                    observations: r.observations.map(ObservationJSON.init),
                    meta: PageMeta(key: "observations", page: page, next: r.nextPageToken)))
        }
        profile.get("Observations/{observationId}") { request, context in
            let r = try await revisions(request, context)
            return json(ObservationJSON(r.current))
        }
        profile.get("Observations/{observationId}/Revisions") { request, context in
            let r = try await revisions(request, context)
            return json(
                RevisionsJSON(
                    current: ObservationJSON(r.current), revisions: r.revisions.map(RevisionJSON.init),
                    meta: PageMeta(key: "revisions", pageSize: r.revisions.count, nextToken: nil)))
        }
        profile.delete("Observations/{observationId}") { request, context in
            let (store, id) = try ids(context)
            try await requireCanonical(request, store: store, profile: id, context)
            var q = Wire.DeleteObservationRequest()
            q.storeId = store
            q.profileId = id
            q.observationId = try parameter("observationId", context)
            let r = try await call(Methods.deleteObservation, q, context)
            return json(ObservationDeletedJSON(id: q.observationId, deleted: DeletionJSON(r.receipt)))
        }
        profile.post("ConversationSummaries") { request, context in
            let (store, id) = try ids(context)
            let b = try await body(CreateSummariesBody.self, request, context)
            try await requireCanonical(request, store: store, profile: id, context)
            var q = Wire.ObserveRequest()
            q.storeId = store
            q.profileId = id
            q.summaries = b.summaries.map(\.wire)
            if q.summaries.isEmpty { throw APIError.invalid("summaries", "must hold at least one summary") }
            let r = try await call(Methods.observe, q, context)
            return json(
                CreatedSummariesJSON(
                    profileId: r.profileId, summaries: r.summaryIds.map { CreatedSummariesJSON.Created(id: $0) }),
                status: .created)
        }
        profile.get("ConversationSummaries") { request, context in
            let (store, id) = try ids(context)
            let page = try page(request, order: "DESC")
            var q = Wire.ListSummariesRequest()
            q.storeId = store
            q.profileId = id
            q.pageSize = page.size
            q.pageToken = page.token
            q.conversationId = request.uri.queryParameters.get("conversationId") ?? ""
            let r = try await call(Methods.listSummaries, q, context)
            try redirectIfMerged(request, named: id, canonical: r.profileId, status: .movedPermanently)
            return json(
                SummariesPage(
                    summaries: r.summaries.map(SummaryJSON.init),
                    meta: PageMeta(key: "summaries", page: page, next: r.nextPageToken)))
        }
        profile.post("Recall") { request, context in
            let (store, id) = try ids(context)
            let b = try RecallBody(json: try await bodyBytes(request, context))
            let r = try await call(Methods.recall, try b.wire(store: store, profile: id), context)
            // Recall reads: it runs, then a merged-away id is redirected (308 keeps the POST).
            try redirectIfMerged(request, named: id, canonical: r.profileId, status: .permanentRedirect)
            return json(RecallJSON(r))
        }
    }

    private func revisions(_ request: Request, _ context: Context) async throws -> Wire.ListObservationRevisionsResponse
    {
        let (store, id) = try ids(context)
        var q = Wire.ListObservationRevisionsRequest()
        q.storeId = store
        q.profileId = id
        q.observationId = try parameter("observationId", context)
        let r = try await call(Methods.listObservationRevisions, q, context)
        // The response names no profile: check the id the way a read does.
        _ = try await getProfile(request, store: store, id: id, context)
        return r
    }
}

struct ObservationsPage: Encodable {
    var observations: [ObservationJSON]
    var meta: PageMeta
}

struct SummariesPage: Encodable {
    var summaries: [SummaryJSON]
    var meta: PageMeta
}

struct ObservationDeletedJSON: Encodable {
    var id: String
    var deleted: DeletionJSON
}
