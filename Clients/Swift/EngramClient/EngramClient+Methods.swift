import EngramWire

// One method per RPC of `service Memory`. Each throws `EngramClientError` on failure.
extension EngramClient {
    public func ping(_ request: PingRequest = PingRequest(), deadline: Duration? = nil) async throws -> PingResponse {
        try await call(Methods.ping, request, deadline: deadline)
    }

    public func serverInfo(deadline: Duration? = nil) async throws -> ServerInfoResponse {
        try await call(Methods.serverInfo, ServerInfoRequest(), deadline: deadline)
    }

    public func snapshot(deadline: Duration? = nil) async throws -> SnapshotResponse {
        try await call(Methods.snapshot, SnapshotRequest(), deadline: deadline)
    }

    public func createStore(_ request: CreateStoreRequest, deadline: Duration? = nil) async throws
        -> CreateStoreResponse
    {
        try await call(Methods.createStore, request, deadline: deadline)
    }

    public func getStore(_ request: GetStoreRequest, deadline: Duration? = nil) async throws -> GetStoreResponse {
        try await call(Methods.getStore, request, deadline: deadline)
    }

    public func listStores(_ request: ListStoresRequest = ListStoresRequest(), deadline: Duration? = nil) async throws
        -> ListStoresResponse
    {
        try await call(Methods.listStores, request, deadline: deadline)
    }

    public func updateStore(_ request: UpdateStoreRequest, deadline: Duration? = nil) async throws
        -> UpdateStoreResponse
    {
        try await call(Methods.updateStore, request, deadline: deadline)
    }

    public func deleteStore(_ request: DeleteStoreRequest, deadline: Duration? = nil) async throws
        -> DeleteStoreResponse
    {
        try await call(Methods.deleteStore, request, deadline: deadline)
    }

    public func getIdentitySettings(_ request: GetIdentitySettingsRequest, deadline: Duration? = nil) async throws
        -> GetIdentitySettingsResponse
    {
        try await call(Methods.getIdentitySettings, request, deadline: deadline)
    }

    public func putIdentitySettings(_ request: PutIdentitySettingsRequest, deadline: Duration? = nil) async throws
        -> PutIdentitySettingsResponse
    {
        try await call(Methods.putIdentitySettings, request, deadline: deadline)
    }

    public func resolveIdentity(_ request: ResolveIdentityRequest, deadline: Duration? = nil) async throws
        -> ResolveIdentityResponse
    {
        try await call(Methods.resolveIdentity, request, deadline: deadline)
    }

    public func lookupProfiles(_ request: LookupProfilesRequest, deadline: Duration? = nil) async throws
        -> LookupProfilesResponse
    {
        try await call(Methods.lookupProfiles, request, deadline: deadline)
    }

    public func getProfile(_ request: GetProfileRequest, deadline: Duration? = nil) async throws -> GetProfileResponse {
        try await call(Methods.getProfile, request, deadline: deadline)
    }

    public func updateTraits(_ request: UpdateTraitsRequest, deadline: Duration? = nil) async throws
        -> UpdateTraitsResponse
    {
        try await call(Methods.updateTraits, request, deadline: deadline)
    }

    public func deleteProfile(_ request: DeleteProfileRequest, deadline: Duration? = nil) async throws
        -> DeleteProfileResponse
    {
        try await call(Methods.deleteProfile, request, deadline: deadline)
    }

    public func observe(_ request: ObserveRequest, deadline: Duration? = nil) async throws -> ObserveResponse {
        try await call(Methods.observe, request, deadline: deadline)
    }

    public func listObservations(_ request: ListObservationsRequest, deadline: Duration? = nil) async throws
        -> ListObservationsResponse
    {
        try await call(Methods.listObservations, request, deadline: deadline)
    }

    public func listObservationRevisions(_ request: ListObservationRevisionsRequest, deadline: Duration? = nil)
        async throws -> ListObservationRevisionsResponse
    {
        try await call(Methods.listObservationRevisions, request, deadline: deadline)
    }

    public func deleteObservation(_ request: DeleteObservationRequest, deadline: Duration? = nil) async throws
        -> DeleteObservationResponse
    {
        try await call(Methods.deleteObservation, request, deadline: deadline)
    }

    public func recall(_ request: RecallRequest, deadline: Duration? = nil) async throws -> RecallResponse {
        try await call(Methods.recall, request, deadline: deadline)
    }
}
