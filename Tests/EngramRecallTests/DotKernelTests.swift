import CEngramKernels
import EngramRecall
import EngramTestSupport
import Testing

@Suite struct DotKernelTests {
    /// Every length (tails of 1-31 lanes included) against a double-precision sum.
    @Test func dotMatchesADoublePrecisionSum() {
        var rng = SeededGenerator(seed: 3)
        #expect(["avx2+fma", "sse2"].contains(dotKernelName))
        for n in [0, 1, 2, 7, 8, 9, 15, 16, 31, 32, 33, 63, 64, 100, 383, 384, 385, 1000] {
            let a = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
            let b = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
            let exact = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let got = a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    n == 0 ? 0 : dot(pa.baseAddress!, pb.baseAddress!, n)
                }
            }
            #expect(abs(Double(got) - exact) <= 1e-5 * Double(max(n, 1)), "n = \(n): \(got) vs \(exact)")
        }
        // Unaligned rows (a vector starting one float in) give the same answer.
        let v = (0..<385).map { Float($0 % 7) - 3 }
        let shifted = v.withUnsafeBufferPointer { p in dot(p.baseAddress! + 1, p.baseAddress! + 1, 384) }
        let exact = v.dropFirst().reduce(Float(0)) { $0 + $1 * $1 }
        #expect(shifted == exact)
    }
}

@Suite struct HashedQueryFeaturesTests {
    /// Replaying a query's features with per-term scales gives the very bits that embedding
    /// the text with those scales does.
    @Test func featuresReplayTheEmbeddingBitForBit() {
        let texts = [
            "", "the", "Prefers email over phone calls in the morning", "東京タワーに行く 2 times",
            "a b c d e f g h", "résumé naïve café — déjà vu!!", "x",
        ]
        let embedders = [
            HashedEmbedder.standard,
            HashedEmbedder(dimension: 100, termWeight: 0.7, pairWeight: 0.3, characterWeight: 2),
            HashedEmbedder(characterWeight: 0),
        ]
        let scale: (UInt64) -> Float = { Float($0 % 97) / 50 + 0.01 }
        for embedder in embedders {
            for text in texts {
                let features = HashedQueryFeatures(text, embedder: embedder)
                #expect(features.vector(termScale: scale) == embedder.embed(text, termScale: scale), "\(text)")
                #expect(features.vector(termScale: { _ in 1 }) == embedder.embed(text), "\(text), unscaled")
            }
        }
    }
}

@Suite struct HammingKernelTests {
    @Test func hammingDistancesCountDifferingBits() {
        var rng = SeededGenerator(seed: 9)
        for words in [1, 6, 7] {
            let rows = 70
            let signs = (0..<(rows * words)).map { _ in UInt64.random(in: .min ... .max, using: &rng) }
            let query = (0..<words).map { _ in UInt64.random(in: .min ... .max, using: &rng) }
            var out = [Int32](repeating: -1, count: rows)
            engram_hamming_u64(signs, rows, words, query, &out)
            for r in 0..<rows {
                let expected = (0..<words).reduce(0) { $0 + (signs[r * words + $1] ^ query[$1]).nonzeroBitCount }
                #expect(out[r] == Int32(expected))
            }
        }
    }
}

@Suite struct HalfPrecisionTests {
    /// The portable conversion agrees with Swift's Float16 (the hardware's rounding, to
    /// nearest even) on every half and on floats across the whole range.
    @Test func portableConversionsMatchFloat16() {
        let halves = (0...UInt16.max).map { $0 }
        var widened = [Float](repeating: 0, count: halves.count)
        engram_f16_to_f32_portable(halves, &widened, halves.count)
        for (bits, value) in zip(halves, widened) {
            let expected = Float(Float16(bitPattern: bits))
            #expect(value.bitPattern == expected.bitPattern || (value.isNaN && expected.isNaN), "half \(bits)")
        }
        var rng = SeededGenerator(seed: 21)
        var floats: [Float] = [0, -0, 1, -1, 65504, 65520, 65519.99, 1e-8, -1e-8, 5.96e-8, 2.98e-8, 6.1e-5, .infinity]
        floats += (0..<20_000).map { _ in Float(bitPattern: UInt32.random(in: 0..<0x7F80_0000, using: &rng)) }
        floats += (0..<20_000).map { _ in Float.random(in: -1...1, using: &rng) }
        floats += (0..<2_000).map { _ in Float.random(in: -1e-4...1e-4, using: &rng) }
        var narrowed = [UInt16](repeating: 0, count: floats.count)
        engram_f32_to_f16_portable(floats, &narrowed, floats.count)
        for (value, bits) in zip(floats, narrowed) {
            #expect(bits == Float16(value).bitPattern, "float \(value)")
        }
    }

    @Test func mixedDotMatchesWidenedRows() {
        var rng = SeededGenerator(seed: 4)
        for n in [1, 8, 31, 32, 100, 384] {
            let a = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
            let b = (0..<n).map { _ in Float16(Float.random(in: -1...1, using: &rng)).bitPattern }
            let exact = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double(Float(Float16(bitPattern: $1.1))) }
            let got = engram_dot_f32_f16(a, b, n)
            #expect(abs(Double(got) - exact) <= 1e-5 * Double(n), "n = \(n)")
        }
    }
}
