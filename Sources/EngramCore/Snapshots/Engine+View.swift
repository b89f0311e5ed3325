extension Engine {
    /// A consistent cut across all stores and shards. It briefly holds every lock, in the
    /// global order (catalog, store identities by id, shards by index), and copies each
    /// state: O(1) per shard, since the dictionaries are persistent and share their nodes.
    /// Every journaled command was appended under one of those locks, so the view holds
    /// exactly the commands up to `logPosition`.
    public func view() -> EngineView {
        catalog.withLock { catalog in
            let identities = catalog.identities.sorted { $0.key < $1.key }.map(\.value)
            var settings: [String: IdentitySettings] = [:]
            var aliases: [String: PersistentMap<String, String>] = [:]
            return withIdentities(identities[...], &settings, &aliases) { settings, aliases in
                // The position is read while every shard lock is still held: an Observe takes
                // only its shard's lock, so one read after unlocking could be counted and yet
                // be missing from the states (and a snapshot tagged so would lose it).
                let (states, position, bases) = withShards(Array(shards.indices)) {
                    (_: inout [Int: Int], states: inout [ShardState]) in
                    // Knowledge writes journal under their base's lock: hold them all too.
                    knowledge.withLock { books in
                        let boxes = books.stores.flatMap { store in store.value.values.map { (store.key, $0) } }
                        var bases: [String: [KnowledgeBaseState]] = [:]
                        return withBases(boxes[...], &bases) { bases in
                            (states, appliedPosition.load(ordering: .relaxed), bases)
                        }
                    }
                }
                return EngineView(
                    logPosition: position, catalog: catalog.stores, settingsByStore: settings, aliasesByStore: aliases,
                    shards: states, knowledge: bases.mapValues { $0.sorted { $0.base.id < $1.base.id } })
            }
        }
    }

    private func withBases<R: Sendable>(
        _ boxes: ArraySlice<(String, KnowledgeBaseBox)>, _ bases: inout [String: [KnowledgeBaseState]],
        _ body: ([String: [KnowledgeBaseState]]) -> R
    ) -> R {
        guard let (storeID, box) = boxes.first else { return body(bases) }
        return box.state.withLock { state in
            bases[storeID, default: []].append(state)
            return withBases(boxes.dropFirst(), &bases, body)
        }
    }

    private func withIdentities(
        _ identities: ArraySlice<StoreIdentity>, _ settings: inout [String: IdentitySettings],
        _ aliases: inout [String: PersistentMap<String, String>],
        _ body: ([String: IdentitySettings], [String: PersistentMap<String, String>]) -> EngineView
    ) -> EngineView {
        guard let first = identities.first else { return body(settings, aliases) }
        return first.state.withLock { state in
            settings[first.storeID] = state.settings
            aliases[first.storeID] = state.aliases
            return withIdentities(identities.dropFirst(), &settings, &aliases, body)
        }
    }
}
