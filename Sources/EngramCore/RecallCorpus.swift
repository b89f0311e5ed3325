import HashTreeCollections

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A term (by its 64-bit hash) and how often it occurs in one document.
struct TermCount: Sendable, Hashable {
    var term: UInt64
    var count: UInt16
}

/// What the index keeps of a text: its distinct terms with counts, and its length in terms.
struct AnalyzedText: Sendable, Hashable {
    /// Sorted by term hash.
    var terms: [TermCount]
    var length: Int

    init(_ text: String) {
        var counts: [UInt64: UInt16] = [:]
        var length = 0
        for term in Tokenizer.terms(text) {
            counts[term.stableHash, default: 0] &+= 1
            length += 1
        }
        self.terms = counts.map { TermCount(term: $0.key, count: $0.value) }.sorted { $0.term < $1.term }
        self.length = length
    }
}

/// The documents containing one term: parallel arrays of slots and counts, in no order.
struct PostingList: Sendable, Equatable {
    var slots: [Int32] = []
    var counts: [UInt16] = []
    /// How many of them are active: the document frequency BM25 uses.
    var activeCount: Int32 = 0
}

/// Up to `RecallBlock.size` documents' per-slot data, with their vectors in one contiguous
/// Float32 buffer (row-major, `dimension` floats a row).
///
/// Blocks are separate copy-on-write buffers, so when a view or a query still shares the
/// index, a write copies one block (64 rows), not the whole profile's index.
struct RecallBlock: Sendable {
    static let size = 64
    static let occupied: UInt8 = 1, active: UInt8 = 2, hasVector: UInt8 = 4

    var ids = [String](repeating: "", count: size)
    var occurredAt = [Int64](repeating: 0, count: size)
    var sources = [String](repeating: "", count: size)
    var lengths = [Int32](repeating: 0, count: size)
    var flags = [UInt8](repeating: 0, count: size)
    var terms = [[TermCount]](repeating: [], count: size)
    /// `size` × dimension floats; empty until the corpus knows its dimension.
    var vectors: [Float] = []
}

/// One searchable collection of a profile (its observations, or its summaries): a BM25
/// inverted index and an embedding matrix, both updated on every write, never rebuilt.
///
/// Documents live in slots; a removed document's slot is reused by the next insert. BM25's
/// statistics (document count, average length, document frequencies) count active
/// documents only; superseded ones stay indexed so `include_superseded` can find them.
struct RecallCorpus: Sendable {
    /// The embedding length, fixed by the first vector stored (0 until then). A vector of
    /// another length (say, from a log written with another embedder) is not stored, and
    /// its document gets no semantic score.
    private(set) var dimension = 0
    private(set) var blocks: [RecallBlock] = []
    private(set) var slotByID: TreeDictionary<String, Int32> = [:]
    private var freeSlots: [Int32] = []
    private(set) var postings: TreeDictionary<UInt64, PostingList> = [:]
    /// Active documents, and the sum of their lengths.
    private(set) var activeCount = 0
    private(set) var activeLength = 0

    var count: Int { slotByID.count }
    var slotCapacity: Int { blocks.count * RecallBlock.size }

    // MARK: Writes

    /// Inserts a document, or replaces the one with the same id.
    mutating func put(
        id: String, text: AnalyzedText, source: String, occurredAt: Int64, active: Bool, vector: [Float]?
    ) {
        if slotByID[id] != nil { remove(id: id) }
        let slot = freeSlots.popLast() ?? newSlot()
        slotByID[id] = slot
        let (b, r) = Self.locate(slot)
        var flags = RecallBlock.occupied | (active ? RecallBlock.active : 0)
        if var vector, !vector.isEmpty {
            if dimension == 0 { dimension = vector.count }
            if vector.count == dimension {
                normalize(&vector)
                if blocks[b].vectors.isEmpty {
                    blocks[b].vectors = [Float](repeating: 0, count: RecallBlock.size * dimension)
                }
                blocks[b].vectors.replaceSubrange((r * dimension)..<((r + 1) * dimension), with: vector)
                flags |= RecallBlock.hasVector
            }
        }
        blocks[b].ids[r] = id
        blocks[b].occurredAt[r] = occurredAt
        blocks[b].sources[r] = source
        blocks[b].lengths[r] = Int32(clamping: text.length)
        blocks[b].flags[r] = flags
        blocks[b].terms[r] = text.terms
        for term in text.terms {
            postings[term.term, default: PostingList()].insert(slot: slot, count: term.count, active: active)
        }
        if active {
            activeCount += 1
            activeLength += text.length
        }
    }

    /// Changes what a document's text did not: source, time, active or not. Cheaper than
    /// `put`, for duplicates and supersessions, which keep the text.
    mutating func update(id: String, source: String, occurredAt: Int64, active: Bool) {
        guard let slot = slotByID[id] else { return }
        let (b, r) = Self.locate(slot)
        blocks[b].sources[r] = source
        blocks[b].occurredAt[r] = occurredAt
        let wasActive = blocks[b].flags[r] & RecallBlock.active != 0
        guard wasActive != active else { return }
        blocks[b].flags[r] ^= RecallBlock.active
        let delta: Int32 = active ? 1 : -1
        for term in blocks[b].terms[r] {
            postings[term.term]?.activeCount += delta
        }
        activeCount += Int(delta)
        activeLength += Int(delta) * Int(blocks[b].lengths[r])
    }

    /// Removes a document; its slot is reused later.
    mutating func remove(id: String) {
        guard let slot = slotByID.removeValue(forKey: id) else { return }
        let (b, r) = Self.locate(slot)
        let active = blocks[b].flags[r] & RecallBlock.active != 0
        for term in blocks[b].terms[r] {
            let emptied = postings[term.term]?.remove(slot: slot, active: active) ?? false
            if emptied { postings[term.term] = nil }
        }
        if active {
            activeCount -= 1
            activeLength -= Int(blocks[b].lengths[r])
        }
        blocks[b].ids[r] = ""
        blocks[b].sources[r] = ""
        blocks[b].terms[r] = []
        blocks[b].flags[r] = 0
        blocks[b].lengths[r] = 0
        if !blocks[b].vectors.isEmpty {
            for i in (r * dimension)..<((r + 1) * dimension) { blocks[b].vectors[i] = 0 }
        }
        freeSlots.append(slot)
    }

    private mutating func newSlot() -> Int32 {
        let slot = Int32(slotCapacity)
        blocks.append(RecallBlock())
        // The new block's other slots go on the free list, lowest last so it is used first.
        for extra in stride(from: slotCapacity - 1, to: Int(slot), by: -1) { freeSlots.append(Int32(extra)) }
        return slot
    }

    @inline(__always)
    static func locate(_ slot: Int32) -> (block: Int, row: Int) {
        (Int(slot) / RecallBlock.size, Int(slot) % RecallBlock.size)
    }

    // MARK: Reads

    /// The document in a slot, if any.
    func entry(at slot: Int) -> (id: String, occurredAt: Int64, source: String, flags: UInt8) {
        let b = blocks[slot / RecallBlock.size], r = slot % RecallBlock.size
        return (b.ids[r], b.occurredAt[r], b.sources[r], b.flags[r])
    }

    /// Whether a slot's document holds a term.
    func contains(term: UInt64, slot: Int) -> Bool {
        let terms = blocks[slot / RecallBlock.size].terms[slot % RecallBlock.size]
        var low = 0, high = terms.count
        while low < high {
            let mid = (low + high) / 2
            if terms[mid].term < term { low = mid + 1 } else { high = mid }
        }
        return low < terms.count && terms[low].term == term
    }

    /// Adds each slot's BM25 score for the distinct query `terms`, each scaled by its
    /// weight, into `scores` (`slotCapacity` long). The statistics are the active documents'.
    func addBM25(terms: [(term: UInt64, weight: Float)], k1: Double, b: Double, into scores: inout [Float]) {
        let averageLength = activeCount > 0 ? max(Double(activeLength) / Double(activeCount), 1) : 1
        let k1 = Float(max(0, k1)), b = Float(min(1, max(0, b)))
        scores.withUnsafeMutableBufferPointer { scores in
            for (term, weight) in terms {
                guard let list = postings[term] else { continue }
                let idf = weight * inverseFrequency(of: list)
                list.slots.withUnsafeBufferPointer { slots in
                    list.counts.withUnsafeBufferPointer { counts in
                        for i in 0..<slots.count {
                            let slot = Int(slots[i])
                            let length = Float(blocks[slot / RecallBlock.size].lengths[slot % RecallBlock.size])
                            let tf = Float(counts[i])
                            let norm = k1 * (1 - b + b * length / Float(averageLength))
                            scores[slot] += idf * tf * (k1 + 1) / (tf + norm)
                        }
                    }
                }
            }
        }
    }

    /// BM25's idf: ln(1 + (N − df + 0.5) / (df + 0.5)), over active documents.
    func inverseFrequency(of list: PostingList) -> Float {
        let n = Double(max(activeCount, 1)), df = Double(max(0, list.activeCount))
        return Float(log(1 + (n - df + 0.5) / (df + 0.5)))
    }

    /// Writes each slot's cosine with `query` (unit length, `dimension` long) into `scores`
    /// (`slotCapacity` long); slots without a vector get 0.
    func cosines(_ query: [Float], into scores: inout [Float]) {
        let d = dimension
        guard d > 0, query.count == d else { return }
        query.withUnsafeBufferPointer { q in
            scores.withUnsafeMutableBufferPointer { out in
                for (index, block) in blocks.enumerated() where !block.vectors.isEmpty {
                    block.vectors.withUnsafeBufferPointer { rows in
                        let base = index * RecallBlock.size
                        for r in 0..<RecallBlock.size where block.flags[r] & RecallBlock.hasVector != 0 {
                            out[base + r] = dot(q.baseAddress!, rows.baseAddress! + r * d, d)
                        }
                    }
                }
            }
        }
    }
}

extension PostingList {
    mutating func insert(slot: Int32, count: UInt16, active: Bool) {
        slots.append(slot)
        counts.append(count)
        if active { activeCount += 1 }
    }

    /// Removes a slot; true if the list is now empty.
    mutating func remove(slot: Int32, active: Bool) -> Bool {
        if let i = slots.firstIndex(of: slot) {
            slots.swapAt(i, slots.count - 1)
            counts.swapAt(i, counts.count - 1)
            slots.removeLast()
            counts.removeLast()
            if active { activeCount -= 1 }
        }
        return slots.isEmpty
    }
}

/// The dot product of two `n`-float vectors, eight lanes at a time with two accumulators,
/// which the compiler turns into vector instructions (a plain loop would stay scalar,
/// since float addition may not be reordered).
@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
    var i = 0
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    let stride = MemoryLayout<Float>.stride
    while i + 16 <= n {
        acc0 += ra.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Float>.self)
            * rb.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Float>.self)
        acc1 += ra.loadUnaligned(fromByteOffset: (i + 8) * stride, as: SIMD8<Float>.self)
            * rb.loadUnaligned(fromByteOffset: (i + 8) * stride, as: SIMD8<Float>.self)
        i += 16
    }
    while i + 8 <= n {
        acc0 += ra.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Float>.self)
            * rb.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Float>.self)
        i += 8
    }
    var sum = (acc0 + acc1).sum()
    while i < n {
        sum += a[i] * b[i]
        i += 1
    }
    return sum
}
