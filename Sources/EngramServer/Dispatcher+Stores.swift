import EngramCore
import EngramWire

extension Dispatcher {
    func createStore(_ r: CreateStoreRequest, _ context: RequestContext) throws(ServiceError) -> (
        CreateStoreResponse, UInt64
    ) {
        let result = try engineCall { () throws(EngineError) in
            try engine.createStore(displayName: r.displayName, description: r.description)
        }
        var response = CreateStoreResponse()
        response.store = EngramWire.Store(result.store)
        return (response, result.logPosition)
    }

    func getStore(_ r: GetStoreRequest, _ context: RequestContext) throws(ServiceError) -> GetStoreResponse {
        let store = try engineCall { () throws(EngineError) in try engine.getStore(r.storeId) }
        var response = GetStoreResponse()
        response.store = EngramWire.Store(store)
        return response
    }

    /// Stores ordered by id; the page token is the last id of the previous page.
    func listStores(_ r: ListStoresRequest, _ context: RequestContext) throws(ServiceError) -> ListStoresResponse {
        let page = try engineCall { () throws(EngineError) in
            try engine.listStores(pageSize: Int(r.pageSize), pageToken: r.pageToken) { context.canSee(store: $0.id) }
        }
        var response = ListStoresResponse()
        response.stores = page.stores.map(EngramWire.Store.init)
        response.nextPageToken = page.nextPageToken ?? ""
        return response
    }

    func updateStore(_ r: UpdateStoreRequest, _ context: RequestContext) throws(ServiceError) -> (
        UpdateStoreResponse, UInt64
    ) {
        try requireField(r.storeId, "store_id")
        let result = try engineCall { () throws(EngineError) in
            try engine.updateStore(r.storeId, displayName: r.displayName, description: r.description)
        }
        var response = UpdateStoreResponse()
        response.store = EngramWire.Store(result.store)
        return (response, result.logPosition)
    }

    func deleteStore(_ r: DeleteStoreRequest, _ context: RequestContext) throws(ServiceError) -> (
        DeleteStoreResponse, UInt64
    ) {
        try requireField(r.storeId, "store_id")
        let receipt = try engineCall { () throws(EngineError) in try engine.deleteStore(r.storeId) }
        var w = DeletionReceipt()
        w.profiles = UInt64(receipt.profilesErased)
        w.observations = UInt64(receipt.observationsErased)
        w.logSequence = receipt.logPosition
        w.erasedAtUs = receipt.erasedAt
        var response = DeleteStoreResponse()
        response.receipt = w
        return (response, receipt.logPosition)
    }

    func getIdentitySettings(_ r: GetIdentitySettingsRequest, _ context: RequestContext) throws(ServiceError)
        -> GetIdentitySettingsResponse
    {
        let settings = try engineCall { () throws(EngineError) in try engine.getIdentitySettings(storeID: r.storeId) }
        var response = GetIdentitySettingsResponse()
        response.settings = EngramWire.IdentitySettings(settings)
        return response
    }

    func putIdentitySettings(_ r: PutIdentitySettingsRequest, _ context: RequestContext) throws(ServiceError) -> (
        PutIdentitySettingsResponse, UInt64
    ) {
        try requireField(r.storeId, "store_id")
        guard let wire = r.settings else { throw ServiceError.invalid("settings", "is required") }
        let settings = try engineSettings(wire)
        let result = try engineCall { () throws(EngineError) in
            try engine.putIdentitySettings(storeID: r.storeId, settings)
        }
        var response = PutIdentitySettingsResponse()
        response.settings = EngramWire.IdentitySettings(result.settings)
        return (response, result.logPosition)
    }
}
