/// Turns texts into fixed-length vectors whose cosine similarity says how alike they are.
///
/// Recall scores observations by the cosine of their embedding with the query's. The engine
/// calls `embed` at Observe time, before the write is applied, and stores the vectors in
/// the command, so replaying the log never calls the embedder again. A batch is one call so
/// that a model-backed embedder can run it as one batch.
///
/// Implementations must be thread-safe: the engine calls them from any thread, concurrently.
public protocol Embedder: Sendable {
    /// A short stable name reported by ServerInfo, e.g. "hashed-v1".
    var name: String { get }
    /// The length of every vector `embed` returns.
    var dimension: Int { get }
    /// One vector of `dimension` floats per text, in order. They need not be normalised:
    /// the index normalises what it stores.
    func embed(_ texts: [String]) -> [[Float]]
}
