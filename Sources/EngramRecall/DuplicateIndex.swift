/// Finds duplicate candidates among a profile's active observations without scanning them.
///
/// Prefix filtering (PPJoin): order every shingle set the same way, rare shingles first
/// (`TextFingerprint` marks stop words and their pairs as common); if Jaccard(A, B) ≥ t then
/// A's first |A| − ⌈t·|A|⌉ + 1 shingles and B's first |B| − ⌈t·|B|⌉ + 1 shingles share at
/// least one element. So each active observation is filed under its prefix (3 shingles for a
/// 20-word fact at t = 0.9), and a new one is compared only with those sharing a prefix
/// shingle; with rare shingles first, a bucket holds the few facts that share a rare word,
/// not every fact that says "the". Length filtering then drops candidates whose set size
/// rules the threshold out (Jaccard ≥ t needs t·|A| ≤ |B| ≤ |A|/t). Equal normalised texts
/// have equal shingle sets, so they always meet. The answer is the same as comparing with
/// every active observation.
package struct DuplicateIndex: Sendable, Equatable {
    /// One id, or several sorted: most buckets hold one, and need no array.
    package enum Bucket: Sendable, Equatable {
        case one(String)
        case many([String])
    }

    package let threshold: Double
    private var buckets: [UInt32: Bucket] = [:]
    /// The fingerprints of the observations filed: only active ones are ever compared, so
    /// a superseded observation keeps none.
    package private(set) var fingerprints: [String: TextFingerprint] = [:]

    package init(threshold: Double) {
        self.threshold = threshold
    }

    private func prefix(_ fingerprint: TextFingerprint) -> ArraySlice<UInt32> {
        let size = fingerprint.shingles.count
        // A hair below t·|X|, so rounding can only lengthen the prefix (never miss a match).
        let required = Int((threshold * Double(size) - 1e-9).rounded(.up))
        return fingerprint.shingles.prefix(min(size, max(1, size - required + 1)))
    }

    package mutating func insert(_ id: String, _ fingerprint: TextFingerprint) {
        if let old = fingerprints.updateValue(fingerprint, forKey: id) { unfile(id, old) }
        for shingle in prefix(fingerprint) {
            switch buckets[shingle] {
            case nil: buckets[shingle] = .one(id)
            case .one(let other) where other == id: break
            case .one(let other): buckets[shingle] = .many(other < id ? [other, id] : [id, other])
            case .many(var ids):
                if let at = ids.firstIndex(where: { $0 >= id }) {
                    if ids[at] != id { ids.insert(id, at: at) }
                } else {
                    ids.append(id)
                }
                buckets[shingle] = .many(ids)
            }
        }
    }

    package mutating func remove(_ id: String) {
        guard let fingerprint = fingerprints.removeValue(forKey: id) else { return }
        unfile(id, fingerprint)
    }

    private mutating func unfile(_ id: String, _ fingerprint: TextFingerprint) {
        for shingle in prefix(fingerprint) {
            switch buckets[shingle] {
            case .one(let other) where other == id: buckets[shingle] = nil
            case .many(var ids):
                ids.removeAll { $0 == id }
                buckets[shingle] = ids.count == 1 ? .one(ids[0]) : .many(ids)
            default: break
            }
        }
    }

    /// Ids that may reach the threshold with `fingerprint`, sorted and distinct.
    package func candidates(for fingerprint: TextFingerprint) -> [String] {
        var found: [String] = []
        let size = Double(fingerprint.shingles.count)
        // A hair wider than [t·|A|, |A|/t], so rounding never drops a pair at the threshold.
        let smallest = Int((threshold * size - 1e-9).rounded(.up))
        let largest = threshold > 0 ? Int((size / threshold + 1e-9).rounded(.down)) : Int.max
        func consider(_ id: String) {
            if let count = fingerprints[id]?.shingles.count, count >= smallest, count <= largest { found.append(id) }
        }
        for shingle in prefix(fingerprint) {
            switch buckets[shingle] {
            case .one(let id): consider(id)
            case .many(let ids): for id in ids { consider(id) }
            case nil: break
            }
        }
        return found.count < 2 ? found : Array(Set(found)).sorted()
    }
}
