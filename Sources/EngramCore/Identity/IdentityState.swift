import Synchronization

/// A store's identity index: who owns each normalised identifier, and where merged-away
/// ids now point. Guarded by its store's own lock; ResolveIdentity serialises on it.
struct IdentityState {
    /// Set when the store is deleted, so a caller that found the box just before sees it gone.
    var deleted = false
    var settings: IdentitySettings
    /// Holds `Regex` values (not Sendable): never leaves the lock.
    var compiled: CompiledIdentitySettings
    /// (type, value) → the canonical profiles holding it, sorted; one for unique types.
    var owners: PersistentMap<IdentifierKey, [String]> = [:]
    /// Merged-away id → its canonical id (always the final one; rewritten on later merges).
    var aliases: PersistentMap<String, String> = [:]

    init(settings: IdentitySettings) {
        self.settings = settings
        self.compiled = CompiledIdentitySettings(settings)
    }

    mutating func addOwner(_ profileID: String, of key: IdentifierKey) {
        var list = owners[key] ?? []
        if let index = list.firstIndex(where: { $0 >= profileID }) {
            if list[index] != profileID { list.insert(profileID, at: index) }
        } else {
            list.append(profileID)
        }
        owners[key] = list
    }

    mutating func removeOwner(_ profileID: String, of key: IdentifierKey) {
        guard var list = owners[key] else { return }
        list.removeAll { $0 == profileID }
        owners[key] = list.isEmpty ? nil : list
    }
}

/// The lock around one store's identity state. The catalog maps store ids to these.
final class StoreIdentity: Sendable {
    let storeID: String
    let state: Mutex<IdentityState>
    /// Which profile holds each conversation, and which conversations wait on a timer or an
    /// extractor. Taken last: after shard locks, and nothing is taken while it is held.
    let conversations = Mutex(ConversationDirectory())

    init(storeID: String, state: sending IdentityState) {
        self.storeID = storeID
        self.state = Mutex(state)
    }
}
