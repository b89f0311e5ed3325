import Crypto

/// The API keys a server accepts, each with a role. Only SHA-256 hashes are held.
///
/// The keys file has one key per line; `#` starts a comment:
/// ```
/// sha256:<64 hex digits> role=admin name=ops
/// sha256:<64 hex digits> role=read-write stores=st_01,st_02 name=eu-agents
/// sha256:<64 hex digits> role=read-only stores=st_01 rate=50/s burst=100
/// ```
/// `engramd hash-key KEY` prints the hash of a key. `rate=` (`N`, `N/s`, `N/min`, `N/h`) limits
/// the key's requests, over all its connections and both doors; `burst=` is how many may come
/// at once (default: a second's worth). Past it, requests are answered RESOURCE_EXHAUSTED with
/// `retry_after_ms`.
public struct APIKeys: Sendable {
    /// What a key may do.
    public enum Role: Sendable, Hashable, CustomStringConvertible {
        /// Every store, and the control plane (stores, settings, snapshots).
        case admin
        /// Reads and writes in the named stores.
        case readWrite(stores: Set<String>)
        /// Reads in the named stores.
        case readOnly(stores: Set<String>)

        public var description: String {
            switch self {
            case .admin: "admin"
            case .readWrite: "read-write"
            case .readOnly: "read-only"
            }
        }
    }

    struct Entry: Sendable {
        var hash: [UInt8]
        var role: Role
        var name: String
        var limit: RateLimit?
        /// The key's bucket (unlimited when `limit` is nil): shared by its connections.
        var bucket: TokenBucket

        init(hash: [UInt8], role: Role, name: String, limit: RateLimit? = nil) {
            self.hash = hash
            self.role = role
            self.name = name
            self.limit = limit
            self.bucket = TokenBucket(limit: limit)
        }
    }

    /// Why a keys file could not be read.
    public struct LoadError: Error, CustomStringConvertible, Sendable {
        public var line: Int
        public var message: String
        public var description: String { "keys file line \(line): \(message)" }
    }

    var entries: [Entry] = []

    public init() {}

    /// Whether no key is configured (authentication is off; loopback only).
    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    /// Adds a key given in clear, e.g. from a development flag.
    public mutating func add(key: String, role: Role, name: String = "", limit: RateLimit? = nil) {
        entries.append(Entry(hash: Self.hash(key), role: role, name: name, limit: limit))
    }

    /// Parses a keys file's text.
    public init(fileContents: String) throws(LoadError) {
        var lineNumber = 0
        for raw in fileContents.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let tokens = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let first = tokens.first else { continue }
            guard first.hasPrefix("sha256:"), let hash = Self.hex(first.dropFirst(7)), hash.count == 32 else {
                throw LoadError(line: lineNumber, message: "expected sha256:<64 hex digits> first")
            }
            var role: String?
            var stores: Set<String> = []
            var name = ""
            var rate: RateLimit?
            var burst: Double?
            for token in tokens.dropFirst() {
                let parts = token.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else {
                    throw LoadError(line: lineNumber, message: "expected key=value, found '\(token)'")
                }
                switch parts[0] {
                case "role": role = String(parts[1])
                case "stores": stores = Set(parts[1].split(separator: ",").map(String.init))
                case "name": name = String(parts[1])
                case "rate":
                    guard let parsed = RateLimit(rate: parts[1]) else {
                        throw LoadError(
                            line: lineNumber, message: "rate must be N, N/s, N/min or N/h with N > 0, not '\(parts[1])'"
                        )
                    }
                    rate = parsed
                case "burst":
                    guard let parsed = Double(parts[1]), parsed.isFinite, parsed >= 1 else {
                        throw LoadError(line: lineNumber, message: "burst must be a number ≥ 1, not '\(parts[1])'")
                    }
                    burst = parsed
                default: throw LoadError(line: lineNumber, message: "unknown setting '\(parts[0])'")
                }
            }
            let parsed: Role
            switch role {
            case "admin":
                guard stores.isEmpty else { throw LoadError(line: lineNumber, message: "an admin key takes no stores") }
                parsed = .admin
            case "read-write", "read-only":
                guard !stores.isEmpty else {
                    throw LoadError(line: lineNumber, message: "a \(role!) key needs stores=ID[,ID...]")
                }
                parsed = role == "read-write" ? .readWrite(stores: stores) : .readOnly(stores: stores)
            case nil: throw LoadError(line: lineNumber, message: "missing role=admin|read-write|read-only")
            case let other?: throw LoadError(line: lineNumber, message: "unknown role '\(other)'")
            }
            if burst != nil, rate == nil {
                throw LoadError(line: lineNumber, message: "burst= needs a rate= on the same line")
            }
            let limit = rate.map { RateLimit(perSecond: $0.perSecond, burst: burst) }
            entries.append(Entry(hash: hash, role: parsed, name: name, limit: limit))
        }
    }

    /// These keys, each given the bucket the same key had in `old` (with its new limit), so a
    /// reload keeps what each key has spent.
    func keepingBuckets(of old: APIKeys) -> APIKeys {
        var kept = self
        for i in kept.entries.indices {
            guard let previous = old.entries.first(where: { $0.hash == kept.entries[i].hash }) else { continue }
            previous.bucket.change(to: kept.entries[i].limit)
            kept.entries[i].bucket = previous.bucket
        }
        return kept
    }

    /// The role of `key`, or nil. Every entry is compared in constant time, and all of them are
    /// always compared, so timing reveals neither the key nor which entry matched.
    package func authenticate(_ key: String) -> (role: Role, name: String, bucket: TokenBucket)? {
        let digest = Self.hash(key)
        var match: Entry?
        for entry in entries {
            var diff: UInt8 = 0
            for i in 0..<32 { diff |= entry.hash[i] ^ digest[i] }
            if diff == 0 { match = entry }
        }
        return match.map { ($0.role, $0.name, $0.bucket) }
    }

    /// Whether a connection that authenticated as (`role`, `name`) with the key hashed
    /// `digest` may stay open under these keys: the same key with the same role and name.
    func stillGrants(digest: [UInt8], role: Role, name: String) -> Bool {
        entries.contains { $0.hash == digest && $0.role == role && $0.name == name }
    }

    /// The hex SHA-256 of a key, as the keys file wants it.
    public static func hashLine(for key: String) -> String {
        "sha256:" + hash(key).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    static func hash(_ key: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(key.utf8)))
    }

    static func hex(_ s: Substring) -> [UInt8]? {
        let chars = Array(s.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        for i in stride(from: 0, to: chars.count, by: 2) {
            guard let hi = Self.nibble(chars[i]), let lo = Self.nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
