import COpenBLAS
import Foundation

extension BertModel {
    /// Mean-pooled sentence vectors of `sequences` (token ids, `[CLS]` … `[SEP]`), one per
    /// sequence, computed in one batch; L2-normalised unless `normalize` is false (the
    /// distillation wants the raw means).
    ///
    /// The batch is packed, not padded: every sequence's tokens sit in one matrix, so each
    /// dense layer is one matrix product over all tokens, and attention runs per sequence
    /// over its own tokens. That is what a padded batch with an attention mask computes,
    /// without the padding's work.
    public func embed(_ sequences: [[Int32]], normalize: Bool = true) -> [[Float]] {
        let h = shape.hidden
        let lengths = sequences.map { min($0.count, shape.maxPositions) }
        let total = lengths.reduce(0, +)
        guard total > 0 else { return sequences.map { _ in [Float](repeating: 0, count: h) } }
        var offsets: [Int] = []
        var offset = 0
        for n in lengths {
            offsets.append(offset)
            offset += n
        }

        let epsilon = shape.layerNormEpsilon
        var x = [Float](repeating: 0, count: total * h)
        x.withUnsafeMutableBufferPointer { x in
            for (s, ids) in sequences.enumerated() {
                for p in 0..<lengths[s] {
                    let id = Int(ids[p])
                    let word = id >= 0 && id < shape.vocabularySize ? id : 0
                    let row = x.baseAddress! + (offsets[s] + p) * h
                    for j in 0..<h {
                        row[j] = wordEmbeddings[word * h + j] + positionEmbeddings[p * h + j] + tokenTypeEmbeddings[j]
                    }
                }
            }
            layerNorm(x.baseAddress!, rows: total, gain: embeddingNormGain, bias: embeddingNormBias, epsilon: epsilon)
        }

        let headSize = h / shape.heads
        let scale = 1 / Float(headSize).squareRoot()
        let maxLength = lengths.max() ?? 0
        var qkv = [Float](repeating: 0, count: total * 3 * h)
        var context = [Float](repeating: 0, count: total * h)
        var projected = [Float](repeating: 0, count: total * h)
        var inner = [Float](repeating: 0, count: total * shape.intermediate)
        var scores = [Float](repeating: 0, count: maxLength * maxLength)

        for layer in layers {
            x.withUnsafeMutableBufferPointer { x in
                let x = x.baseAddress!
                qkv.withUnsafeMutableBufferPointer { qkv in
                    let qkv = qkv.baseAddress!
                    layer.qkvWeight.withUnsafeBufferPointer { w in
                        layer.qkvBias.withUnsafeBufferPointer { b in
                            linear(
                                x, rows: total, inputs: h, weight: w.baseAddress!, bias: b.baseAddress!, outputs: 3 * h,
                                into: qkv)
                        }
                    }
                    context.withUnsafeMutableBufferPointer { context in
                        scores.withUnsafeMutableBufferPointer { scores in
                            for (s, n) in lengths.enumerated() {
                                let rows = qkv + offsets[s] * 3 * h
                                if n <= 64 && headSize % 8 == 0 {
                                    shortAttention(
                                        rows, n: n, hidden: h, heads: shape.heads, scale: scale,
                                        scores: scores.baseAddress!,
                                        into: context.baseAddress! + offsets[s] * h)
                                    continue
                                }
                                for head in 0..<shape.heads {
                                    let q = rows + head * headSize
                                    let k = rows + h + head * headSize
                                    let v = rows + 2 * h + head * headSize
                                    cblas_sgemm(
                                        CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(headSize),
                                        scale,
                                        q, Int32(3 * h), k, Int32(3 * h), 0, scores.baseAddress!, Int32(n))
                                    softmaxRows(scores.baseAddress!, rows: n, columns: n)
                                    cblas_sgemm(
                                        CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(headSize), Int32(n),
                                        1,
                                        scores.baseAddress!, Int32(n), v, Int32(3 * h), 0,
                                        context.baseAddress! + offsets[s] * h + head * headSize, Int32(h))
                                }
                            }
                        }
                    }
                }
                context.withUnsafeBufferPointer { context in
                    projected.withUnsafeMutableBufferPointer { out in
                        layer.outputWeight.withUnsafeBufferPointer { w in
                            linear(
                                context.baseAddress!, rows: total, inputs: h, weight: w.baseAddress!,
                                bias: layer.outputBias.baseAddress!, outputs: h, into: out.baseAddress!)
                        }
                        addInPlace(x, out.baseAddress!, count: total * h)
                    }
                }
                layerNorm(
                    x, rows: total, gain: layer.attentionNormGain, bias: layer.attentionNormBias, epsilon: epsilon)
                inner.withUnsafeMutableBufferPointer { inner in
                    layer.intermediateWeight.withUnsafeBufferPointer { w in
                        linear(
                            x, rows: total, inputs: h, weight: w.baseAddress!,
                            bias: layer.intermediateBias.baseAddress!,
                            outputs: shape.intermediate, into: inner.baseAddress!)
                    }
                    gelu(inner.baseAddress!, count: total * shape.intermediate)
                    projected.withUnsafeMutableBufferPointer { out in
                        layer.finalWeight.withUnsafeBufferPointer { w in
                            linear(
                                inner.baseAddress!, rows: total, inputs: shape.intermediate, weight: w.baseAddress!,
                                bias: layer.finalBias.baseAddress!, outputs: h, into: out.baseAddress!)
                        }
                        addInPlace(x, out.baseAddress!, count: total * h)
                    }
                }
                layerNorm(x, rows: total, gain: layer.finalNormGain, bias: layer.finalNormBias, epsilon: epsilon)
            }
        }

        return x.withUnsafeBufferPointer { x in
            (0..<sequences.count).map { s in
                var pooled = [Float](repeating: 0, count: h)
                let n = lengths[s]
                guard n > 0 else { return pooled }
                for p in 0..<n {
                    let row = x.baseAddress! + (offsets[s] + p) * h
                    for j in 0..<h { pooled[j] += row[j] }
                }
                var norm: Float = 0
                for j in 0..<h {
                    pooled[j] /= Float(n)
                    norm += pooled[j] * pooled[j]
                }
                guard normalize else { return pooled }
                let inverse = 1 / max(norm.squareRoot(), 1e-12)
                for j in 0..<h { pooled[j] *= inverse }
                return pooled
            }
        }
    }
}

/// Self-attention of one short sequence with plain SIMD loops: below ~64 tokens the
/// per-head matrices are so small that BLAS calls cost more than the arithmetic.
/// `qkv` holds n rows of [query | key | value], each `hidden` wide; `out` gets n rows.
func shortAttention(
    _ qkv: UnsafeMutablePointer<Float>, n: Int, hidden h: Int, heads: Int, scale: Float,
    scores: UnsafeMutablePointer<Float>,
    into out: UnsafeMutablePointer<Float>
) {
    let d = h / heads
    let stride = 3 * h
    let raw = UnsafeRawPointer(qkv)
    for head in 0..<heads {
        for i in 0..<n {
            let q = (i * stride + head * d) * 4
            for j in 0..<n {
                let k = (j * stride + h + head * d) * 4
                var acc = SIMD8<Float>()
                var p = 0
                while p < d * 4 {
                    acc +=
                        raw.loadUnaligned(fromByteOffset: q + p, as: SIMD8<Float>.self)
                        * raw.loadUnaligned(fromByteOffset: k + p, as: SIMD8<Float>.self)
                    p += 32
                }
                scores[j] = acc.sum() * scale
            }
            softmaxRows(scores, rows: 1, columns: n)
            let o = UnsafeMutableRawPointer(out + i * h + head * d)
            var p = 0
            while p < d * 4 {
                var acc = SIMD8<Float>()
                for j in 0..<n {
                    let v = (j * stride + 2 * h + head * d) * 4
                    acc += SIMD8(repeating: scores[j]) * raw.loadUnaligned(fromByteOffset: v + p, as: SIMD8<Float>.self)
                }
                o.storeBytes(of: acc, toByteOffset: p, as: SIMD8<Float>.self)
                p += 32
            }
        }
    }
}

/// out[rows × outputs] = input[rows × inputs] · weight + bias, weight stored [inputs × outputs]
/// (a PyTorch Linear layer's weight, transposed at load).
@inline(__always)
func linear(
    _ input: UnsafePointer<Float>, rows: Int, inputs: Int, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    outputs: Int, into out: UnsafeMutablePointer<Float>
) {
    for r in 0..<rows { (out + r * outputs).update(from: bias, count: outputs) }
    cblas_sgemm(
        CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(outputs), Int32(inputs), 1, input, Int32(inputs),
        weight, Int32(outputs), 1, out, Int32(outputs))
}

@inline(__always)
func addInPlace(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { x[i] += y[i] }
}

/// LayerNorm over each row of `hidden` floats, in place.
func layerNorm(
    _ x: UnsafeMutablePointer<Float>, rows: Int, gain: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>,
    epsilon: Float
) {
    let h = gain.count
    for r in 0..<rows {
        let row = x + r * h
        var sum: Float = 0
        for j in 0..<h { sum += row[j] }
        let mean = sum / Float(h)
        var squares: Float = 0
        for j in 0..<h {
            let d = row[j] - mean
            squares += d * d
        }
        let inverse = 1 / (squares / Float(h) + epsilon).squareRoot()
        for j in 0..<h { row[j] = (row[j] - mean) * inverse * gain[j] + bias[j] }
    }
}

/// Softmax of each row, in place, shifted by the row's maximum for stability.
func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
    for r in 0..<rows {
        let row = x + r * columns
        var top = -Float.infinity
        for j in 0..<columns { top = max(top, row[j]) }
        var sum: Float = 0
        for j in 0..<columns {
            let e = expf(row[j] - top)
            row[j] = e
            sum += e
        }
        let inverse = 1 / sum
        for j in 0..<columns { row[j] *= inverse }
    }
}

/// BERT's exact GELU, x·Φ(x) = x/2·(1 + erf(x/√2)), in place, eight lanes at a time.
func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
    let invSqrt2: Float = 0.707_106_77
    var i = 0
    let raw = UnsafeMutableRawPointer(x)
    while i + 8 <= count {
        let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        let g = 0.5 * v * (1 + erf8(v * invSqrt2))
        raw.storeBytes(of: g, toByteOffset: i * 4, as: SIMD8<Float>.self)
        i += 8
    }
    while i < count {
        let v = x[i]
        x[i] = 0.5 * v * (1 + erff(v * invSqrt2))
        i += 1
    }
}

/// erf for eight floats: a rational approximation on [−4, 4] (odd degree-13 numerator, even
/// degree-8 denominator; beyond ±4 erf is ±1 in float), as Eigen and XLA compute it, within
/// a few ulp of the exact function (checked against erf in the tests).
@inline(__always)
func erf8(_ input: SIMD8<Float>) -> SIMD8<Float> {
    let x = input.clamped(lowerBound: SIMD8(repeating: -4), upperBound: SIMD8(repeating: 4))
    let x2 = x * x
    var p = x2 * -2.726_142_25e-10 + 2.770_681_42e-08
    p = x2 * p + -2.101_024_02e-06
    p = x2 * p + -5.692_506_39e-05
    p = x2 * p + -7.349_906_30e-04
    p = x2 * p + -2.954_599_80e-03
    p = x2 * p + -1.609_603_33e-02
    p = x * p
    var q = x2 * -1.456_607_18e-05 + -2.133_740_55e-04
    q = x2 * q + -1.682_826_97e-03
    q = x2 * q + -7.373_329_17e-03
    q = x2 * q + -1.426_473_90e-02
    return p / q
}
