import EngramRecall
import Foundation

/// Static embeddings distilled from all-MiniLM-L6-v2 (`StaticDistillation`, run by
/// `scripts/distill-static`): a text's vector is the L2-normalised sum of its WordPiece
/// pieces' rows. No forward pass, so a query costs microseconds and needs no cache.
///
/// `@unchecked Sendable`: `rows` points into the read-only mapping `file` keeps alive for
/// the embedder's life; nothing is written after `init`.
public final class StaticEmbedder: Embedder, @unchecked Sendable {
    public let name = "static"
    public let dimension: Int
    /// A digest of the table's file: another table gets another version, so their vectors
    /// are never compared.
    public let version: String
    /// How the table was made (from its header).
    public let metadata: [String: String]

    public let tokenizer: WordPieceTokenizer
    let file: SafeTensorsFile
    let rows: UnsafeBufferPointer<Float>

    /// Loads the table in `directory` (vocab.txt and embeddings.safetensors). Fails naming the
    /// missing or malformed file, with how to make the table.
    public init(directory: URL) throws(EmbeddingError) {
        for file in [StaticTable.vocabularyFile, StaticTable.embeddingsFile]
        where !FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path) {
            throw EmbeddingError(
                .missingFile,
                "\(directory.path) has no \(file): make the static table with scripts/distill-static (after scripts/fetch-model)"
            )
        }
        tokenizer = try WordPieceTokenizer(
            vocabularyFile: directory.appendingPathComponent(StaticTable.vocabularyFile), maxLength: 4_096)
        file = try SafeTensorsFile(url: directory.appendingPathComponent(StaticTable.embeddingsFile))
        guard let info = file.tensors["embeddings"], info.shape.count == 2 else {
            throw EmbeddingError(.badModel, "\(file.path) has no two-dimensional tensor named embeddings")
        }
        guard info.shape[0] == tokenizer.pieces.count, info.shape[1] > 0 else {
            throw EmbeddingError(
                .badModel,
                "\(file.path): embeddings has shape \(info.shape) but the vocabulary has \(tokenizer.pieces.count) pieces"
            )
        }
        dimension = info.shape[1]
        rows = try file.floats("embeddings", shape: info.shape)
        version = file.contentDigest()
        metadata = file.metadata
    }

    public func embed(_ texts: [String]) -> [[Float]] {
        texts.map { vector(pieces: tokenizer.pieceIDs($0)) }
    }

    /// The normalised sum of the pieces' rows (all zeros if none has a row).
    public func vector(pieces: [Int32]) -> [Float] {
        let d = dimension
        var vector = [Float](repeating: 0, count: d)
        vector.withUnsafeMutableBufferPointer { v in
            let base = rows.baseAddress!
            for id in pieces where id >= 0 && Int(id) < tokenizer.pieces.count {
                let row = base + Int(id) * d
                for j in 0..<d { v[j] += row[j] }
            }
            normalize(v)
        }
        return vector
    }
}

extension StaticEmbedder {
    public func termWeightedQuery(_ text: String) -> (any TermWeightedQuery)? {
        StaticWeightedQuery(text, embedder: self)
    }
}

/// A query's static vector kept as one partial sum per word, so Recall can scale each word
/// by its rarity in the corpus it ranks: by √rarity, gentler than the hashed embedder's
/// rarity, since SIF already weighted the rows by how common the word is in English; a word
/// Recall's tokenizer does not index (a stop word, punctuation) by one half. Both chosen on
/// the LoCoMo dev split (docs/embeddings.md: R@5 +0.9, R@10 +1.9 over no reweighting).
struct StaticWeightedQuery: TermWeightedQuery {
    static let unindexedWeight: Float = 0.5
    let dimension: Int
    /// Per word: its term's hash (nil for a word Recall does not index) and its pieces' summed rows.
    var words: [(term: UInt64?, sum: [Float])] = []

    init(_ text: String, embedder: StaticEmbedder) {
        dimension = embedder.dimension
        let d = dimension
        let base = embedder.rows.baseAddress!
        let vocabularySize = embedder.tokenizer.pieces.count
        embedder.tokenizer.forEachWord(in: text) { word, pieces in
            var sum = [Float](repeating: 0, count: d)
            var any = false
            for id in pieces where id >= 0 && Int(id) < vocabularySize {
                let row = base + Int(id) * d
                for j in 0..<d { sum[j] += row[j] }
                any = true
            }
            guard any else { return }
            var term: UInt64?
            Tokenizer.forEachToken(in: String(String.UnicodeScalarView(word))) { _, stem in
                if term == nil { term = stem.stableHash }
            }
            words.append((term, sum))
        }
    }

    func vector(termScale: (UInt64) -> Float) -> [Float] {
        var vector = [Float](repeating: 0, count: dimension)
        for word in words {
            let scale = word.term.map { termScale($0).squareRoot() } ?? Self.unindexedWeight
            for j in 0..<dimension { vector[j] += scale * word.sum[j] }
        }
        normalize(&vector)
        return vector
    }
}
