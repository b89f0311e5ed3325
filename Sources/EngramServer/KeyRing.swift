import Synchronization

/// The API keys in force. engramd replaces them when SIGHUP asks it to reload the keys file
/// (`EngramServer.reloadKeys`); every authentication reads the current set, so a new key works
/// at once and a removed one is refused from then on.
public final class KeyRing: Sendable {
    private let keys: Mutex<APIKeys>

    public init(_ keys: APIKeys) {
        self.keys = Mutex(keys)
    }

    /// The keys now in force.
    public var current: APIKeys { keys.withLock { $0 } }

    /// Puts `new` in force; a key in both keeps its rate limit's bucket.
    func replace(with new: APIKeys) {
        keys.withLock { $0 = new.keepingBuckets(of: $0) }
    }
}

/// The key a connection authenticated with, kept so that a reload can tell whether the
/// connection may stay open.
struct Credential: Sendable {
    var digest: [UInt8]
    var role: APIKeys.Role
    var name: String
}
