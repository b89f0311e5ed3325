import EngramWire

// One method per RPC of `service Memory`. Each throws `EngramClientError` on failure.
extension EngramClient {
    public func ping(_ request: Wire.PingRequest = Wire.PingRequest(), deadline: Duration? = nil) async throws
        -> Wire.PingResponse
    {
        try await call(Methods.ping, request, deadline: deadline)
    }

    public func serverInfo(deadline: Duration? = nil) async throws -> Wire.ServerInfoResponse {
        try await call(Methods.serverInfo, Wire.ServerInfoRequest(), deadline: deadline)
    }

    public func snapshot(deadline: Duration? = nil) async throws -> Wire.SnapshotResponse {
        try await call(Methods.snapshot, Wire.SnapshotRequest(), deadline: deadline)
    }

    public func createStore(_ request: Wire.CreateStoreRequest, deadline: Duration? = nil) async throws
        -> Wire.CreateStoreResponse
    {
        try await call(Methods.createStore, request, deadline: deadline)
    }

    public func getStore(_ request: Wire.GetStoreRequest, deadline: Duration? = nil) async throws
        -> Wire.GetStoreResponse
    {
        try await call(Methods.getStore, request, deadline: deadline)
    }

    public func listStores(_ request: Wire.ListStoresRequest = Wire.ListStoresRequest(), deadline: Duration? = nil)
        async throws
        -> Wire.ListStoresResponse
    {
        try await call(Methods.listStores, request, deadline: deadline)
    }

    public func updateStore(_ request: Wire.UpdateStoreRequest, deadline: Duration? = nil) async throws
        -> Wire.UpdateStoreResponse
    {
        try await call(Methods.updateStore, request, deadline: deadline)
    }

    public func deleteStore(_ request: Wire.DeleteStoreRequest, deadline: Duration? = nil) async throws
        -> Wire.DeleteStoreResponse
    {
        try await call(Methods.deleteStore, request, deadline: deadline)
    }

    public func getIdentitySettings(_ request: Wire.GetIdentitySettingsRequest, deadline: Duration? = nil) async throws
        -> Wire.GetIdentitySettingsResponse
    {
        try await call(Methods.getIdentitySettings, request, deadline: deadline)
    }

    public func putIdentitySettings(_ request: Wire.PutIdentitySettingsRequest, deadline: Duration? = nil) async throws
        -> Wire.PutIdentitySettingsResponse
    {
        try await call(Methods.putIdentitySettings, request, deadline: deadline)
    }

    public func resolveIdentity(_ request: Wire.ResolveIdentityRequest, deadline: Duration? = nil) async throws
        -> Wire.ResolveIdentityResponse
    {
        try await call(Methods.resolveIdentity, request, deadline: deadline)
    }

    public func lookupProfiles(_ request: Wire.LookupProfilesRequest, deadline: Duration? = nil) async throws
        -> Wire.LookupProfilesResponse
    {
        try await call(Methods.lookupProfiles, request, deadline: deadline)
    }

    public func getProfile(_ request: Wire.GetProfileRequest, deadline: Duration? = nil) async throws
        -> Wire.GetProfileResponse
    {
        try await call(Methods.getProfile, request, deadline: deadline)
    }

    public func updateTraits(_ request: Wire.UpdateTraitsRequest, deadline: Duration? = nil) async throws
        -> Wire.UpdateTraitsResponse
    {
        try await call(Methods.updateTraits, request, deadline: deadline)
    }

    public func deleteProfile(_ request: Wire.DeleteProfileRequest, deadline: Duration? = nil) async throws
        -> Wire.DeleteProfileResponse
    {
        try await call(Methods.deleteProfile, request, deadline: deadline)
    }

    public func observe(_ request: Wire.ObserveRequest, deadline: Duration? = nil) async throws -> Wire.ObserveResponse
    {
        try await call(Methods.observe, request, deadline: deadline)
    }

    public func listObservations(_ request: Wire.ListObservationsRequest, deadline: Duration? = nil) async throws
        -> Wire.ListObservationsResponse
    {
        try await call(Methods.listObservations, request, deadline: deadline)
    }

    public func listObservationRevisions(_ request: Wire.ListObservationRevisionsRequest, deadline: Duration? = nil)
        async throws -> Wire.ListObservationRevisionsResponse
    {
        try await call(Methods.listObservationRevisions, request, deadline: deadline)
    }

    public func deleteObservation(_ request: Wire.DeleteObservationRequest, deadline: Duration? = nil) async throws
        -> Wire.DeleteObservationResponse
    {
        try await call(Methods.deleteObservation, request, deadline: deadline)
    }

    public func listProfiles(_ request: Wire.ListProfilesRequest, deadline: Duration? = nil) async throws
        -> Wire.ListProfilesResponse
    {
        try await call(Methods.listProfiles, request, deadline: deadline)
    }

    public func listSummaries(_ request: Wire.ListSummariesRequest, deadline: Duration? = nil) async throws
        -> Wire.ListSummariesResponse
    {
        try await call(Methods.listSummaries, request, deadline: deadline)
    }

    public func appendCommunications(_ request: Wire.AppendCommunicationsRequest, deadline: Duration? = nil)
        async throws -> Wire.AppendCommunicationsResponse
    {
        try await call(Methods.appendCommunications, request, deadline: deadline)
    }

    public func closeConversation(_ request: Wire.CloseConversationRequest, deadline: Duration? = nil) async throws
        -> Wire.CloseConversationResponse
    {
        try await call(Methods.closeConversation, request, deadline: deadline)
    }

    public func getConversation(_ request: Wire.GetConversationRequest, deadline: Duration? = nil) async throws
        -> Wire.GetConversationResponse
    {
        try await call(Methods.getConversation, request, deadline: deadline)
    }

    public func listConversations(_ request: Wire.ListConversationsRequest, deadline: Duration? = nil) async throws
        -> Wire.ListConversationsResponse
    {
        try await call(Methods.listConversations, request, deadline: deadline)
    }

    public func listCommunications(_ request: Wire.ListCommunicationsRequest, deadline: Duration? = nil) async throws
        -> Wire.ListCommunicationsResponse
    {
        try await call(Methods.listCommunications, request, deadline: deadline)
    }

    public func recall(_ request: Wire.RecallRequest, deadline: Duration? = nil) async throws -> Wire.RecallResponse {
        try await call(Methods.recall, request, deadline: deadline)
    }
}
