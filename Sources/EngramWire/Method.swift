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

    /// The method's descriptor: its types and who may call it.
    public var descriptor: AnyMethodDescriptor { Methods.byID[Int(rawValue)]! }
}

/// The method table: one typed descriptor per method of `service Memory`. FRAMING.md's method
/// table and the proto's service are checked against it by a test.
public enum Methods {
    public static let hello = MethodDescriptor<HelloRequest, HelloResponse>.anyone(.hello)
    public static let ping = MethodDescriptor<PingRequest, PingResponse>.anyone(.ping)
    public static let serverInfo = MethodDescriptor<ServerInfoRequest, ServerInfoResponse>.anyone(.serverInfo)
    public static let snapshot = MethodDescriptor<SnapshotRequest, SnapshotResponse>.admin(.snapshot)
    public static let createStore = MethodDescriptor<CreateStoreRequest, CreateStoreResponse>.admin(.createStore)
    public static let getStore = MethodDescriptor<GetStoreRequest, GetStoreResponse>.read(.getStore)
    /// Any caller: a store-scoped key is shown only its own stores.
    public static let listStores = MethodDescriptor<ListStoresRequest, ListStoresResponse>.anyone(.listStores)
    public static let updateStore = MethodDescriptor<UpdateStoreRequest, UpdateStoreResponse>.admin(.updateStore)
    public static let deleteStore = MethodDescriptor<DeleteStoreRequest, DeleteStoreResponse>.admin(.deleteStore)
    public static let getIdentitySettings = MethodDescriptor<GetIdentitySettingsRequest, GetIdentitySettingsResponse>
        .read(.getIdentitySettings)
    public static let putIdentitySettings = MethodDescriptor<PutIdentitySettingsRequest, PutIdentitySettingsResponse>
        .admin(.putIdentitySettings)
    public static let resolveIdentity = MethodDescriptor<ResolveIdentityRequest, ResolveIdentityResponse>.write(
        .resolveIdentity)
    public static let lookupProfiles = MethodDescriptor<LookupProfilesRequest, LookupProfilesResponse>.read(
        .lookupProfiles)
    public static let getProfile = MethodDescriptor<GetProfileRequest, GetProfileResponse>.read(.getProfile)
    public static let updateTraits = MethodDescriptor<UpdateTraitsRequest, UpdateTraitsResponse>.write(.updateTraits)
    public static let deleteProfile = MethodDescriptor<DeleteProfileRequest, DeleteProfileResponse>.write(
        .deleteProfile)
    public static let observe = MethodDescriptor<ObserveRequest, ObserveResponse>.write(.observe)
    public static let listObservations = MethodDescriptor<ListObservationsRequest, ListObservationsResponse>.read(
        .listObservations)
    public static let listObservationRevisions =
        MethodDescriptor<ListObservationRevisionsRequest, ListObservationRevisionsResponse>.read(
            .listObservationRevisions)
    public static let deleteObservation = MethodDescriptor<DeleteObservationRequest, DeleteObservationResponse>.write(
        .deleteObservation)
    public static let recall = MethodDescriptor<RecallRequest, RecallResponse>.read(.recall)

    /// Every method, in id order.
    public static let all: [AnyMethodDescriptor] = [
        hello.erased, ping.erased, serverInfo.erased, snapshot.erased,
        createStore.erased, getStore.erased, listStores.erased, updateStore.erased, deleteStore.erased,
        getIdentitySettings.erased, putIdentitySettings.erased,
        resolveIdentity.erased, lookupProfiles.erased, getProfile.erased, updateTraits.erased, deleteProfile.erased,
        observe.erased, listObservations.erased, listObservationRevisions.erased, deleteObservation.erased,
        recall.erased,
    ]

    /// Descriptors indexed by method id.
    static let byID: [AnyMethodDescriptor?] = {
        var table = [AnyMethodDescriptor?](repeating: nil, count: Int(all.map(\.id).max()!) + 1)
        for method in all {
            precondition(table[Int(method.id)] == nil, "method id \(method.id) is used twice")
            table[Int(method.id)] = method
        }
        precondition(Set(all.map(\.method)) == Set(Method.allCases), "every Method has exactly one descriptor")
        return table
    }()
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
