import EngramWire
import Hummingbird

/// `/v1/Stores/{storeId}/Conversations[/{conversationId}[/Communications|/Close]]` and a
/// profile's `.../Conversations` and `.../Communications`.
extension API {
    func addConversationRoutes(to router: Router<Context>) {
        let conversations = router.group("v1/Stores/{storeId}/Conversations")
        conversations.get { request, context in
            try await listConversations(request, context, profile: nil)
        }
        conversations.get("{conversationId}") { request, context in
            var q = Wire.GetConversationRequest()
            q.storeId = try parameter("storeId", context)
            q.conversationId = try parameter("conversationId", context)
            q.profileId = request.uri.queryParameters.get("profileId") ?? ""
            let r = try await call(Methods.getConversation, q, context)
            return json(ConversationJSON(r.conversation))
        }
        conversations.post("{conversationId}/Communications") { request, context in
            let b = try await body(AppendCommunicationsBody.self, request, context)
            var q = Wire.AppendCommunicationsRequest()
            q.storeId = try parameter("storeId", context)
            q.conversationId = try parameter("conversationId", context)
            q.profileId = b.profileId ?? ""
            for (i, message) in b.communications.enumerated() {
                q.communications.append(try message.wire("communications[\(i)]"))
            }
            q.close = b.close ?? false
            let r = try await call(Methods.appendCommunications, q, context)
            return json(
                AppendedJSON(
                    profileId: r.profileId, communicationIds: r.communicationIds, added: r.added,
                    resolveOutcome: r.resolveOutcome == .unspecified ? nil : r.resolveOutcome.json,
                    conversation: ConversationJSON(r.conversation)),
                status: r.added > 0 ? .created : .ok)
        }
        conversations.get("{conversationId}/Communications") { request, context in
            try await listCommunications(
                request, context, profile: nil, conversation: try parameter("conversationId", context))
        }
        conversations.post("{conversationId}/Close") { request, context in
            var q = Wire.CloseConversationRequest()
            q.storeId = try parameter("storeId", context)
            q.conversationId = try parameter("conversationId", context)
            q.profileId = request.uri.queryParameters.get("profileId") ?? ""
            let r = try await call(Methods.closeConversation, q, context)
            return json(ConversationJSON(r.conversation))
        }
        let profile = router.group("v1/Stores/{storeId}/Profiles/{profileId}")
        profile.get("Conversations") { request, context in
            try await listConversations(request, context, profile: try parameter("profileId", context))
        }
        profile.get("Communications") { request, context in
            try await listCommunications(
                request, context, profile: try parameter("profileId", context),
                conversation: request.uri.queryParameters.get("conversationId"))
        }
    }

    private func listConversations(_ request: Request, _ context: Context, profile: String?) async throws -> Response {
        let page = try page(request, order: "DESC")
        var q = Wire.ListConversationsRequest()
        q.storeId = try parameter("storeId", context)
        q.profileId = profile ?? ""
        q.pageSize = page.size
        q.pageToken = page.token
        if let state = request.uri.queryParameters.get("state") {
            guard
                let value = Wire.ConversationState.names.first(where: {
                    $0.key != 0 && $0.value == "CONVERSATION_STATE_" + state.uppercased()
                })
            else {
                throw APIError.invalid(
                    "state", "must be one of \(JSONEnum<Wire.ConversationState>.allowed.joined(separator: ", "))")
            }
            q.state = Wire.ConversationState(rawValue: value.key)
        }
        q.lastMessageAfterUs = try time(request, "lastMessageAfter")
        q.lastMessageBeforeUs = try time(request, "lastMessageBefore")
        let r = try await call(Methods.listConversations, q, context)
        if let profile {
            try redirectIfMerged(request, named: profile, canonical: r.profileId, status: .movedPermanently)
        }
        return json(
            ConversationsPage(
                conversations: r.conversations.map(ConversationJSON.init),
                meta: PageMeta(key: "conversations", page: page, next: r.nextPageToken)))
    }

    private func listCommunications(_ request: Request, _ context: Context, profile: String?, conversation: String?)
        async throws -> Response
    {
        let page = try page(request, order: "DESC")
        var q = Wire.ListCommunicationsRequest()
        q.storeId = try parameter("storeId", context)
        q.profileId = profile ?? ""
        q.conversationId = conversation ?? ""
        q.pageSize = page.size
        q.pageToken = page.token
        q.createdAfterUs = try time(request, "createdAfter")
        q.createdBeforeUs = try time(request, "createdBefore")
        let r = try await call(Methods.listCommunications, q, context)
        if let profile {
            try redirectIfMerged(request, named: profile, canonical: r.profileId, status: .movedPermanently)
        }
        return json(
            CommunicationsPage(
                profileId: r.profileId, communications: r.communications.map(CommunicationJSON.init),
                meta: PageMeta(key: "communications", page: page, next: r.nextPageToken)))
    }
}
