import COpenBLAS
import Foundation

/// A BERT encoder's weights (all-MiniLM-L6-v2's shape by default), read from a safetensors
/// file: float32, mapped in place, except each layer's query, key and value projections,
/// which are copied once into one fused matrix so a layer starts with one matrix product.
///
/// `@unchecked Sendable`: the buffers point into the read-only mapping that `file` keeps
/// alive, or into arrays owned here; nothing is written after `init`.
public final class BertModel: @unchecked Sendable {
    /// The encoder's dimensions.
    public struct Shape: Sendable, Equatable {
        public var vocabularySize = 30_522
        public var hidden = 384
        public var heads = 12
        public var intermediate = 1_536
        public var layers = 6
        public var maxPositions = 512
        public var layerNormEpsilon: Float = 1e-12

        /// all-MiniLM-L6-v2.
        public static let miniLML6 = Shape()
    }

    /// Dense weights are stored transposed, [inputs × outputs] row-major, in memory of their
    /// own: OpenBLAS multiplies that layout faster than PyTorch's [outputs × inputs] mapped
    /// from the file (measured: `engram-bench embed`).
    struct Layer {
        var qkvWeight: [Float]  // [hidden × 3·hidden]: query, key, value columns
        var qkvBias: [Float]  // [3·hidden]
        var outputWeight: [Float]  // [hidden × hidden]
        var outputBias: UnsafeBufferPointer<Float>
        var attentionNormGain: UnsafeBufferPointer<Float>
        var attentionNormBias: UnsafeBufferPointer<Float>
        var intermediateWeight: [Float]  // [hidden × intermediate]
        var intermediateBias: UnsafeBufferPointer<Float>
        var finalWeight: [Float]  // [intermediate × hidden]
        var finalBias: UnsafeBufferPointer<Float>
        var finalNormGain: UnsafeBufferPointer<Float>
        var finalNormBias: UnsafeBufferPointer<Float>
    }

    public let shape: Shape
    let file: SafeTensorsFile
    let wordEmbeddings: UnsafeBufferPointer<Float>
    let positionEmbeddings: UnsafeBufferPointer<Float>
    let tokenTypeEmbeddings: UnsafeBufferPointer<Float>
    let embeddingNormGain: UnsafeBufferPointer<Float>
    let embeddingNormBias: UnsafeBufferPointer<Float>
    let layers: [Layer]

    /// Loads the weights, checking every tensor's presence, dtype and shape. Names may carry
    /// a `bert.` prefix (BertModel checkpoints saved from a task head).
    public init(weights file: SafeTensorsFile, shape: Shape = .miniLML6) throws(EmbeddingError) {
        self.file = file
        self.shape = shape
        let prefix = file.tensors["embeddings.word_embeddings.weight"] == nil ? "bert." : ""
        let h = shape.hidden
        func tensor(_ name: String, _ dims: [Int]) throws(EmbeddingError) -> UnsafeBufferPointer<Float> {
            try file.floats(prefix + name, shape: dims)
        }
        wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [shape.vocabularySize, h])
        positionEmbeddings = try tensor("embeddings.position_embeddings.weight", [shape.maxPositions, h])
        tokenTypeEmbeddings = try tensor("embeddings.token_type_embeddings.weight", [2, h])
        embeddingNormGain = try tensor("embeddings.LayerNorm.weight", [h])
        embeddingNormBias = try tensor("embeddings.LayerNorm.bias", [h])
        /// A Linear layer's weight, [outputs × inputs] in the file, transposed.
        func transposed(_ name: String, outputs: Int, inputs: Int) throws(EmbeddingError) -> [Float] {
            let w = try tensor(name, [outputs, inputs])
            var t = [Float](repeating: 0, count: outputs * inputs)
            for o in 0..<outputs { for i in 0..<inputs { t[i * outputs + o] = w[o * inputs + i] } }
            return t
        }
        var layers: [Layer] = []
        for i in 0..<shape.layers {
            let p = "encoder.layer.\(i)."
            var qkvWeight = [Float](repeating: 0, count: 3 * h * h)
            var qkvBias: [Float] = []
            for (k, part) in ["query", "key", "value"].enumerated() {
                let w = try tensor(p + "attention.self.\(part).weight", [h, h])
                for o in 0..<h { for i in 0..<h { qkvWeight[i * 3 * h + k * h + o] = w[o * h + i] } }
                qkvBias.append(contentsOf: try tensor(p + "attention.self.\(part).bias", [h]))
            }
            layers.append(
                Layer(
                    qkvWeight: qkvWeight, qkvBias: qkvBias,
                    outputWeight: try transposed(p + "attention.output.dense.weight", outputs: h, inputs: h),
                    outputBias: try tensor(p + "attention.output.dense.bias", [h]),
                    attentionNormGain: try tensor(p + "attention.output.LayerNorm.weight", [h]),
                    attentionNormBias: try tensor(p + "attention.output.LayerNorm.bias", [h]),
                    intermediateWeight: try transposed(
                        p + "intermediate.dense.weight", outputs: shape.intermediate, inputs: h),
                    intermediateBias: try tensor(p + "intermediate.dense.bias", [shape.intermediate]),
                    finalWeight: try transposed(p + "output.dense.weight", outputs: h, inputs: shape.intermediate),
                    finalBias: try tensor(p + "output.dense.bias", [h]),
                    finalNormGain: try tensor(p + "output.LayerNorm.weight", [h]),
                    finalNormBias: try tensor(p + "output.LayerNorm.bias", [h])))
        }
        self.layers = layers
        // Each call runs on its caller's thread: the server already spreads calls over cores,
        // and OpenBLAS's own threads would fight them for the same two.
        openblas_set_num_threads(1)
    }
}
