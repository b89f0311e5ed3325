import EngramRecall
import Synchronization

/// One knowledge base's documents, chunks and search index, under its own lock: searches
/// copy it out in O(1) (its containers are shared until written) and rank with no lock held.
final class KnowledgeBaseBox: Sendable {
    let state: Mutex<KnowledgeBaseState>
    init(_ state: KnowledgeBaseState) { self.state = Mutex(state) }
}

struct KnowledgeBaseState: Sendable {
    var base: KnowledgeBase
    /// Set under this lock when the base (or its store) is erased, so a write that found the
    /// box before the erasure fails instead of logging after it.
    var deleted = false
    /// Ready documents, by id.
    var items: [String: Knowledge] = [:]
    /// Each document's chunks, in order.
    var chunks: [String: [KnowledgeChunk]] = [:]
    /// Chunks by `KnowledgeChunk.key`; the source column holds the document id.
    var corpus = RecallCorpus(keepingFlatSketch: true)
    /// The same chunks' title and headings, put and removed in lockstep with `corpus` so each
    /// chunk has the same slot in both (`RecallCorpus.rankFields`).
    var headings = RecallCorpus()

    init(base: KnowledgeBase) { self.base = base }

    var chunkCount: Int { corpus.count }

    /// The base with its counts.
    var summary: KnowledgeBase {
        var base = base
        base.knowledgeCount = items.count
        base.chunkCount = corpus.count
        return base
    }

    /// Takes a document's chunks out of the index.
    mutating func removeChunks(of knowledgeID: String) {
        for chunk in chunks.removeValue(forKey: knowledgeID) ?? [] {
            corpus.remove(id: chunk.key)
            headings.remove(id: chunk.key)
        }
    }

    /// Indexes a document's chunks (its old ones must be gone). `embedder` made the vectors;
    /// a nil vector is built from the text by the hashed embedder.
    mutating func insert(
        _ chunks: [KnowledgeChunk], vectors: [[Float]?], headingVectors: [[Float]?], embedder: String
    ) {
        if corpus.count == 0 {
            corpus.reserve(chunks.count, dimension: vectors.first??.count ?? 0)
            headings.reserve(chunks.count, dimension: headingVectors.first??.count ?? 0)
        }
        for (i, chunk) in chunks.enumerated() {
            let text = chunk.indexedText
            corpus.put(
                id: chunk.key, text: vectors[i] == nil ? nil : AnalyzedText(text), source: chunk.knowledgeID,
                occurredAt: 0, active: true, vector: vectors[i].map { .given($0) } ?? .hashed(text), space: embedder)
            let heading = chunk.headingText
            headings.put(
                id: chunk.key, text: headingVectors[i] == nil ? nil : AnalyzedText(heading),
                source: chunk.knowledgeID, occurredAt: 0, active: true,
                vector: headingVectors[i].map { .given($0) } ?? .hashed(heading), space: embedder)
            assert(corpus.slotByID[chunk.key] == headings.slotByID[chunk.key], "the two fields' slots must agree")
        }
        if let first = chunks.first { self.chunks[first.knowledgeID] = chunks }
    }
}

/// Every store's knowledge bases, and the documents being ingested right now.
struct KnowledgeCatalog: Sendable {
    /// Store id → base id → box.
    var stores: [String: [String: KnowledgeBaseBox]] = [:]
    /// Documents whose add or update call is still chunking and embedding, or that failed
    /// there (kept so GetKnowledge can say why), by "base/document". Not logged: an
    /// ingestion that never finished was never acknowledged.
    var ingesting: [String: Knowledge] = [:]
    /// Failed entries, oldest first, so `ingesting` stays bounded.
    var failures: [String] = []

    static let keptFailures = 256

    func box(_ storeID: String, _ baseID: String) -> KnowledgeBaseBox? { stores[storeID]?[baseID] }

    mutating func fail(_ key: String, reason: String) {
        guard var item = ingesting[key] else { return }
        item.status = .failed
        item.failure = reason
        ingesting[key] = item
        failures.append(key)
        if failures.count > Self.keptFailures { ingesting[failures.removeFirst()] = nil }
    }
}

/// A knowledge base change's result.
public struct KnowledgeBaseResult: Sendable, Hashable {
    public var knowledgeBase: KnowledgeBase
    /// The command's log sequence number (0 without a journal).
    public var logPosition: UInt64
}

/// A document change's result.
public struct KnowledgeResult: Sendable, Hashable {
    public var knowledge: Knowledge
    public var logPosition: UInt64
}

/// What a knowledge deletion erased.
public struct KnowledgeDeletionReceipt: Sendable, Hashable {
    /// The erased base's or document's id.
    public var id: String
    public var knowledgeErased: Int
    public var chunksErased: Int
    public var logPosition: UInt64
    public var erasedAt: Int64
}

extension KnowledgeBaseState {
    /// As plain values: documents by id, chunks by document id then index, each with its
    /// stored vector unless the embedder rebuilds it from the text.
    var snapshot: KnowledgeBaseSnapshot {
        let derived = EmbedderIdentity.isRebuiltFromText(corpus.space)
        let ids = items.keys.sorted()
        var rows: [KnowledgeChunkSnapshot] = []
        rows.reserveCapacity(corpus.count)
        for id in ids {
            for chunk in chunks[id] ?? [] {
                rows.append(
                    KnowledgeChunkSnapshot(
                        chunk: chunk, embedding: derived ? nil : corpus.vector(of: chunk.key),
                        headingEmbedding: derived ? nil : headings.vector(of: chunk.key)))
            }
        }
        return KnowledgeBaseSnapshot(
            base: summary, items: ids.compactMap { items[$0] }, chunks: rows,
            embedder: corpus.vectorCount > 0 ? corpus.space : nil)
    }

    /// Rebuilt from a snapshot.
    init(snapshot: KnowledgeBaseSnapshot) {
        self.init(base: snapshot.base)
        for item in snapshot.items { items[item.id] = item }
        var start = 0
        let rows = snapshot.chunks
        corpus.reserve(rows.count, dimension: rows.first?.embedding?.count ?? 0)
        headings.reserve(rows.count, dimension: rows.first?.headingEmbedding?.count ?? 0)
        while start < rows.count {
            let id = rows[start].chunk.knowledgeID
            var end = start
            while end < rows.count, rows[end].chunk.knowledgeID == id { end += 1 }
            insert(
                rows[start..<end].map(\.chunk), vectors: rows[start..<end].map(\.embedding),
                headingVectors: rows[start..<end].map(\.headingEmbedding), embedder: snapshot.embedder ?? "")
            start = end
        }
    }
}
