import CEngramKernels

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A term (by its 64-bit hash) and how often it occurs in one document.
package struct TermCount: Sendable, Hashable {
    package var term: UInt64
    package var count: UInt16
}

/// What the index keeps of a text: its distinct terms with counts, and its length in terms.
package struct AnalyzedText: Sendable, Hashable {
    /// Sorted by term hash.
    package var terms: [TermCount]
    package var length: Int

    package init(_ text: String) {
        var hashes: [UInt64] = []
        Tokenizer.forEachToken(in: text) { _, term in hashes.append(term.stableHash) }
        self.init(termHashes: hashes)
    }

    /// From the hashes of a text's kept terms, in any order.
    package init(termHashes: [UInt64]) {
        var hashes = termHashes
        hashes.sort()
        var terms: [TermCount] = []
        terms.reserveCapacity(hashes.count)
        for hash in hashes {
            if terms.last?.term == hash {
                terms[terms.count - 1].count &+= 1
            } else {
                terms.append(TermCount(term: hash, count: 1))
            }
        }
        self.terms = terms
        self.length = hashes.count
    }
}

/// One document holding a term, how often, and the document's length in terms (capped at
/// 65,535), so BM25 reads everything it needs from the posting itself: still 8 bytes.
package struct Posting: Sendable, Equatable {
    package var slot: Int32
    package var count: UInt16
    package var length: UInt16
}

/// The documents containing one term, in no order: one array, so a term costs one
/// allocation (a profile has one list per distinct term).
package struct PostingList: Sendable, Equatable {
    package var postings: [Posting] = []
    /// How many of them are active: the document frequency BM25 uses.
    package var activeCount: Int32 = 0
}

/// Where a document's vector comes from.
package enum DocumentVector {
    case none
    /// A vector as given (a client's or an embedder's); stored at unit length.
    case given([Float])
    /// The standard hashed embedder's vector of this text, built straight into the row.
    case hashed(String)

    package var count: Int {
        switch self {
        case .none: 0
        case .given(let v): v.count
        case .hashed: HashedEmbedder.standard.dimension
        }
    }
}

/// Up to `RecallBlock.size` documents' per-slot data, with their vectors in one contiguous
/// half-precision buffer (row-major, `dimension` values a row).
///
/// Blocks are separate copy-on-write buffers, so when a view or a query still shares the
/// index, a write copies one block (64 rows), not the whole profile's index.
package struct RecallBlock: Sendable {
    package static let size = 64
    /// `engineMade`: the row's vector came from an embedder (in the corpus's `space`), not a client.
    package static let occupied: UInt8 = 1, active: UInt8 = 2, hasVector: UInt8 = 4, engineMade: UInt8 = 8

    package var ids = [String](repeating: "", count: size)
    package var occurredAt = [Int64](repeating: 0, count: size)
    package var sources = [String](repeating: "", count: size)
    package var lengths = [Int32](repeating: 0, count: size)
    package var flags = [UInt8](repeating: 0, count: size)
    package var terms = [[TermCount]](repeating: [], count: size)
    /// dimension half-precision floats (IEEE binary16 bit patterns) a row, for the rows
    /// allocated so far (rows past the end have no vector). Half precision halves the memory
    /// and the bytes a query streams (a large corpus is bound by memory, not arithmetic);
    /// cosines move by about 1e-4, far below what changes a ranking.
    package var vectors: [UInt16] = []
    /// The sign bits of each allocated row (⌈dimension / 64⌉ words a row): a 32× smaller
    /// sketch that large profiles scan first (see `cosines`).
    package var signs: [UInt64] = []
}

/// One searchable collection of a profile (its observations, or its summaries): a BM25
/// inverted index and an embedding matrix, both updated on every write, never rebuilt.
///
/// Documents live in slots; a removed document's slot is reused by the next insert. BM25's
/// statistics (document count, average length, document frequencies) count active
/// documents only; superseded ones stay indexed so `include_superseded` can find them.
package struct RecallCorpus: Sendable {
    /// The embedding length, fixed by the first vector stored (0 until then). A vector of
    /// another length is not stored, and its document gets no semantic score, except that
    /// the first engine-made vector of a new length replaces client-only vectors.
    package private(set) var dimension = 0
    /// The embedder whose vectors the matrix holds (`EmbedderIdentity.description`), taken
    /// from the first engine-made vector while it holds none. An engine-made vector of
    /// another embedder is not stored (its document gets no semantic score) until the
    /// profile is re-embedded and `adopt(space:)` switches the whole matrix. Client vectors
    /// are stored whatever the space.
    package private(set) var space: String?
    /// Stored vectors that are engine-made.
    package private(set) var engineVectorCount = 0
    package private(set) var blocks: [RecallBlock] = []
    package private(set) var slotByID: PersistentMap<String, Int32> = [:]
    private var freeSlots: [Int32] = []
    package private(set) var postings: PersistentMap<UInt64, PostingList> = [:]
    /// Documents with a stored vector.
    package private(set) var vectorCount = 0
    /// Active documents, and the sum of their lengths.
    package private(set) var activeCount = 0
    package private(set) var activeLength = 0
    /// With `keepsFlatSketch`, the first two sign words of every slot's vector in one flat
    /// array (two words a slot): a large corpus's shortlist pass reads 16 bytes a row from here
    /// instead of touching each row's whole sketch in its block.
    package private(set) var flatSketch: [UInt64] = []
    /// With `keepsFlatSketch`, every slot's flags in one flat array too: a large corpus's
    /// passes over every slot read 1 byte a row from here, not each block's own flags array
    /// (a cache miss or two per block: most of a 100,000-chunk shortlist pass).
    package private(set) var flatFlags: [UInt8] = []
    package private(set) var keepsFlatSketch = false

    package init() {}

    /// A corpus that keeps `flatSketch` (knowledge bases, which grow large and are read more
    /// than written).
    package init(keepingFlatSketch: Bool) {
        keepsFlatSketch = keepingFlatSketch
    }

    package static let flatSketchWords = 2

    package var count: Int { slotByID.count }
    /// 64-bit words of one row's sign sketch.
    package var signWords: Int { (dimension + 63) / 64 }
    package var slotCapacity: Int { blocks.count * RecallBlock.size }

    // MARK: Writes

    /// Makes room for `count` documents in all, so a corpus built at once (a restore) gets
    /// its slots and vector rows allocated once, at their exact size.
    package mutating func reserve(_ count: Int, dimension rowLength: Int) {
        let needed = (count + RecallBlock.size - 1) / RecallBlock.size
        if blocks.count < needed {
            let first = slotCapacity
            blocks.append(contentsOf: repeatElement(RecallBlock(), count: needed - blocks.count))
            // Taken after the free slots already listed, lowest first.
            freeSlots.insert(
                contentsOf: Array(stride(from: Int32(slotCapacity - 1), through: Int32(first), by: -1)), at: 0)
        }
        guard rowLength > 0 else { return }
        for b in blocks.indices {
            let rows = min(RecallBlock.size, count - b * RecallBlock.size)
            guard rows > 0 else { break }
            blocks[b].vectors.reserveCapacity(rows * rowLength)
            blocks[b].signs.reserveCapacity(rows * ((rowLength + 63) / 64))
        }
    }

    /// Inserts a document, or replaces the one with the same id. With `text` nil, the
    /// terms come from the hashed embedder's pass over the text of a `.hashed` vector, which
    /// tokenizes it anyway.
    package mutating func put(
        id: String, text: AnalyzedText?, source: String, occurredAt: Int64, active: Bool, vector: DocumentVector,
        space vectorSpace: String? = nil
    ) {
        var text = text
        if slotByID[id] != nil { remove(id: id) }
        let slot = freeSlots.popLast() ?? newSlot()
        slotByID[id] = slot
        let (b, r) = Self.locate(slot)
        var flags = RecallBlock.occupied | (active ? RecallBlock.active : 0)
        if let vectorSpace, space != vectorSpace {
            if engineVectorCount == 0 { space = vectorSpace }
        }
        let length = vector.count
        if length > 0, vectorSpace == nil || vectorSpace == space {
            // Engine vectors decide the length: client vectors of another length (kept from
            // before a change of embedder) leave the matrix, whatever order rows come in.
            if vectorSpace != nil, dimension != 0, length != dimension, engineVectorCount == 0 { clearVectors() }
            if dimension == 0 { dimension = length }
            if length == dimension {
                // Rows are allocated as the block fills, eight at a time (not 64 at once: most
                // profiles are small; nor by doubling, which leaves a third of a block unused).
                if blocks[b].vectors.count < (r + 1) * dimension {
                    if blocks[b].vectors.capacity < (r + 1) * dimension {
                        let rows = min(RecallBlock.size, (r / 8 + 1) * 8)
                        blocks[b].vectors.reserveCapacity(rows * dimension)
                        blocks[b].signs.reserveCapacity(rows * signWords)
                    }
                    blocks[b].vectors.append(
                        contentsOf: repeatElement(0, count: (r + 1) * dimension - blocks[b].vectors.count))
                    blocks[b].signs.append(
                        contentsOf: repeatElement(0, count: (r + 1) * signWords - blocks[b].signs.count))
                }
                let d = dimension
                let words = signWords
                var scratch = [Float](repeating: 0, count: d)
                scratch.withUnsafeMutableBufferPointer { row in
                    switch vector {
                    case .given(let given): _ = row.update(fromContentsOf: given)
                    case .hashed(let content):
                        var hashes: [UInt64]? = text == nil ? [] : nil
                        HashedEmbedder.standard.embed(content, into: row, termHashes: &hashes)
                        if let hashes { text = AnalyzedText(termHashes: hashes) }
                    case .none: break
                    }
                    // Embedders' vectors are unit length already; this makes client ones so,
                    // and every path (given or built here) ends with the same bits.
                    normalize(row)
                    blocks[b].signs.withUnsafeMutableBufferPointer { signs in
                        Self.signSketch(of: UnsafeBufferPointer(row), into: signs.baseAddress! + r * words)
                    }
                    if keepsFlatSketch {
                        let width = Self.flatSketchWords
                        let needed = slotCapacity * width
                        if flatSketch.count < needed {
                            flatSketch.append(contentsOf: repeatElement(0, count: needed - flatSketch.count))
                        }
                        for w in 0..<min(width, words) {
                            flatSketch[Int(slot) * width + w] = blocks[b].signs[r * words + w]
                        }
                    }
                    blocks[b].vectors.withUnsafeMutableBufferPointer { all in
                        engram_f32_to_f16(row.baseAddress!, all.baseAddress! + r * d, d)
                    }
                }
                flags |= RecallBlock.hasVector
                vectorCount += 1
                if vectorSpace != nil {
                    flags |= RecallBlock.engineMade
                    engineVectorCount += 1
                }
            }
        }
        if text == nil, case .hashed(let content) = vector { text = AnalyzedText(content) }
        let analyzed = text ?? AnalyzedText(termHashes: [])
        blocks[b].ids[r] = id
        blocks[b].occurredAt[r] = occurredAt
        blocks[b].sources[r] = source
        blocks[b].lengths[r] = Int32(clamping: analyzed.length)
        blocks[b].flags[r] = flags
        copyFlags(b, r)
        blocks[b].terms[r] = analyzed.terms
        for term in analyzed.terms {
            postings.modifyValue(forKey: term.term, default: PostingList()) {
                $0.insert(slot: slot, count: term.count, length: UInt16(clamping: analyzed.length), active: active)
            }
        }
        if active {
            activeCount += 1
            activeLength += analyzed.length
        }
    }

    /// Keeps `flatFlags` equal to a row's flags, when the corpus keeps the flat copies.
    @inline(__always)
    private mutating func copyFlags(_ b: Int, _ r: Int) {
        guard keepsFlatSketch else { return }
        if flatFlags.count < slotCapacity {
            flatFlags.append(contentsOf: repeatElement(0, count: slotCapacity - flatFlags.count))
        }
        flatFlags[b * RecallBlock.size + r] = blocks[b].flags[r]
    }

    /// Changes what a document's text did not: source, time, active or not. Cheaper than
    /// `put`, for duplicates and supersessions, which keep the text.
    package mutating func update(id: String, source: String, occurredAt: Int64, active: Bool) {
        guard let slot = slotByID[id] else { return }
        let (b, r) = Self.locate(slot)
        blocks[b].sources[r] = source
        blocks[b].occurredAt[r] = occurredAt
        let wasActive = blocks[b].flags[r] & RecallBlock.active != 0
        guard wasActive != active else { return }
        blocks[b].flags[r] ^= RecallBlock.active
        copyFlags(b, r)
        let delta: Int32 = active ? 1 : -1
        for term in blocks[b].terms[r] {
            postings.modifyValue(forKey: term.term) { $0.activeCount += delta }
        }
        activeCount += Int(delta)
        activeLength += Int(delta) * Int(blocks[b].lengths[r])
    }

    /// Removes a document; its slot is reused later.
    package mutating func remove(id: String) {
        guard let slot = slotByID.removeValue(forKey: id) else { return }
        let (b, r) = Self.locate(slot)
        let active = blocks[b].flags[r] & RecallBlock.active != 0
        for term in blocks[b].terms[r] {
            let emptied = postings.modifyValue(forKey: term.term) { $0.remove(slot: slot, active: active) } ?? false
            if emptied { postings[term.term] = nil }
        }
        if active {
            activeCount -= 1
            activeLength -= Int(blocks[b].lengths[r])
        }
        if blocks[b].flags[r] & RecallBlock.hasVector != 0 { vectorCount -= 1 }
        if blocks[b].flags[r] & RecallBlock.engineMade != 0 { engineVectorCount -= 1 }
        blocks[b].ids[r] = ""
        blocks[b].sources[r] = ""
        blocks[b].terms[r] = []
        blocks[b].flags[r] = 0
        copyFlags(b, r)
        blocks[b].lengths[r] = 0
        if (r + 1) * dimension <= blocks[b].vectors.count {
            for i in (r * dimension)..<((r + 1) * dimension) { blocks[b].vectors[i] = 0 }
            for w in 0..<signWords { blocks[b].signs[r * signWords + w] = 0 }
        }
        if (Int(slot) + 1) * Self.flatSketchWords <= flatSketch.count {
            for w in 0..<Self.flatSketchWords { flatSketch[Int(slot) * Self.flatSketchWords + w] = 0 }
        }
        freeSlots.append(slot)
    }

    /// Switches the matrix to another embedder's vectors: every engine-made row loses its
    /// vector (client rows keep theirs), and the rows put next in `space` get theirs.
    package mutating func adopt(space newSpace: String) {
        guard space != newSpace else { return }
        space = newSpace
        for b in blocks.indices {
            for r in 0..<RecallBlock.size where blocks[b].flags[r] & RecallBlock.engineMade != 0 {
                blocks[b].flags[r] &= ~(RecallBlock.engineMade | RecallBlock.hasVector)
                copyFlags(b, r)
                vectorCount -= 1
                engineVectorCount -= 1
                if (r + 1) * dimension <= blocks[b].vectors.count {
                    for i in (r * dimension)..<((r + 1) * dimension) { blocks[b].vectors[i] = 0 }
                    for w in 0..<signWords { blocks[b].signs[r * signWords + w] = 0 }
                }
            }
        }
        if vectorCount == 0 { dimension = 0 }
    }

    /// Drops every stored vector; the next one sets the length again.
    private mutating func clearVectors() {
        for b in blocks.indices {
            blocks[b].vectors.removeAll()
            blocks[b].signs.removeAll()
            for r in 0..<RecallBlock.size {
                blocks[b].flags[r] &= ~(RecallBlock.hasVector | RecallBlock.engineMade)
                copyFlags(b, r)
            }
        }
        vectorCount = 0
        engineVectorCount = 0
        dimension = 0
    }

    /// Writes the sign bits of `row` (bit i of word w: row[64w + i] > 0) into ⌈count / 64⌉ words.
    private static func signSketch(of row: UnsafeBufferPointer<Float>, into words: UnsafeMutablePointer<UInt64>) {
        var w = 0
        var i = 0
        while i < row.count {
            var word: UInt64 = 0
            let end = min(i + 64, row.count)
            var bit: UInt64 = 0
            while i < end {
                if row[i] > 0 { word |= 1 &<< bit }
                bit &+= 1
                i &+= 1
            }
            words[w] = word
            w += 1
        }
    }

    private mutating func newSlot() -> Int32 {
        let slot = Int32(slotCapacity)
        blocks.append(RecallBlock())
        // The new block's other slots go on the free list, lowest last so it is used first.
        for extra in stride(from: slotCapacity - 1, to: Int(slot), by: -1) { freeSlots.append(Int32(extra)) }
        return slot
    }

    @inline(__always)
    package static func locate(_ slot: Int32) -> (block: Int, row: Int) {
        (Int(slot) / RecallBlock.size, Int(slot) % RecallBlock.size)
    }

    // MARK: Reads

    /// The document in a slot, if any.
    package func entry(at slot: Int) -> (id: String, occurredAt: Int64, source: String, flags: UInt8) {
        let b = blocks[slot / RecallBlock.size]
        let r = slot % RecallBlock.size
        return (b.ids[r], b.occurredAt[r], b.sources[r], b.flags[r])
    }

    /// A document's stored vector (unit length, to half precision), if it has one.
    package func vector(of id: String) -> [Float]? {
        guard let slot = slotByID[id] else { return nil }
        let (b, r) = Self.locate(slot)
        guard blocks[b].flags[r] & RecallBlock.hasVector != 0 else { return nil }
        var vector = [Float](repeating: 0, count: dimension)
        blocks[b].vectors.withUnsafeBufferPointer { all in
            vector.withUnsafeMutableBufferPointer { out in
                engram_f16_to_f32(all.baseAddress! + r * dimension, out.baseAddress!, dimension)
            }
        }
        return vector
    }

    /// Whether a slot's document holds a term.
    package func contains(term: UInt64, slot: Int) -> Bool {
        let terms = blocks[slot / RecallBlock.size].terms[slot % RecallBlock.size]
        var low = 0
        var high = terms.count
        while low < high {
            let mid = (low + high) / 2
            if terms[mid].term < term { low = mid + 1 } else { high = mid }
        }
        return low < terms.count && terms[low].term == term
    }

    /// Adds each slot's BM25 score for the distinct query `terms`, each scaled by its
    /// weight, into `scores` (`slotCapacity` long). The statistics are the active documents'.
    /// With `maxDocumentFraction` below 1, a term held by more than that fraction of the active
    /// documents is left out (its idf is near 0, and its postings are most of the corpus).
    package func addBM25(
        terms: [(term: UInt64, weight: Float)], k1: Double, b: Double, into scores: inout [Float],
        maxDocumentFraction: Double = 1
    ) {
        let most = Int32(clamping: Int(Double(activeCount) * maxDocumentFraction))
        let lists = terms.compactMap { item in
            postings[item.term].flatMap { maxDocumentFraction >= 1 || $0.activeCount <= most ? $0 : nil }.map {
                (list: $0, weight: item.weight)
            }
        }
        guard !lists.isEmpty else { return }
        let averageLength = activeCount > 0 ? max(Double(activeLength) / Double(activeCount), 1) : 1
        let k1 = Float(max(0, k1))
        let b = Float(min(1, max(0, b)))
        // The length normalisation from the posting's own copy of the document's length: no
        // pass over every slot, so the work is that of the postings read.
        let (constant, perTerm) = (k1 * (1 - b), k1 * b / Float(averageLength))
        scores.withUnsafeMutableBufferPointer { scores in
            for (list, weight) in lists {
                let idf = weight * inverseFrequency(of: list) * (k1 + 1)
                list.postings.withUnsafeBufferPointer { postings in
                    for posting in postings {
                        let tf = Float(posting.count)
                        scores[Int(posting.slot)] += idf * tf / (tf + constant + perTerm * Float(posting.length))
                    }
                }
            }
        }
    }

    /// BM25's idf: ln(1 + (N − df + 0.5) / (df + 0.5)), over active documents.
    package func inverseFrequency(of list: PostingList) -> Float {
        let n = Double(max(activeCount, 1))
        let df = Double(max(0, list.activeCount))
        return Float(log(1 + (n - df + 0.5) / (df + 0.5)))
    }

    /// Profiles with more vectors than this are scored in two steps (see `cosines`).
    package static let sketchThreshold = 4_096
    /// How many rows the sign sketch sends on to exact scoring.
    package static let sketchShortlist = 512

    /// Writes each slot's cosine with `query` (unit length, `dimension` long) into `scores`
    /// (`slotCapacity` long); slots without a vector get 0.
    ///
    /// Up to `sketchThreshold` vectors, every cosine is exact: one pass over the half-precision
    /// rows. Past it, the rows no longer fit in cache and the pass is bound by memory, so it
    /// first scans the rows' sign bits (16 times less memory): the Hamming distance h between
    /// sign patterns gives the estimate cos(π·h/d) for every row, and the `sketchShortlist`
    /// rows nearest the query then get their exact cosine. So the items that can win on
    /// semantics are scored exactly, and the others keep an estimate.
    package func cosines(_ query: [Float], into scores: inout [Float]) {
        let d = dimension
        guard d > 0, query.count == d else { return }
        if vectorCount <= Self.sketchThreshold {
            query.withUnsafeBufferPointer { q in
                scores.withUnsafeMutableBufferPointer { out in
                    for index in blocks.indices where !blocks[index].vectors.isEmpty {
                        let base = index * RecallBlock.size
                        blocks[index].vectors.withUnsafeBufferPointer { rows in
                            blocks[index].flags.withUnsafeBufferPointer { flags in
                                for r in 0..<(rows.count / d) where flags[r] & RecallBlock.hasVector != 0 {
                                    out[base + r] = engram_dot_f32_f16(q.baseAddress!, rows.baseAddress! + r * d, d)
                                }
                            }
                        }
                    }
                }
            }
            return
        }
        let words = signWords
        var querySigns = [UInt64](repeating: 0, count: words)
        for i in 0..<d where query[i] > 0 { querySigns[i / 64] |= 1 << UInt64(i % 64) }
        let estimate = (0...d).map { Float(cos(Double.pi * Double($0) / Double(d))) }
        var distances = [Int32](repeating: -1, count: slotCapacity)
        var histogram = [Int](repeating: 0, count: d + 1)
        var rowDistances = [Int32](repeating: 0, count: RecallBlock.size)
        scores.withUnsafeMutableBufferPointer { out in
            for index in blocks.indices where !blocks[index].signs.isEmpty {
                let rows = blocks[index].signs.count / words
                blocks[index].signs.withUnsafeBufferPointer { signs in
                    rowDistances.withUnsafeMutableBufferPointer { h in
                        engram_hamming_u64(signs.baseAddress!, rows, words, querySigns, h.baseAddress!)
                    }
                }
                let base = index * RecallBlock.size
                blocks[index].flags.withUnsafeBufferPointer { flags in
                    for r in 0..<rows where flags[r] & RecallBlock.hasVector != 0 {
                        let h = Int(rowDistances[r])
                        out[base + r] = estimate[h]
                        distances[base + r] = Int32(h)
                        histogram[h] += 1
                    }
                }
            }
        }
        // The Hamming cutoff that lets about `sketchShortlist` rows through.
        var cutoff = 0
        var admitted = 0
        while cutoff < d, admitted + histogram[cutoff] < Self.sketchShortlist {
            admitted += histogram[cutoff]
            cutoff += 1
        }
        query.withUnsafeBufferPointer { q in
            scores.withUnsafeMutableBufferPointer { out in
                for index in blocks.indices where !blocks[index].vectors.isEmpty {
                    let base = index * RecallBlock.size
                    blocks[index].vectors.withUnsafeBufferPointer { rows in
                        for r in 0..<(rows.count / d) where distances[base + r] >= 0 && distances[base + r] <= cutoff {
                            out[base + r] = engram_dot_f32_f16(q.baseAddress!, rows.baseAddress! + r * d, d)
                        }
                    }
                }
            }
        }
    }
}

extension PostingList {
    package mutating func insert(slot: Int32, count: UInt16, length: UInt16, active: Bool) {
        postings.append(Posting(slot: slot, count: count, length: length))
        if active { activeCount += 1 }
    }

    /// Removes a slot; true if the list is now empty.
    package mutating func remove(slot: Int32, active: Bool) -> Bool {
        if let i = postings.firstIndex(where: { $0.slot == slot }) {
            postings.swapAt(i, postings.count - 1)
            postings.removeLast()
            if active { activeCount -= 1 }
        }
        return postings.isEmpty
    }
}

/// The dot product of two `n`-float vectors: the C kernel, with AVX2 and FMA when the CPU
/// has them (chosen once at run time), SSE2 otherwise.
@inline(__always)
package func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    engram_dot_f32(a, b, n)
}

/// Which dot-product kernel this CPU runs: "avx2+fma" or "sse2".
package var dotKernelName: String { String(cString: engram_kernel_name()) }

extension RecallCorpus {
    /// The slots of about `count` rows nearest `query` by the Hamming distance of the first
    /// `words` words of their sign sketches (all rows at the cutoff distance are included):
    /// the shortlist a large corpus scores exactly. `query` is unit length, `dimension` long.
    package func sketchShortlist(_ query: [Float], count: Int, words: Int = 2) -> [Int32] {
        let d = dimension
        guard d > 0, query.count == d, count > 0 else { return [] }
        let stride = signWords
        let used = max(1, min(words, stride))
        let bits = min(d, used * 64)
        var querySigns = [UInt64](repeating: 0, count: stride)
        for i in 0..<d where query[i] > 0 { querySigns[i / 64] |= 1 << UInt64(i % 64) }
        var distances = [Int32](repeating: Int32.max, count: slotCapacity)
        var histogram = [Int32](repeating: 0, count: bits + 1)
        if keepsFlatSketch, used <= Self.flatSketchWords, flatSketch.count >= slotCapacity * Self.flatSketchWords,
            flatFlags.count >= slotCapacity
        {
            // The flat copies: 16 contiguous bytes and one flag byte a row, in one call.
            flatSketch.withUnsafeBufferPointer { flat in
                flatFlags.withUnsafeBufferPointer { flags in
                    distances.withUnsafeMutableBufferPointer { out in
                        histogram.withUnsafeMutableBufferPointer { histogram in
                            engram_hamming_histogram(
                                flat.baseAddress!, slotCapacity, Self.flatSketchWords, used, querySigns,
                                flags.baseAddress!, RecallBlock.hasVector, out.baseAddress!, histogram.baseAddress!)
                        }
                    }
                }
            }
        } else {
            // Through a buffer pointer: `blocks[index]` on the array itself would copy the block
            // (eight array references retained and released) on every access.
            blocks.withUnsafeBufferPointer { blocks in
                distances.withUnsafeMutableBufferPointer { out in
                    histogram.withUnsafeMutableBufferPointer { histogram in
                        for index in 0..<blocks.count {
                            let rows = blocks[index].signs.count / stride
                            guard rows > 0 else { continue }
                            blocks[index].signs.withUnsafeBufferPointer { signs in
                                blocks[index].flags.withUnsafeBufferPointer { flags in
                                    engram_hamming_histogram(
                                        signs.baseAddress!, rows, stride, used, querySigns, flags.baseAddress!,
                                        RecallBlock.hasVector, out.baseAddress! + index * RecallBlock.size,
                                        histogram.baseAddress!)
                                }
                            }
                        }
                    }
                }
            }
        }
        var cutoff = 0
        var admitted = 0
        while cutoff < bits, admitted + Int(histogram[cutoff]) < count {
            admitted += Int(histogram[cutoff])
            cutoff += 1
        }
        var slots: [Int32] = []
        slots.reserveCapacity(admitted + Int(histogram[cutoff]))
        let limit = Int32(cutoff)
        distances.withUnsafeBufferPointer { distances in
            for slot in 0..<distances.count where distances[slot] <= limit { slots.append(Int32(slot)) }
        }
        return slots
    }

    /// The exact cosine of one slot's stored vector with `query` (unit length); 0 without one.
    @inline(__always)
    package func cosine(_ query: UnsafeBufferPointer<Float>, slot: Int32) -> Float {
        let (b, r) = Self.locate(slot)
        let d = dimension
        guard d > 0, query.count == d, blocks[b].flags[r] & RecallBlock.hasVector != 0,
            (r + 1) * d <= blocks[b].vectors.count
        else { return 0 }
        return blocks[b].vectors.withUnsafeBufferPointer { rows in
            engram_dot_f32_f16(query.baseAddress!, rows.baseAddress! + r * d, d)
        }
    }
}
