extension Engine {
    /// Creates a store. The display name is 1–64 characters of `[A-Za-z0-9-]`, unique among
    /// stores ignoring case (else `alreadyExists`); the description at most 128 characters.
    public func createStore(
        displayName: String, description: String = "", conversationSettings: ConversationSettings? = nil
    ) throws(EngineError) -> StoreResult {
        var problems = Violations()
        if let problem = Store.displayNameProblem(displayName) { problems.add("display_name", problem) }
        if let problem = Store.descriptionProblem(description) { problems.add("description", problem) }
        conversationSettings?.validate(path: "conversation_settings", into: &problems)
        try problems.check()
        let command = Command.CreateStore(
            storeID: newID(.store), displayName: displayName, description: description, at: now(),
            conversationSettings: conversationSettings)
        guard case .store(let result) = try apply(.createStore(command), .live) else { throw .unexpectedOutput }
        return result
    }

    /// The store with this id.
    public func getStore(_ storeID: String) throws(EngineError) -> Store {
        try requireIDs(["store_id": storeID])
        guard let store = catalog.withLock({ $0.stores[storeID] }) else { throw .storeNotFound(storeID) }
        return store
    }

    /// All stores, oldest first.
    public func listStores() -> [Store] {
        catalog.withLock { Array($0.stores.values) }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// One page of the stores `visible` admits, ordered by id; the page token is the last id of
    /// the previous page. `pageSize` 0 means `limits.defaultPageSize`; the most is
    /// `limits.maxPageSize`.
    public func listStores(pageSize: Int, pageToken: String?, visible: (Store) -> Bool = { _ in true })
        throws(EngineError)
        -> (stores: [Store], nextPageToken: String?)
    {
        let maxPage = configuration.limits.maxPageSize
        if pageSize < 0 || pageSize > maxPage {
            throw EngineError.field("page_size", "must be between 0 and \(maxPage); got \(pageSize)")
        }
        let size = pageSize == 0 ? configuration.limits.defaultPageSize : pageSize
        let sorted = listStores().filter(visible).sorted { $0.id < $1.id }
        let remaining =
            pageToken.map { token in token.isEmpty ? sorted[...] : sorted.drop { $0.id <= token } } ?? sorted[...]
        let page = Array(remaining.prefix(size))
        return (page, remaining.count > size ? page.last?.id : nil)
    }

    /// Changes a store's display name and/or description; nil leaves a field unchanged.
    public func updateStore(
        _ storeID: String, displayName: String? = nil, description: String? = nil,
        conversationSettings: ConversationSettings? = nil
    )
        throws(EngineError)
        -> StoreResult
    {
        try requireIDs(["store_id": storeID])
        var problems = Violations()
        if let displayName, let problem = Store.displayNameProblem(displayName) {
            problems.add("display_name", problem)
        }
        if let description, let problem = Store.descriptionProblem(description) { problems.add("description", problem) }
        conversationSettings?.validate(path: "conversation_settings", into: &problems)
        try problems.check()
        let command = Command.UpdateStore(
            storeID: storeID, displayName: displayName, description: description, at: now(),
            conversationSettings: conversationSettings)
        guard case .store(let result) = try apply(.updateStore(command), .live) else { throw .unexpectedOutput }
        return result
    }

    /// Deletes a store and erases everything in it.
    public func deleteStore(_ storeID: String) throws(EngineError) -> StoreDeletionReceipt {
        try requireIDs(["store_id": storeID])
        let command = Command.DeleteStore(storeID: storeID, at: now())
        guard case .storeDeleted(let receipt) = try apply(.deleteStore(command), .live) else { throw .unexpectedOutput }
        return receipt
    }

    // MARK: Apply

    func applyCreateStore(_ c: Command.CreateStore, _ mode: ApplyMode) throws(EngineError) -> StoreResult {
        try catalog.withLock { (catalog: inout CatalogState) throws(EngineError) -> StoreResult in
            if catalog.stores[c.storeID] != nil {
                throw EngineError.field("store_id", "a store \"\(c.storeID)\" already exists", code: .alreadyExists)
            }
            try Self.requireUniqueName(c.displayName, except: nil, in: catalog)
            let store = Store(
                id: c.storeID, displayName: c.displayName, description: c.description, createdAt: c.at, updatedAt: c.at,
                conversationSettings: c.conversationSettings ?? ConversationSettings())
            catalog.stores[c.storeID] = store
            catalog.identities[c.storeID] = StoreIdentity(
                storeID: c.storeID, state: IdentityState(settings: IdentitySettings.default))
            return StoreResult(store: store, logPosition: record(.createStore(c), mode))
        }
    }

    func applyUpdateStore(_ c: Command.UpdateStore, _ mode: ApplyMode) throws(EngineError) -> StoreResult {
        try catalog.withLock { (catalog: inout CatalogState) throws(EngineError) -> StoreResult in
            guard var store = catalog.stores[c.storeID] else { throw .storeNotFound(c.storeID) }
            if let name = c.displayName { try Self.requireUniqueName(name, except: c.storeID, in: catalog) }
            store.displayName = c.displayName ?? store.displayName
            store.description = c.description ?? store.description
            store.conversationSettings = c.conversationSettings ?? store.conversationSettings
            store.updatedAt = c.at
            catalog.stores[c.storeID] = store
            return StoreResult(store: store, logPosition: record(.updateStore(c), mode))
        }
    }

    func applyDeleteStore(_ c: Command.DeleteStore, _ mode: ApplyMode) throws(EngineError) -> StoreDeletionReceipt {
        try catalog.withLock { (catalog: inout CatalogState) throws(EngineError) -> StoreDeletionReceipt in
            guard catalog.stores[c.storeID] != nil, let identity = catalog.identities[c.storeID] else {
                throw .storeNotFound(c.storeID)
            }
            return identity.state.withLock { (ids: inout IdentityState) -> StoreDeletionReceipt in
                withShards(Array(shards.indices)) {
                    (_: inout [Int: Int], states: inout [ShardState]) -> StoreDeletionReceipt in
                    var profiles = 0
                    var observations = 0
                    for index in states.indices {
                        let (p, o) = states[index].removeStore(c.storeID)
                        profiles += p
                        observations += o
                    }
                    catalog.stores[c.storeID] = nil
                    catalog.identities[c.storeID] = nil
                    eraseKnowledge(ofStore: c.storeID)
                    ids = IdentityState(settings: IdentitySettings.default)
                    ids.deleted = true
                    return StoreDeletionReceipt(
                        storeID: c.storeID, profilesErased: profiles, observationsErased: observations,
                        logPosition: record(.deleteStore(c), mode), erasedAt: c.at)
                }
            }
        }
    }

    private static func requireUniqueName(_ name: String, except id: String?, in catalog: CatalogState)
        throws(EngineError)
    {
        let folded = name.lowercased()
        if let clash = catalog.stores.values.first(where: { $0.id != id && $0.displayName.lowercased() == folded }) {
            throw EngineError.field(
                "display_name", "store \"\(clash.id)\" is already called \"\(clash.displayName)\"", code: .alreadyExists
            )
        }
    }
}
