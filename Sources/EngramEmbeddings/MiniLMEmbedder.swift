import EngramRecall
import Foundation
import Synchronization

/// sentence-transformers all-MiniLM-L6-v2 in Swift: WordPiece, a 6-layer BERT on OpenBLAS,
/// mean pooling over the tokens, L2 normalisation. No Python, no GPU, no network.
///
/// Load it from the model directory `scripts/fetch-model` unpacks (vocab.txt,
/// model.safetensors, config.json). Texts are embedded in packed batches; query vectors are
/// kept in an LRU cache keyed by the text, so a repeated query costs a lookup.
public final class MiniLMEmbedder: Embedder {
    public let name = "minilm-l6-v2"
    public var dimension: Int { model.shape.hidden }
    /// A digest of model.safetensors: another set of weights under the same name gets
    /// another version, so their vectors are never compared.
    public let version: String
    public var isExpensive: Bool { true }
    public var isContextual: Bool { true }

    public let tokenizer: WordPieceTokenizer
    public let model: BertModel
    /// Most texts in one forward pass; bigger batches are split.
    public let maxBatchSequences: Int
    private let queryCache: Mutex<LRUCache<String, [Float]>>

    /// Loads the model in `directory`. Fails naming the missing or malformed file, with how
    /// to fetch the model.
    public init(directory: URL, maxLength: Int = 256, queryCacheSize: Int = 4_096, maxBatchSequences: Int = 64)
        throws(EmbeddingError)
    {
        let files = ["vocab.txt", "model.safetensors", "config.json"]
        for file in files where !FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path) {
            throw EmbeddingError(
                .missingFile,
                "\(directory.path) has no \(file): fetch all-MiniLM-L6-v2 with scripts/fetch-model (it unpacks to models/all-MiniLM-L6-v2)"
            )
        }
        let shape = try Self.shape(config: directory.appendingPathComponent("config.json"))
        guard maxLength >= 2, maxLength <= shape.maxPositions else {
            throw EmbeddingError(.badModel, "max length must be 2 to \(shape.maxPositions) tokens; got \(maxLength)")
        }
        tokenizer = try WordPieceTokenizer(
            vocabularyFile: directory.appendingPathComponent("vocab.txt"), maxLength: maxLength)
        let weights = try SafeTensorsFile(url: directory.appendingPathComponent("model.safetensors"))
        model = try BertModel(weights: weights, shape: shape)
        version = weights.contentDigest()
        self.maxBatchSequences = max(1, maxBatchSequences)
        queryCache = Mutex(LRUCache(capacity: max(1, queryCacheSize)))
    }

    public func embed(_ texts: [String]) -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        var start = 0
        while start < texts.count {
            let end = min(texts.count, start + maxBatchSequences)
            vectors.append(contentsOf: model.embed(texts[start..<end].map(tokenizer.ids)))
            start = end
        }
        return vectors
    }

    public func embedQuery(_ text: String) -> [Float] {
        if let cached = queryCache.withLock({ $0.value(for: text) }) { return cached }
        let vector = model.embed([tokenizer.ids(text)])[0]
        queryCache.withLock { $0.insert(vector, for: text) }
        return vector
    }

    public func hasCachedQuery(_ text: String) -> Bool {
        queryCache.withLock { $0.contains(text) }
    }

    /// The encoder's shape from config.json, which must describe a BERT.
    static func shape(config url: URL) throws(EmbeddingError) -> BertModel.Shape {
        guard let data = FileManager.default.contents(atPath: url.path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw EmbeddingError(.badModel, "\(url.path) is not a JSON object") }
        func int(_ key: String) throws(EmbeddingError) -> Int {
            guard let value = object[key] as? Int, value > 0 else {
                throw EmbeddingError(.badModel, "\(url.path): \(key) must be a positive integer")
            }
            return value
        }
        if let type = object["model_type"] as? String, type != "bert" {
            throw EmbeddingError(.badModel, "\(url.path): model_type is \(type); only bert is supported")
        }
        if let act = object["hidden_act"] as? String, act != "gelu" {
            throw EmbeddingError(.badModel, "\(url.path): hidden_act is \(act); only gelu is supported")
        }
        var shape = BertModel.Shape()
        shape.vocabularySize = try int("vocab_size")
        shape.hidden = try int("hidden_size")
        shape.heads = try int("num_attention_heads")
        shape.intermediate = try int("intermediate_size")
        shape.layers = try int("num_hidden_layers")
        shape.maxPositions = try int("max_position_embeddings")
        if let eps = object["layer_norm_eps"] as? Double { shape.layerNormEpsilon = Float(eps) }
        guard shape.hidden % shape.heads == 0 else {
            throw EmbeddingError(
                .badModel,
                "\(url.path): hidden_size \(shape.hidden) is not a multiple of num_attention_heads \(shape.heads)")
        }
        return shape
    }
}
