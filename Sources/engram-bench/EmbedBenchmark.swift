// `engram-bench embed [MODEL_DIR]`: the MiniLM embedder in a release build, on one thread.
// - one query of 16 tokens: p50/p99 latency;
// - observations in batches of 64 (and one at a time): texts per second;
// - the matrix products of one 16-token query, OpenBLAS against a hand-written SIMD kernel;
// - Recall end to end on a 200-observation profile, query not cached and cached;
// - Observe of 10 observations (embedding included) in process.
// MODEL_DIR defaults to ENGRAM_MODEL_DIR, then models/all-MiniLM-L6-v2 (scripts/fetch-model).

import COpenBLAS
import EngramCore
import EngramEmbeddings
import Foundation

func runEmbedBenchmark(modelDirectory: String?) {
    let path = modelDirectory ?? ProcessInfo.processInfo.environment["ENGRAM_MODEL_DIR"] ?? "models/all-MiniLM-L6-v2"
    let embedder: MiniLMEmbedder
    do {
        embedder = try MiniLMEmbedder(directory: URL(fileURLWithPath: path))
    } catch {
        print("engram-bench embed: \(error)")
        return
    }
    print("== embed: \(embedder.identity), one thread, OpenBLAS \(String(cString: openblas_get_corename()))")

    // A customer-service query of 16 tokens, [CLS] and [SEP] included.
    let query = "customer says the invoice for march was charged twice on her card"
    let tokens = embedder.tokenizer.ids(query).count
    var samples: [Double] = []
    for i in 0..<300 {
        let start = ContinuousClock.now
        let v = embedder.embed([query])
        let elapsed = ContinuousClock.now - start
        precondition(v[0].count == 384)
        if i >= 20 { samples.append(elapsed.microseconds) }
    }
    samples.sort()
    print(
        "query of \(tokens) tokens: p50 \(format(samples.percentile(0.5) / 1000)) ms, p99 \(format(samples.percentile(0.99) / 1000)) ms"
    )

    var rng = BenchRandom(state: 42)
    let observations = (0..<640).map { _ in syntheticFact(&rng) }
    let averageTokens =
        Double(observations.reduce(0) { $0 + embedder.tokenizer.ids($1).count }) / Double(observations.count)
    for round in 0..<2 {
        let start = ContinuousClock.now
        var made = 0
        for b in stride(from: 0, to: observations.count, by: 64) {
            made += embedder.embed(Array(observations[b..<min(b + 64, observations.count)])).count
        }
        let seconds = (ContinuousClock.now - start).seconds
        if round == 1 {
            print(
                "batches of 64 observations (\(format(averageTokens)) tokens each): \(Int(Double(made) / seconds)) observations/s"
            )
        }
    }
    do {
        let start = ContinuousClock.now
        for text in observations.prefix(200) { _ = embedder.embed([text]) }
        let seconds = (ContinuousClock.now - start).seconds
        print("one observation per call: \(Int(200 / seconds)) observations/s")
    }

    compareMatrixKernels(tokens: tokens)
    recallEndToEnd(embedder: embedder, facts: observations)
}

/// The matrix products of one query through the 6 layers, both ways, same inputs.
private func compareMatrixKernels(tokens m: Int) {
    // (outputs, inputs) of each layer's products: fused QKV, attention output, FFN in, FFN out.
    let shapes = [(1152, 384), (384, 384), (1536, 384), (384, 1536)]
    var rng = BenchRandom(state: 7)
    let weights = shapes.map { (n, k) in (0..<(n * k)).map { _ in Float.random(in: -0.1...0.1, using: &rng) } }
    let inputs = shapes.map { (_, k) in (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &rng) } }
    var outputs = shapes.map { (n, _) in [Float](repeating: 0, count: m * n) }
    func run(_ kernel: (Int) -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<30 {
            let start = ContinuousClock.now
            for _ in 0..<6 { for s in shapes.indices { kernel(s) } }
            best = min(best, (ContinuousClock.now - start).microseconds)
        }
        return best
    }
    let blas = run { s in
        let (n, k) = shapes[s]
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1, inputs[s], Int32(k), weights[s],
            Int32(k), 0, &outputs[s], Int32(n))
    }
    let reference = outputs
    let transposedWeights = shapes.indices.map { s -> [Float] in
        let (n, k) = shapes[s]
        var t = [Float](repeating: 0, count: n * k)
        for i in 0..<n { for j in 0..<k { t[j * n + i] = weights[s][i * k + j] } }
        return t
    }
    let blasTransposed = run { s in
        let (n, k) = shapes[s]
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, inputs[s], Int32(k),
            transposedWeights[s], Int32(n), 0, &outputs[s], Int32(n))
    }
    print("  OpenBLAS with weights stored [in × out]: \(format(blasTransposed / 1000)) ms")
    let simd = run { s in
        let (n, k) = shapes[s]
        simdMatrixProduct(inputs[s], weights[s], &outputs[s], m: m, n: n, k: k)
    }
    var worst: Float = 0
    for s in shapes.indices { for i in outputs[s].indices { worst = max(worst, abs(outputs[s][i] - reference[s][i])) } }
    print(
        "matrix products of one \(m)-token query (best of 30): OpenBLAS \(format(blas / 1000)) ms, hand-written SIMD8 \(format(simd / 1000)) ms (largest difference \(worst))"
    )
}

/// C[m×n] = A[m×k] · B[n×k]ᵀ with 8-lane multiply-adds, four output columns at a time (not
/// `addProduct`: without an FMA target it becomes a libm `fmaf` call per lane): the
/// alternative to BLAS that the benchmark measures (the engine uses OpenBLAS).
private func simdMatrixProduct(_ a: [Float], _ b: [Float], _ c: inout [Float], m: Int, n: Int, k: Int) {
    precondition(k % 8 == 0 && n % 4 == 0)
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in
                let a = UnsafeRawPointer(a.baseAddress!)
                let b = UnsafeRawPointer(b.baseAddress!)
                for i in 0..<m {
                    let row = a + i * k * 4
                    var j = 0
                    while j < n {
                        var s0 = SIMD8<Float>()
                        var s1 = SIMD8<Float>()
                        var s2 = SIMD8<Float>()
                        var s3 = SIMD8<Float>()
                        let b0 = b + j * k * 4
                        let b1 = b0 + k * 4
                        let b2 = b1 + k * 4
                        let b3 = b2 + k * 4
                        var p = 0
                        while p < k * 4 {
                            let x = row.loadUnaligned(fromByteOffset: p, as: SIMD8<Float>.self)
                            s0 += x * b0.loadUnaligned(fromByteOffset: p, as: SIMD8<Float>.self)
                            s1 += x * b1.loadUnaligned(fromByteOffset: p, as: SIMD8<Float>.self)
                            s2 += x * b2.loadUnaligned(fromByteOffset: p, as: SIMD8<Float>.self)
                            s3 += x * b3.loadUnaligned(fromByteOffset: p, as: SIMD8<Float>.self)
                            p += 32
                        }
                        c[i * n + j] = s0.sum()
                        c[i * n + j + 1] = s1.sum()
                        c[i * n + j + 2] = s2.sum()
                        c[i * n + j + 3] = s3.sum()
                        j += 4
                    }
                }
            }
        }
    }
}

func recallEndToEnd(embedder: any Embedder, facts: [String], label: String = "MiniLM hybrid") {
    var configuration = EngineConfiguration()
    configuration.recall.embedder = embedder
    let engine = Engine(configuration: configuration)
    do {
        let store = try engine.createStore(displayName: "bench").store.id
        let profile = try engine.resolveIdentity(
            storeID: store, identifiers: [IdentifierInput(type: "email", value: "a@example.com")]
        )
        .profileID
        var observeTimes: [Double] = []
        for b in stride(from: 0, to: 200, by: 10) {
            let batch = (b..<(b + 10)).map {
                ObservationInput(
                    content: facts[$0], source: "bench", occurredAt: 1_700_000_000_000_000 + Int64($0) * 60_000_000)
            }
            let start = ContinuousClock.now
            _ = try engine.observe(storeID: store, profileID: profile, observations: batch)
            observeTimes.append((ContinuousClock.now - start).microseconds)
        }
        observeTimes.sort()
        print(
            "Observe of 10 observations in process (embedding included): p50 \(format(observeTimes.percentile(0.5) / 1000)) ms"
        )
        var rng = BenchRandom(state: 99)
        var cold: [Double] = []
        var cached: [Double] = []
        for i in 0..<200 {
            let text =
                "question \(i) about "
                + (0..<6).map { _ in benchWords[Int(rng.next() % UInt64(benchWords.count))] }.joined(separator: " ")
            for round in 0..<2 {
                let start = ContinuousClock.now
                let result = try engine.recall(storeID: store, profileID: profile, RecallOptions(query: text))
                let elapsed = (ContinuousClock.now - start).microseconds
                precondition(!result.observations.isEmpty)
                if round == 0 { cold.append(elapsed) } else { cached.append(elapsed) }
            }
        }
        cold.sort()
        cached.sort()
        print(
            "Recall, 200-observation profile, \(label): query not cached p50 \(format(cold.percentile(0.5) / 1000)) ms p99 \(format(cold.percentile(0.99) / 1000)) ms; cached p50 \(Int(cached.percentile(0.5))) µs p99 \(Int(cached.percentile(0.99))) µs"
        )
    } catch {
        print("engram-bench embed: recall: \(error)")
    }
}

private let benchWords = """
    invoice refund delivery package router password subscription premium agent manager appointment warranty \
    shipping discount contract laptop internet email phone weekend morning complaint damaged charged twice late \
    billing account upgrade cancel order address return repair policy renewal card payment plan support
    """.split(separator: " ").map(String.init)

func syntheticFact(_ rng: inout BenchRandom) -> String {
    let subjects = ["Customer", "She", "He", "The caller", "Account holder"]
    let verbs = ["prefers", "asked about", "complained about", "wants", "mentioned", "was upset about", "called about"]
    let count = 5 + Int(rng.next() % 6)
    let words = (0..<count).map { _ in benchWords[Int(rng.next() % UInt64(benchWords.count))] }
    return "\(subjects[Int(rng.next() % 5)]) \(verbs[Int(rng.next() % 7)]) " + words.joined(separator: " ")
}

extension Duration {
    fileprivate var microseconds: Double { Double(components.seconds) * 1e6 + Double(components.attoseconds) / 1e12 }
    fileprivate var seconds: Double { microseconds / 1e6 }
}

extension Array where Element == Double {
    fileprivate func percentile(_ p: Double) -> Double {
        isEmpty ? 0 : self[Swift.min(count - 1, Int(Double(count - 1) * p))]
    }
}

private func format(_ x: Double) -> String { String(format: "%.2f", x) }
