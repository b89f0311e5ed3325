/// Finds duplicate candidates among a profile's active observations without scanning them.
///
/// Each filed observation is listed under every rare shingle of its fingerprint (a word or
/// pair that is not stop words only). If Jaccard(A, B) ≥ t then |A ∩ B| ≥ t·|A|, so B misses
/// at most |A| − ⌈t·|A|⌉ of A's shingles, and ANY k = |A| − ⌈t·|A|⌉ + 1 of them include one
/// of B's. So a new text probes with the k of its rare shingles that the fewest observations
/// hold right now (PPJoin's prefix, with the order chosen per query by the profile's own
/// frequencies): a shingle no observation holds costs nothing and still counts, and a fact
/// made of everyday vocabulary meets only the few that share its rarest word pairs. A text
/// with fewer than k rare shingles (mostly stop words, or a very low threshold) is compared
/// with every filed one.
/// Length filtering then drops candidates whose set size rules the threshold out (Jaccard ≥
/// t needs t·|A| ≤ |B| ≤ |A|/t). The answer is the same as comparing with every active
/// observation; tests check it against that rule.
///
/// Observations get small numbers, reused after removal, and the postings live in an
/// open-addressing table of (shingle, number) pairs (8 bytes a slot), with a side list only
/// for a shingle several observations hold: most rare shingles are held once.
package struct DuplicateIndex: Sendable {
    private struct Entry: Sendable {
        var id: String
        var fingerprint: TextFingerprint?
    }

    package let threshold: Double
    private var numbers: [String: Int32] = [:]
    private var entries: [Entry] = []
    private var free: [Int32] = []
    private var postings = ShingleTable()

    package init(threshold: Double) {
        self.threshold = threshold
    }

    /// Observations filed.
    package var count: Int { numbers.count }

    /// The fingerprint filed for `id`.
    package func fingerprint(of id: String) -> TextFingerprint? {
        numbers[id].flatMap { entries[Int($0)].fingerprint }
    }

    package mutating func insert(_ id: String, _ fingerprint: TextFingerprint) {
        remove(id)
        let number: Int32
        if let reused = free.popLast() {
            number = reused
            entries[Int(number)] = Entry(id: id, fingerprint: fingerprint)
        } else {
            number = Int32(entries.count)
            entries.append(Entry(id: id, fingerprint: fingerprint))
        }
        numbers[id] = number
        for shingle in fingerprint.shingles where !TextFingerprint.isCommon(shingle) {
            postings.insert(shingle, number)
        }
    }

    package mutating func remove(_ id: String) {
        guard let number = numbers.removeValue(forKey: id), let fingerprint = entries[Int(number)].fingerprint
        else { return }
        for shingle in fingerprint.shingles where !TextFingerprint.isCommon(shingle) {
            postings.remove(shingle, number)
        }
        entries[Int(number)] = Entry(id: "", fingerprint: nil)
        free.append(number)
        if numbers.isEmpty {
            entries = []
            free = []
        }
    }

    /// Ids that may reach the threshold with `fingerprint`, sorted and distinct.
    package func candidates(for fingerprint: TextFingerprint) -> [String] {
        let shingles = fingerprint.shingles
        let size = Double(shingles.count)
        // A hair wider than [t·|A|, |A|/t], so rounding never drops a pair at the threshold.
        let smallest = Int((threshold * size - 1e-9).rounded(.up))
        let largest = threshold > 0 ? Int((size / threshold + 1e-9).rounded(.down)) : Int.max
        // At least the shingles B may lack, plus one (a hair more when rounding is close).
        let probes = shingles.count - smallest + 1
        var found: [Int32] = []
        func consider(_ number: Int32) {
            if let count = entries[Int(number)].fingerprint?.shingles.count, count >= smallest, count <= largest {
                found.append(number)
            }
        }
        var rare: [(size: Int, shingle: UInt32)] = []
        rare.reserveCapacity(shingles.count)
        for shingle in shingles where !TextFingerprint.isCommon(shingle) {
            rare.append((postings.count(shingle), shingle))
        }
        if rare.count >= probes {
            rare.sort { $0.size < $1.size }
            for (size, shingle) in rare.prefix(probes) where size > 0 {
                postings.forEach(shingle, consider)
            }
        } else {
            for number in numbers.values { consider(number) }
        }
        found.sortAndRemoveDuplicates()
        return found.map { entries[Int($0)].id }.sorted()
    }
}

extension DuplicateIndex: Equatable {
    /// Equal when they file the same fingerprints under the same ids (numbering and the
    /// order postings were made in do not matter).
    package static func == (a: DuplicateIndex, b: DuplicateIndex) -> Bool {
        guard a.threshold == b.threshold, a.numbers.count == b.numbers.count else { return false }
        return a.numbers.keys.allSatisfy { a.fingerprint(of: $0) == b.fingerprint(of: $0) }
    }
}

/// Shingle → observation numbers: linear probing over parallel key and value arrays, with
/// deletion by backward shift (no tombstones). A value ≥ 0 is the one number holding the
/// shingle; a value < 0 names a list in `lists` (−1 − index) for a shingle held several times.
private struct ShingleTable: Sendable, Equatable {
    private static let empty = Int32.min
    private var keys: [UInt32] = []
    private var values: [Int32] = []
    private var lists: [[Int32]] = []
    private var freeLists: [Int32] = []
    private var used = 0

    @inline(__always)
    private func home(_ key: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> 32) & (keys.count - 1)
    }

    private func find(_ key: UInt32) -> Int? {
        guard !keys.isEmpty else { return nil }
        var i = home(key)
        while values[i] != Self.empty {
            if keys[i] == key { return i }
            i = (i + 1) & (keys.count - 1)
        }
        return nil
    }

    func count(_ key: UInt32) -> Int {
        guard let i = find(key) else { return 0 }
        return values[i] >= 0 ? 1 : lists[Int(-1 - values[i])].count
    }

    func forEach(_ key: UInt32, _ body: (Int32) -> Void) {
        guard let i = find(key) else { return }
        if values[i] >= 0 { body(values[i]) } else { lists[Int(-1 - values[i])].forEach(body) }
    }

    mutating func insert(_ key: UInt32, _ number: Int32) {
        if (used + 1) * 10 > keys.count * 7 { grow() }
        var i = home(key)
        while values[i] != Self.empty {
            if keys[i] == key {
                let value = values[i]
                if value >= 0 {
                    if value == number { return }
                    values[i] = newList([value, number])
                } else if !lists[Int(-1 - value)].contains(number) {
                    lists[Int(-1 - value)].append(number)
                }
                return
            }
            i = (i + 1) & (keys.count - 1)
        }
        keys[i] = key
        values[i] = number
        used += 1
    }

    mutating func remove(_ key: UInt32, _ number: Int32) {
        guard let i = find(key) else { return }
        let value = values[i]
        if value >= 0 {
            if value == number { vacate(i) }
            return
        }
        let list = Int(-1 - value)
        if let at = lists[list].firstIndex(of: number) {
            lists[list].swapAt(at, lists[list].count - 1)
            lists[list].removeLast()
        }
        if lists[list].count == 1 {
            values[i] = lists[list][0]
            lists[list] = []
            freeLists.append(Int32(list))
        }
    }

    private mutating func newList(_ numbers: [Int32]) -> Int32 {
        if let reused = freeLists.popLast() {
            lists[Int(reused)] = numbers
            return -1 - reused
        }
        lists.append(numbers)
        return -Int32(lists.count)
    }

    /// Empties slot `i`, moving later entries of its probe run back so lookups never stop early.
    private mutating func vacate(_ i: Int) {
        let mask = keys.count - 1
        var hole = i
        var j = (i + 1) & mask
        while values[j] != Self.empty {
            let want = home(keys[j])
            // Move j into the hole unless its home lies cyclically in (hole, j].
            let stays = hole <= j ? (want > hole && want <= j) : (want > hole || want <= j)
            if !stays {
                keys[hole] = keys[j]
                values[hole] = values[j]
                hole = j
            }
            j = (j + 1) & mask
        }
        values[hole] = Self.empty
        used -= 1
        if used == 0 {
            self = ShingleTable()
        }
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        let capacity = max(16, keys.count * 2)
        keys = [UInt32](repeating: 0, count: capacity)
        values = [Int32](repeating: Self.empty, count: capacity)
        for (key, value) in zip(oldKeys, oldValues) where value != Self.empty {
            var i = home(key)
            while values[i] != Self.empty { i = (i + 1) & (capacity - 1) }
            keys[i] = key
            values[i] = value
        }
    }
}
