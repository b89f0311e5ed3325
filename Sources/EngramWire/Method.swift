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
    case listProfiles = 25
    case observe = 30
    case listObservations = 31
    case listObservationRevisions = 32
    case deleteObservation = 33
    case listSummaries = 34
    case appendCommunications = 35
    case closeConversation = 36
    case getConversation = 37
    case listConversations = 38
    case listCommunications = 39
    case recall = 40
    case createKnowledgeBase = 50
    case getKnowledgeBase = 51
    case listKnowledgeBases = 52
    case updateKnowledgeBase = 53
    case deleteKnowledgeBase = 54
    case addKnowledge = 55
    case getKnowledge = 56
    case listKnowledge = 57
    case updateKnowledge = 58
    case deleteKnowledge = 59
    case listChunks = 60
    case searchKnowledge = 61

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
        case .listProfiles: "ListProfiles"
        case .observe: "Observe"
        case .listObservations: "ListObservations"
        case .listObservationRevisions: "ListObservationRevisions"
        case .deleteObservation: "DeleteObservation"
        case .listSummaries: "ListSummaries"
        case .appendCommunications: "AppendCommunications"
        case .closeConversation: "CloseConversation"
        case .getConversation: "GetConversation"
        case .listConversations: "ListConversations"
        case .listCommunications: "ListCommunications"
        case .recall: "Recall"
        case .createKnowledgeBase: "CreateKnowledgeBase"
        case .getKnowledgeBase: "GetKnowledgeBase"
        case .listKnowledgeBases: "ListKnowledgeBases"
        case .updateKnowledgeBase: "UpdateKnowledgeBase"
        case .deleteKnowledgeBase: "DeleteKnowledgeBase"
        case .addKnowledge: "AddKnowledge"
        case .getKnowledge: "GetKnowledge"
        case .listKnowledge: "ListKnowledge"
        case .updateKnowledge: "UpdateKnowledge"
        case .deleteKnowledge: "DeleteKnowledge"
        case .listChunks: "ListChunks"
        case .searchKnowledge: "SearchKnowledge"
        }
    }

    /// The method's descriptor: its types and who may call it.
    public var descriptor: AnyMethodDescriptor { Methods.byID[Int(rawValue)]! }
}

/// The method table: one typed descriptor per method of `service Memory`. FRAMING.md's method
/// table and the proto's service are checked against it by a test.
public enum Methods {
    public static let hello = MethodDescriptor<Wire.HelloRequest, Wire.HelloResponse>.anyone(.hello)
    public static let ping = MethodDescriptor<Wire.PingRequest, Wire.PingResponse>.anyone(.ping)
    public static let serverInfo = MethodDescriptor<Wire.ServerInfoRequest, Wire.ServerInfoResponse>.anyone(.serverInfo)
    public static let snapshot = MethodDescriptor<Wire.SnapshotRequest, Wire.SnapshotResponse>.admin(.snapshot)
    public static let createStore = MethodDescriptor<Wire.CreateStoreRequest, Wire.CreateStoreResponse>.admin(
        .createStore)
    public static let getStore = MethodDescriptor<Wire.GetStoreRequest, Wire.GetStoreResponse>.read(.getStore)
    /// Any caller: a store-scoped key is shown only its own stores.
    public static let listStores = MethodDescriptor<Wire.ListStoresRequest, Wire.ListStoresResponse>.anyone(.listStores)
    public static let updateStore = MethodDescriptor<Wire.UpdateStoreRequest, Wire.UpdateStoreResponse>.admin(
        .updateStore)
    public static let deleteStore = MethodDescriptor<Wire.DeleteStoreRequest, Wire.DeleteStoreResponse>.admin(
        .deleteStore)
    public static let getIdentitySettings = MethodDescriptor<
        Wire.GetIdentitySettingsRequest, Wire.GetIdentitySettingsResponse
    >
    .read(.getIdentitySettings)
    public static let putIdentitySettings = MethodDescriptor<
        Wire.PutIdentitySettingsRequest, Wire.PutIdentitySettingsResponse
    >
    .admin(.putIdentitySettings)
    public static let resolveIdentity = MethodDescriptor<Wire.ResolveIdentityRequest, Wire.ResolveIdentityResponse>
        .write(
            .resolveIdentity)
    public static let lookupProfiles = MethodDescriptor<Wire.LookupProfilesRequest, Wire.LookupProfilesResponse>.read(
        .lookupProfiles)
    public static let getProfile = MethodDescriptor<Wire.GetProfileRequest, Wire.GetProfileResponse>.read(.getProfile)
    public static let updateTraits = MethodDescriptor<Wire.UpdateTraitsRequest, Wire.UpdateTraitsResponse>.write(
        .updateTraits)
    public static let deleteProfile = MethodDescriptor<Wire.DeleteProfileRequest, Wire.DeleteProfileResponse>.write(
        .deleteProfile)
    public static let observe = MethodDescriptor<Wire.ObserveRequest, Wire.ObserveResponse>.write(.observe)
    public static let listObservations = MethodDescriptor<Wire.ListObservationsRequest, Wire.ListObservationsResponse>
        .read(
            .listObservations)
    public static let listObservationRevisions =
        MethodDescriptor<Wire.ListObservationRevisionsRequest, Wire.ListObservationRevisionsResponse>.read(
            .listObservationRevisions)
    public static let deleteObservation = MethodDescriptor<
        Wire.DeleteObservationRequest, Wire.DeleteObservationResponse
    >.write(
        .deleteObservation)
    public static let recall = MethodDescriptor<Wire.RecallRequest, Wire.RecallResponse>.read(.recall)
    public static let listProfiles = MethodDescriptor<Wire.ListProfilesRequest, Wire.ListProfilesResponse>.read(
        .listProfiles)
    public static let listSummaries = MethodDescriptor<Wire.ListSummariesRequest, Wire.ListSummariesResponse>.read(
        .listSummaries)
    public static let appendCommunications = MethodDescriptor<
        Wire.AppendCommunicationsRequest, Wire.AppendCommunicationsResponse
    >.write(.appendCommunications)
    public static let closeConversation = MethodDescriptor<
        Wire.CloseConversationRequest, Wire.CloseConversationResponse
    >.write(.closeConversation)
    public static let getConversation = MethodDescriptor<Wire.GetConversationRequest, Wire.GetConversationResponse>
        .read(.getConversation)
    public static let listConversations = MethodDescriptor<
        Wire.ListConversationsRequest, Wire.ListConversationsResponse
    >.read(.listConversations)
    public static let listCommunications = MethodDescriptor<
        Wire.ListCommunicationsRequest, Wire.ListCommunicationsResponse
    >.read(.listCommunications)

    public static let createKnowledgeBase = MethodDescriptor<
        Wire.CreateKnowledgeBaseRequest, Wire.CreateKnowledgeBaseResponse
    >.write(.createKnowledgeBase)
    public static let getKnowledgeBase = MethodDescriptor<Wire.GetKnowledgeBaseRequest, Wire.GetKnowledgeBaseResponse>
        .read(.getKnowledgeBase)
    public static let listKnowledgeBases = MethodDescriptor<
        Wire.ListKnowledgeBasesRequest, Wire.ListKnowledgeBasesResponse
    >.read(.listKnowledgeBases)
    public static let updateKnowledgeBase = MethodDescriptor<
        Wire.UpdateKnowledgeBaseRequest, Wire.UpdateKnowledgeBaseResponse
    >.write(.updateKnowledgeBase)
    public static let deleteKnowledgeBase = MethodDescriptor<
        Wire.DeleteKnowledgeBaseRequest, Wire.DeleteKnowledgeBaseResponse
    >.write(.deleteKnowledgeBase)
    public static let addKnowledge = MethodDescriptor<Wire.AddKnowledgeRequest, Wire.AddKnowledgeResponse>.write(
        .addKnowledge)
    public static let getKnowledge = MethodDescriptor<Wire.GetKnowledgeRequest, Wire.GetKnowledgeResponse>.read(
        .getKnowledge)
    public static let listKnowledge = MethodDescriptor<Wire.ListKnowledgeRequest, Wire.ListKnowledgeResponse>.read(
        .listKnowledge)
    public static let updateKnowledge = MethodDescriptor<Wire.UpdateKnowledgeRequest, Wire.UpdateKnowledgeResponse>
        .write(.updateKnowledge)
    public static let deleteKnowledge = MethodDescriptor<Wire.DeleteKnowledgeRequest, Wire.DeleteKnowledgeResponse>
        .write(.deleteKnowledge)
    public static let listChunks = MethodDescriptor<Wire.ListChunksRequest, Wire.ListChunksResponse>.read(.listChunks)
    public static let searchKnowledge = MethodDescriptor<Wire.SearchKnowledgeRequest, Wire.SearchKnowledgeResponse>
        .read(.searchKnowledge)

    /// Every method, in id order.
    public static let all: [AnyMethodDescriptor] = [
        hello.erased, ping.erased, serverInfo.erased, snapshot.erased,
        createStore.erased, getStore.erased, listStores.erased, updateStore.erased, deleteStore.erased,
        getIdentitySettings.erased, putIdentitySettings.erased,
        resolveIdentity.erased, lookupProfiles.erased, getProfile.erased, updateTraits.erased, deleteProfile.erased,
        listProfiles.erased,
        observe.erased, listObservations.erased, listObservationRevisions.erased, deleteObservation.erased,
        listSummaries.erased,
        appendCommunications.erased, closeConversation.erased, getConversation.erased, listConversations.erased,
        listCommunications.erased,
        recall.erased,
        createKnowledgeBase.erased, getKnowledgeBase.erased, listKnowledgeBases.erased, updateKnowledgeBase.erased,
        deleteKnowledgeBase.erased, addKnowledge.erased, getKnowledge.erased, listKnowledge.erased,
        updateKnowledge.erased, deleteKnowledge.erased, listChunks.erased, searchKnowledge.erased,
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
        Wire.Status.self, Wire.FieldViolation.self, Wire.GoAway.self,
        Wire.HelloRequest.self, Wire.HelloResponse.self, Wire.PingRequest.self, Wire.PingResponse.self,
        Wire.ServerInfoRequest.self, Wire.ServerInfoResponse.self, Wire.SnapshotRequest.self,
        Wire.SnapshotResponse.self,
        Wire.Store.self, Wire.CreateStoreRequest.self, Wire.CreateStoreResponse.self, Wire.GetStoreRequest.self,
        Wire.GetStoreResponse.self, Wire.ListStoresRequest.self, Wire.ListStoresResponse.self,
        Wire.UpdateStoreRequest.self,
        Wire.UpdateStoreResponse.self, Wire.DeleteStoreRequest.self, Wire.DeleteStoreResponse.self,
        Wire.DeletionReceipt.self,
        Wire.IdentifierRule.self, Wire.IdentitySettings.self, Wire.GetIdentitySettingsRequest.self,
        Wire.GetIdentitySettingsResponse.self, Wire.PutIdentitySettingsRequest.self,
        Wire.PutIdentitySettingsResponse.self,
        Wire.Identifier.self, Wire.StringList.self, Wire.TraitValue.self, Wire.TraitGroup.self, Wire.Profile.self,
        Wire.DemotedIdentifier.self, Wire.ResolveIdentityRequest.self, Wire.ResolveIdentityResponse.self,
        Wire.LookupProfilesRequest.self, Wire.LookupProfilesResponse.self, Wire.GetProfileRequest.self,
        Wire.GetProfileResponse.self, Wire.UpdateTraitsRequest.self, Wire.UpdateTraitsResponse.self,
        Wire.DeleteProfileRequest.self, Wire.DeleteProfileResponse.self, Wire.ListProfilesRequest.self,
        Wire.ListProfilesResponse.self,
        Wire.Observation.self, Wire.NewObservation.self, Wire.Summary.self, Wire.NewSummary.self, Wire.Participant.self,
        Wire.Communication.self, Wire.ObservationResult.self, Wire.ObserveRequest.self, Wire.ObserveResponse.self,
        Wire.ListObservationsRequest.self, Wire.ListObservationsResponse.self, Wire.ObservationRevision.self,
        Wire.ListObservationRevisionsRequest.self, Wire.ListObservationRevisionsResponse.self,
        Wire.DeleteObservationRequest.self, Wire.DeleteObservationResponse.self, Wire.ListSummariesRequest.self,
        Wire.ListSummariesResponse.self,
        Wire.ConversationSettings.self, Wire.Conversation.self, Wire.AppendCommunicationsRequest.self,
        Wire.AppendCommunicationsResponse.self, Wire.CloseConversationRequest.self, Wire.CloseConversationResponse.self,
        Wire.GetConversationRequest.self, Wire.GetConversationResponse.self, Wire.ListConversationsRequest.self,
        Wire.ListConversationsResponse.self, Wire.ListCommunicationsRequest.self, Wire.ListCommunicationsResponse.self,
        Wire.RecallRequest.self, Wire.ScoreExplanation.self, Wire.ScoredObservation.self, Wire.ScoredSummary.self,
        Wire.ScoredCommunication.self, Wire.RecallResponse.self,
        Wire.KnowledgeBase.self, Wire.MetadataEntry.self, Wire.Knowledge.self, Wire.KnowledgeChunk.self,
        Wire.ScoredKnowledgeChunk.self, Wire.CreateKnowledgeBaseRequest.self, Wire.CreateKnowledgeBaseResponse.self,
        Wire.GetKnowledgeBaseRequest.self, Wire.GetKnowledgeBaseResponse.self, Wire.ListKnowledgeBasesRequest.self,
        Wire.ListKnowledgeBasesResponse.self, Wire.UpdateKnowledgeBaseRequest.self,
        Wire.UpdateKnowledgeBaseResponse.self, Wire.DeleteKnowledgeBaseRequest.self,
        Wire.DeleteKnowledgeBaseResponse.self, Wire.AddKnowledgeRequest.self, Wire.AddKnowledgeResponse.self,
        Wire.GetKnowledgeRequest.self, Wire.GetKnowledgeResponse.self, Wire.ListKnowledgeRequest.self,
        Wire.ListKnowledgeResponse.self, Wire.UpdateKnowledgeRequest.self, Wire.UpdateKnowledgeResponse.self,
        Wire.DeleteKnowledgeRequest.self, Wire.DeleteKnowledgeResponse.self, Wire.ListChunksRequest.self,
        Wire.ListChunksResponse.self, Wire.SearchKnowledgeRequest.self, Wire.SearchKnowledgeResponse.self,
    ]

    /// Looks a type up by its short (`ObserveRequest`) or full (`engram.v1.ObserveRequest`) name.
    public static func type(named name: String) -> (any ProtoMessage.Type)? {
        let short = name.hasPrefix("engram.v1.") ? String(name.dropFirst(10)) : name
        return byName[short]
    }

    private static let byName: [String: any ProtoMessage.Type] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.protoMessageName, $0) })
}
