/// The methods of `service Memory`, by their numeric id on the wire.
public enum Method: UInt16, CaseIterable, Sendable, CustomStringConvertible {
    case hello = 1
    case ping = 2
    case serverInfo = 3
    case snapshot = 4
    case createStore = 10
    case getStore = 11
    case listStores = 12
    case updateStore = 13
    case deleteStore = 14
    case getIdentitySettings = 15
    case putIdentitySettings = 16
    case resolveIdentity = 20
    case lookupProfiles = 21
    case getProfile = 22
    case updateTraits = 23
    case deleteProfile = 24
    case observe = 30
    case listObservations = 31
    case listObservationRevisions = 32
    case deleteObservation = 33
    case recall = 40

    /// The method's name in the schema, e.g. `Observe`.
    public var description: String {
        switch self {
        case .hello: "Hello"
        case .ping: "Ping"
        case .serverInfo: "ServerInfo"
        case .snapshot: "Snapshot"
        case .createStore: "CreateStore"
        case .getStore: "GetStore"
        case .listStores: "ListStores"
        case .updateStore: "UpdateStore"
        case .deleteStore: "DeleteStore"
        case .getIdentitySettings: "GetIdentitySettings"
        case .putIdentitySettings: "PutIdentitySettings"
        case .resolveIdentity: "ResolveIdentity"
        case .lookupProfiles: "LookupProfiles"
        case .getProfile: "GetProfile"
        case .updateTraits: "UpdateTraits"
        case .deleteProfile: "DeleteProfile"
        case .observe: "Observe"
        case .listObservations: "ListObservations"
        case .listObservationRevisions: "ListObservationRevisions"
        case .deleteObservation: "DeleteObservation"
        case .recall: "Recall"
        }
    }

    /// The message types a method takes and returns.
    public var messageTypes: (request: any ProtoMessage.Type, response: any ProtoMessage.Type) {
        switch self {
        case .hello: (HelloRequest.self, HelloResponse.self)
        case .ping: (PingRequest.self, PingResponse.self)
        case .serverInfo: (ServerInfoRequest.self, ServerInfoResponse.self)
        case .snapshot: (SnapshotRequest.self, SnapshotResponse.self)
        case .createStore: (CreateStoreRequest.self, CreateStoreResponse.self)
        case .getStore: (GetStoreRequest.self, GetStoreResponse.self)
        case .listStores: (ListStoresRequest.self, ListStoresResponse.self)
        case .updateStore: (UpdateStoreRequest.self, UpdateStoreResponse.self)
        case .deleteStore: (DeleteStoreRequest.self, DeleteStoreResponse.self)
        case .getIdentitySettings: (GetIdentitySettingsRequest.self, GetIdentitySettingsResponse.self)
        case .putIdentitySettings: (PutIdentitySettingsRequest.self, PutIdentitySettingsResponse.self)
        case .resolveIdentity: (ResolveIdentityRequest.self, ResolveIdentityResponse.self)
        case .lookupProfiles: (LookupProfilesRequest.self, LookupProfilesResponse.self)
        case .getProfile: (GetProfileRequest.self, GetProfileResponse.self)
        case .updateTraits: (UpdateTraitsRequest.self, UpdateTraitsResponse.self)
        case .deleteProfile: (DeleteProfileRequest.self, DeleteProfileResponse.self)
        case .observe: (ObserveRequest.self, ObserveResponse.self)
        case .listObservations: (ListObservationsRequest.self, ListObservationsResponse.self)
        case .listObservationRevisions: (ListObservationRevisionsRequest.self, ListObservationRevisionsResponse.self)
        case .deleteObservation: (DeleteObservationRequest.self, DeleteObservationResponse.self)
        case .recall: (RecallRequest.self, RecallResponse.self)
        }
    }
}

/// Every message type of the schema, by name; for tools and tests that pick a type at run time.
public enum MessageRegistry {
    public static let all: [any ProtoMessage.Type] = [
        Status.self, FieldViolation.self, GoAway.self,
        HelloRequest.self, HelloResponse.self, PingRequest.self, PingResponse.self,
        ServerInfoRequest.self, ServerInfoResponse.self, SnapshotRequest.self, SnapshotResponse.self,
        Store.self, CreateStoreRequest.self, CreateStoreResponse.self, GetStoreRequest.self,
        GetStoreResponse.self, ListStoresRequest.self, ListStoresResponse.self, UpdateStoreRequest.self,
        UpdateStoreResponse.self, DeleteStoreRequest.self, DeleteStoreResponse.self, DeletionReceipt.self,
        IdentifierRule.self, IdentitySettings.self, GetIdentitySettingsRequest.self,
        GetIdentitySettingsResponse.self, PutIdentitySettingsRequest.self, PutIdentitySettingsResponse.self,
        Identifier.self, StringList.self, TraitValue.self, TraitGroup.self, Profile.self,
        DemotedIdentifier.self, ResolveIdentityRequest.self, ResolveIdentityResponse.self,
        LookupProfilesRequest.self, LookupProfilesResponse.self, GetProfileRequest.self,
        GetProfileResponse.self, UpdateTraitsRequest.self, UpdateTraitsResponse.self,
        DeleteProfileRequest.self, DeleteProfileResponse.self,
        Observation.self, NewObservation.self, Summary.self, NewSummary.self, Participant.self,
        Communication.self, ObservationResult.self, ObserveRequest.self, ObserveResponse.self,
        ListObservationsRequest.self, ListObservationsResponse.self, ObservationRevision.self,
        ListObservationRevisionsRequest.self, ListObservationRevisionsResponse.self,
        DeleteObservationRequest.self, DeleteObservationResponse.self,
        RecallRequest.self, ScoreExplanation.self, ScoredObservation.self, ScoredSummary.self,
        RecallResponse.self,
    ]

    /// Looks a type up by its short (`ObserveRequest`) or full (`engram.v1.ObserveRequest`) name.
    public static func type(named name: String) -> (any ProtoMessage.Type)? {
        let short = name.hasPrefix("engram.v1.") ? String(name.dropFirst(10)) : name
        return byName[short]
    }

    private static let byName: [String: any ProtoMessage.Type] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.protoMessageName, $0) })
}
