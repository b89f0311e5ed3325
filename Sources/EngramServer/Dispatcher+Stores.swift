import EngramCore
import EngramWire

extension Dispatcher {
    func createStore(_ r: Wire.CreateStoreRequest, _ context: RequestContext) throws(ServiceError) -> (
        Wire.CreateStoreResponse, UInt64
    ) {
        let settings = try r.conversationSettings.map { (w) throws(ServiceError) in
            try self.engineConversationSettings(w, field: "conversation_settings")
        }
        let result = try engineCall { () throws(EngineError) in
            try engine.createStore(
                displayName: r.displayName, description: r.description, conversationSettings: settings)
        }
        var response = Wire.CreateStoreResponse()
        response.store = Wire.Store(result.store)
        return (response, result.logPosition)
    }

    func getStore(_ r: Wire.GetStoreRequest, _ context: RequestContext) throws(ServiceError) -> Wire.GetStoreResponse {
        let store = try engineCall { () throws(EngineError) in try engine.getStore(r.storeId) }
        var response = Wire.GetStoreResponse()
        response.store = Wire.Store(store)
        return response
    }

    /// Stores ordered by id; the page token is the last id of the previous page.
    func listStores(_ r: Wire.ListStoresRequest, _ context: RequestContext) throws(ServiceError)
        -> Wire.ListStoresResponse
    {
        let page = try engineCall { () throws(EngineError) in
            try engine.listStores(pageSize: Int(r.pageSize), pageToken: r.pageToken) { context.canSee(store: $0.id) }
        }
        var response = Wire.ListStoresResponse()
        response.stores = page.stores.map(Wire.Store.init)
        response.nextPageToken = page.nextPageToken ?? ""
        return response
    }

    func updateStore(_ r: Wire.UpdateStoreRequest, _ context: RequestContext) throws(ServiceError) -> (
        Wire.UpdateStoreResponse, UInt64
    ) {
        try requireField(r.storeId, "store_id")
        let settings = try r.conversationSettings.map { (w) throws(ServiceError) in
            try self.engineConversationSettings(w, field: "conversation_settings")
        }
        let result = try engineCall { () throws(EngineError) in
            try engine.updateStore(
                r.storeId, displayName: r.displayName, description: r.description, conversationSettings: settings)
        }
        var response = Wire.UpdateStoreResponse()
        response.store = Wire.Store(result.store)
        return (response, result.logPosition)
    }

    func deleteStore(_ r: Wire.DeleteStoreRequest, _ context: RequestContext) throws(ServiceError) -> (
        Wire.DeleteStoreResponse, UInt64
    ) {
        try requireField(r.storeId, "store_id")
        let receipt = try engineCall { () throws(EngineError) in try engine.deleteStore(r.storeId) }
        var w = Wire.DeletionReceipt()
        w.profiles = UInt64(receipt.profilesErased)
        w.observations = UInt64(receipt.observationsErased)
        w.logSequence = receipt.logPosition
        w.erasedAtUs = receipt.erasedAt
        var response = Wire.DeleteStoreResponse()
        response.receipt = w
        return (response, receipt.logPosition)
    }

    func getIdentitySettings(_ r: Wire.GetIdentitySettingsRequest, _ context: RequestContext) throws(ServiceError)
        -> Wire.GetIdentitySettingsResponse
    {
        let settings = try engineCall { () throws(EngineError) in try engine.getIdentitySettings(storeID: r.storeId) }
        var response = Wire.GetIdentitySettingsResponse()
        response.settings = Wire.IdentitySettings(settings)
        return response
    }

    func putIdentitySettings(_ r: Wire.PutIdentitySettingsRequest, _ context: RequestContext) throws(ServiceError) -> (
        Wire.PutIdentitySettingsResponse, UInt64
    ) {
        try requireField(r.storeId, "store_id")
        guard let wire = r.settings else { throw ServiceError.invalid("settings", "is required") }
        let settings = try engineSettings(wire)
        let result = try engineCall { () throws(EngineError) in
            try engine.putIdentitySettings(storeID: r.storeId, settings)
        }
        var response = Wire.PutIdentitySettingsResponse()
        response.settings = Wire.IdentitySettings(result.settings)
        return (response, result.logPosition)
    }
}
