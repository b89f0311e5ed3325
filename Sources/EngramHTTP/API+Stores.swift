import EngramWire
import Hummingbird

/// `/v1/ControlPlane/Stores[/{storeId}[/IdentityResolutionSettings]]`.
extension API {
    func addStoreRoutes(to router: Router<Context>) {
        let stores = router.group("v1/ControlPlane/Stores")
        stores.post { request, context in
            let b = try await body(CreateStoreBody.self, request, context)
            var q = Wire.CreateStoreRequest()
            q.displayName = b.displayName ?? ""
            q.description = b.description ?? ""
            q.conversationSettings = b.conversationSettings?.wire
            let r = try await call(Methods.createStore, q, context)
            return json(StoreJSON(r.store ?? Wire.Store()), status: .created)
        }
        stores.get { request, context in
            let page = try page(request, order: "ASC")
            var q = Wire.ListStoresRequest()
            q.pageSize = page.size
            q.pageToken = page.token
            let r = try await call(Methods.listStores, q, context)
            return json(
                StoresPage(
                    stores: r.stores.map(StoreJSON.init),
                    meta: PageMeta(key: "stores", page: page, next: r.nextPageToken)))
        }
        stores.get("{storeId}") { _, context in
            var q = Wire.GetStoreRequest()
            q.storeId = try parameter("storeId", context)
            let r = try await call(Methods.getStore, q, context)
            return json(StoreJSON(r.store ?? Wire.Store()))
        }
        stores.patch("{storeId}") { request, context in
            let b = try await body(UpdateStoreBody.self, request, context)
            var q = Wire.UpdateStoreRequest()
            q.storeId = try parameter("storeId", context)
            q.displayName = b.displayName
            q.description = b.description
            q.conversationSettings = b.conversationSettings?.wire
            let r = try await call(Methods.updateStore, q, context)
            return json(StoreJSON(r.store ?? Wire.Store()))
        }
        stores.delete("{storeId}") { _, context in
            var q = Wire.DeleteStoreRequest()
            q.storeId = try parameter("storeId", context)
            let r = try await call(Methods.deleteStore, q, context)
            return json(StoreDeletedJSON(id: q.storeId, deleted: DeletionJSON(r.receipt)))
        }
        stores.get("{storeId}/IdentityResolutionSettings") { _, context in
            var q = Wire.GetIdentitySettingsRequest()
            q.storeId = try parameter("storeId", context)
            let r = try await call(Methods.getIdentitySettings, q, context)
            return json(IdentitySettingsJSON(r.settings))
        }
        stores.put("{storeId}/IdentityResolutionSettings") { request, context in
            let b = try await body(IdentitySettingsJSON.self, request, context)
            var q = Wire.PutIdentitySettingsRequest()
            q.storeId = try parameter("storeId", context)
            q.settings = b.wire
            let r = try await call(Methods.putIdentitySettings, q, context)
            return json(IdentitySettingsJSON(r.settings))
        }
    }
}

struct StoresPage: Encodable {
    var stores: [StoreJSON]
    var meta: PageMeta
}
