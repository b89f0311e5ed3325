import COpenBLAS
import Foundation

/// Distils a BERT sentence encoder into a static table, one vector per WordPiece piece, as
/// Model2Vec does (Tulkens & van Dongen, 2024): every piece goes through the encoder alone
/// (`[CLS] piece [SEP]`, mean-pooled, not normalised), the vectors are centred and projected
/// on their `dimension` principal components, and each row is scaled by a SIF weight
/// `a / (a + p)`, where p is the piece's probability under Zipf's law from its rank in the
/// vocabulary (BERT's vocabulary lists words roughly by frequency). A text's vector is then
/// the normalised sum of its pieces' rows: microseconds instead of a forward pass.
///
/// Special and unused pieces (`[PAD]`, `[CLS]`, `[SEP]`, `[MASK]`, `[UNK]`, `[unused…]`) get
/// a zero row: they carry no meaning of their own.
public struct StaticDistillation: Sendable {
    /// Principal components kept: the table's width (at most the encoder's).
    public var dimension: Int
    /// SIF's `a`; nil leaves every row unweighted.
    public var sifCoefficient: Double?
    /// Pieces per forward pass.
    public var batchSize: Int
    /// Whole words to add to the table, most frequent first, with their frequency (a share of
    /// running text): a word the vocabulary splits into several pieces gets a row of its own,
    /// the encoder's vector of the whole word, so "pottery" means pottery and not "pot" plus
    /// "##tery". Its SIF weight comes from its frequency.
    public var words: [(word: String, frequency: Double)] = []
    /// At most this many words are added.
    public var wordLimit = 50_000
    /// Distil only these pieces (the others get zero rows): a quick, partial table for tests
    /// and trials.
    public var onlyPieces: Set<Int>?
    /// Weight the vocabulary's own whole-word pieces by the frequencies in `words` too, not
    /// by their rank.
    public var frequenciesForPieces = false

    /// Model2Vec's defaults: 256 components, a = 1e-4.
    public init(dimension: Int = 256, sifCoefficient: Double? = 1e-4, batchSize: Int = 256) {
        self.dimension = dimension
        self.sifCoefficient = sifCoefficient
        self.batchSize = batchSize
    }

    /// Whether the piece `piece` gets a zero row.
    static func isSpecial(_ piece: String) -> Bool {
        piece.hasPrefix("[") && piece.hasSuffix("]") && piece.count > 2
    }

    /// Runs the encoder over every piece of `tokenizer`'s vocabulary and returns the table.
    /// `progress(done, total)` is called after each batch.
    public func distill(
        model: BertModel, tokenizer: WordPieceTokenizer, progress: (Int, Int) -> Void = { _, _ in }
    ) throws(EmbeddingError) -> StaticTable {
        let vocabulary = tokenizer.pieces
        let h = model.shape.hidden
        guard vocabulary.count <= model.shape.vocabularySize else {
            throw EmbeddingError(
                .badModel,
                "the vocabulary has \(vocabulary.count) pieces but the model embeds \(model.shape.vocabularySize)")
        }
        guard dimension >= 1, dimension <= h else {
            throw EmbeddingError(.badModel, "the dimension must be 1 to \(h) (the encoder's width); got \(dimension)")
        }
        var kept = vocabulary.indices.filter { !Self.isSpecial(vocabulary[$0]) }
        if let onlyPieces { kept = kept.filter(onlyPieces.contains) }
        guard kept.count > dimension else {
            throw EmbeddingError(
                .badModel, "the vocabulary has \(kept.count) ordinary pieces: too few for \(dimension) components")
        }

        // The words to add: single words the vocabulary splits, each once.
        var added: [(word: String, frequency: Double, pieces: [Int32])] = []
        var seen = Set(vocabulary)
        var frequencyOf: [String: Double] = [:]
        for (word, frequency) in words {
            if frequencyOf[word] == nil { frequencyOf[word] = frequency }
            guard added.count < wordLimit, !seen.contains(word) else { continue }
            let tokens = WordPieceTokenizer.basicTokens(word)
            guard tokens.count == 1, String(String.UnicodeScalarView(tokens[0])) == word else { continue }
            var ids: [Int32] = []
            tokenizer.appendPieces(of: tokens[0], to: &ids)
            guard ids.count >= 2, !ids.contains(tokenizer.unknownID) else { continue }
            seen.insert(word)
            added.append((word, frequency, ids))
        }

        // 1. Each piece, and each added word, alone through the encoder.
        let inputs =
            kept.map { [tokenizer.clsID, Int32($0), tokenizer.sepID] }
            + added.map { [tokenizer.clsID] + $0.pieces + [tokenizer.sepID] }
        let n = inputs.count
        var raw = [Float](repeating: 0, count: n * h)
        var done = 0
        while done < n {
            let batch = inputs[done..<min(n, done + max(1, batchSize))]
            let vectors = model.embed(Array(batch), normalize: false)
            for (k, vector) in vectors.enumerated() {
                raw.replaceSubrange((done + k) * h..<(done + k + 1) * h, with: vector)
            }
            done += batch.count
            progress(done, n)
        }

        // 2. Principal components of the centred vectors.
        var mean = [Double](repeating: 0, count: h)
        for i in 0..<n { for j in 0..<h { mean[j] += Double(raw[i * h + j]) } }
        for j in 0..<h { mean[j] /= Double(n) }
        var centred = [Double](repeating: 0, count: n * h)
        for i in 0..<n { for j in 0..<h { centred[i * h + j] = Double(raw[i * h + j]) - mean[j] } }
        var covariance = [Double](repeating: 0, count: h * h)
        cblas_dsyrk(
            CblasRowMajor, CblasUpper, CblasTrans, Int32(h), Int32(n), 1 / Double(n - 1), centred, Int32(h), 0,
            &covariance, Int32(h))
        let (eigenvalues, eigenvectors) = try Self.symmetricEigen(covariance, size: h)
        // dsyev sorts ascending; component c is the (h − 1 − c)-th eigenvector.
        var components = [Double](repeating: 0, count: h * dimension)  // [h × dimension]
        for c in 0..<dimension {
            let e = h - 1 - c
            for j in 0..<h { components[j * dimension + c] = eigenvectors[e * h + j] }
        }
        var projected = [Double](repeating: 0, count: n * dimension)
        cblas_dgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(dimension), Int32(h), 1, centred, Int32(h),
            components, Int32(dimension), 0, &projected, Int32(dimension))
        let total = eigenvalues.reduce(0, +)
        let explained = eigenvalues.suffix(dimension).reduce(0, +) / max(total, .leastNonzeroMagnitude)

        // 3. SIF weights: a piece's probability from its Zipf rank among the kept pieces, in
        // vocabulary order; an added word's from its frequency.
        var weights = [Double](repeating: 1, count: n)
        if let a = sifCoefficient {
            var harmonic = 0.0
            for r in 0..<kept.count { harmonic += 1 / Double(r + 2) }
            for r in 0..<kept.count {
                var p = 1 / Double(r + 2) / harmonic
                if frequenciesForPieces, let f = frequencyOf[vocabulary[kept[r]]] { p = f }
                weights[r] = a / (a + p)
            }
            for (k, word) in added.enumerated() { weights[kept.count + k] = a / (a + word.frequency) }
        }

        let pieces = vocabulary + added.map(\.word)
        var values = [Float](repeating: 0, count: pieces.count * dimension)
        for (r, id) in (kept + (0..<added.count).map { vocabulary.count + $0 }).enumerated() {
            for c in 0..<dimension { values[id * dimension + c] = Float(projected[r * dimension + c] * weights[r]) }
        }
        var metadata: [String: String] = [
            "format": "engram-static/1", "method": "model2vec", "dimension": "\(dimension)",
            "explained_variance": String(format: "%.4f", explained),
        ]
        metadata["sif_coefficient"] = sifCoefficient.map { "\($0)" } ?? "none"
        metadata["added_words"] = "\(added.count)"
        return StaticTable(pieces: pieces, dimension: dimension, values: values, metadata: metadata)
    }

    /// Eigenvalues (ascending) and eigenvectors (one per `size` doubles, in the same order) of
    /// a symmetric matrix, by LAPACK's dsyev.
    public static func symmetricEigen(_ matrix: [Double], size n: Int) throws(EmbeddingError) -> ([Double], [Double]) {
        var a = matrix  // symmetric: row- and column-major are the same
        var w = [Double](repeating: 0, count: n)
        var info: Int32 = 0
        var size = Int32(n)
        var lwork: Int32 = -1
        var query = 0.0
        dsyev_("V", "L", &size, &a, &size, &w, &query, &lwork, &info)
        lwork = Int32(query)
        var work = [Double](repeating: 0, count: max(1, Int(lwork)))
        dsyev_("V", "L", &size, &a, &size, &w, &work, &lwork, &info)
        guard info == 0 else { throw EmbeddingError(.badModel, "the eigen-decomposition failed (dsyev info \(info))") }
        return (w, a)
    }
}
