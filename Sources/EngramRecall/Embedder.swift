/// Turns texts into fixed-length vectors whose cosine similarity says how alike they are.
///
/// Recall scores observations by the cosine of their embedding with the query's. The engine
/// calls `embed` at Observe time, before the write is applied, and stores the vectors in
/// the command, so replaying the log never calls the embedder again. A batch is one call so
/// that a model-backed embedder can run it as one batch.
///
/// Implementations must be thread-safe: the engine calls them from any thread, concurrently.
public protocol Embedder: Sendable {
    /// A short stable name reported by ServerInfo and recorded with every vector it made,
    /// e.g. "hashed-v1".
    var name: String { get }
    /// The length of every vector `embed` returns.
    var dimension: Int { get }
    /// Identifies the exact model or feature set within `name` (a weights checksum, say):
    /// vectors of two versions are not comparable. Default "1".
    var version: String { get }
    /// True when a call costs milliseconds, not microseconds (a neural model): the server
    /// then runs the calls that embed off its event loops. Default false.
    var isExpensive: Bool { get }
    /// True when a vector is not a sum over the text's words (a transformer reads each word in
    /// its context): it then matches paraphrases that share no word, and knowledge search
    /// weighs its cosine above BM25. Default false.
    var isContextual: Bool { get }
    /// One vector of `dimension` floats per text, in order. They need not be normalised:
    /// the index normalises what it stores.
    func embed(_ texts: [String]) -> [[Float]]
    /// One query's vector; an embedder may answer repeated queries from a cache.
    /// Default: `embed([text])`.
    func embedQuery(_ text: String) -> [Float]
    /// Whether `embedQuery(text)` would be answered at once (from a cache) rather than
    /// computed. Default: `!isExpensive`.
    func hasCachedQuery(_ text: String) -> Bool
    /// True when a vector is a pure function of its text, bit for bit, so the log and the
    /// snapshots keep none and build it again from the text. Default false.
    var rebuildsVectorsFromText: Bool { get }
    /// The query analysed once so that Recall can weight its words by their rarity in each
    /// corpus it ranks (`RecallConfiguration.reweightQuery`), or nil if this embedder cannot
    /// (a transformer's vector is not a sum over words). Default nil.
    func termWeightedQuery(_ text: String) -> (any TermWeightedQuery)?
}

/// A query's vector kept as a sum over its words, so it can be made again with each word
/// scaled: Recall weights a word by its rarity in the corpus it ranks (idf over the largest
/// idf there), as BM25 weights terms, so a name that every fact repeats does not decide the
/// cosine.
public protocol TermWeightedQuery: Sendable {
    /// The length of the vectors `vector(termScale:)` returns.
    var dimension: Int { get }
    /// The query's vector with each word's part scaled by `termScale(term hash)` (the hash of
    /// its stemmed term, as `Tokenizer` makes it), L2-normalised.
    func vector(termScale: (UInt64) -> Float) -> [Float]
}

extension Embedder {
    public var version: String { "1" }
    public var isExpensive: Bool { false }
    public var isContextual: Bool { false }
    public func embedQuery(_ text: String) -> [Float] { embed([text]).first ?? [] }
    public func hasCachedQuery(_ text: String) -> Bool { !isExpensive }
    public var rebuildsVectorsFromText: Bool { false }
    public func termWeightedQuery(_ text: String) -> (any TermWeightedQuery)? { nil }
    /// Name, version and dimension together: what a store records of the vectors it holds.
    public var identity: EmbedderIdentity { EmbedderIdentity(name: name, version: version, dimension: dimension) }
}

/// Which embedder made a set of vectors. Two vectors are comparable only if their
/// identities are equal.
public struct EmbedderIdentity: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var version: String
    public var dimension: Int

    public init(name: String, version: String, dimension: Int) {
        self.name = name
        self.version = version
        self.dimension = dimension
    }

    public var description: String { "\(name)@\(version)/\(dimension)" }

    /// The built-in embedders whose vectors are rebuilt from the text (`rebuildsVectorsFromText`).
    private static let rebuiltFromText: Set<String> = Set(
        ([HashedEmbedder.standard] as [any Embedder]).filter(\.rebuildsVectorsFromText).map(\.identity.description))

    /// Whether vectors recorded as made by `embedder` (an identity's `description`) are rebuilt
    /// from their text rather than kept: what the log and the snapshots ask before storing one.
    public static func isRebuiltFromText(_ embedder: String?) -> Bool {
        embedder.map(rebuiltFromText.contains) ?? false
    }
}
