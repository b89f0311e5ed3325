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
/// Observations get small numbers, reused after removal, so postings are 4 bytes each and a
/// word held by one observation needs no array.
package struct DuplicateIndex: Sendable {
    private enum Posting: Sendable {
        case one(Int32)
        case many([Int32])

        var count: Int {
            switch self {
            case .one: 1
            case .many(let numbers): numbers.count
            }
        }

        /// Adds a number in place (the array is released from `self` first, so it is unique).
        mutating func append(_ number: Int32) {
            switch self {
            case .one(let other):
                self = .many([other, number])
            case .many(var list):
                self = .one(-1)
                list.append(number)
                self = .many(list)
            }
        }

        /// Removes a number in place; false when nothing is left.
        mutating func remove(_ number: Int32) -> Bool {
            switch self {
            case .one(let other):
                return other != number
            case .many(var list):
                self = .one(-1)
                if let at = list.firstIndex(of: number) {
                    list.swapAt(at, list.count - 1)
                    list.removeLast()
                }
                self = list.count == 1 ? .one(list[0]) : .many(list)
                return !list.isEmpty
            }
        }
    }

    private struct Entry: Sendable {
        var id: String
        var fingerprint: TextFingerprint?
    }

    package let threshold: Double
    private var numbers: [String: Int32] = [:]
    private var entries: [Entry] = []
    private var free: [Int32] = []
    private var postings: [UInt32: Posting] = [:]

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
            if postings[shingle]?.append(number) == nil { postings[shingle] = .one(number) }
        }
    }

    package mutating func remove(_ id: String) {
        guard let number = numbers.removeValue(forKey: id), let fingerprint = entries[Int(number)].fingerprint
        else { return }
        for shingle in fingerprint.shingles where !TextFingerprint.isCommon(shingle) {
            if postings[shingle]?.remove(number) == false { postings[shingle] = nil }
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
            rare.append((postings[shingle]?.count ?? 0, shingle))
        }
        if rare.count >= probes {
            rare.sort { $0.size < $1.size }
            for (size, shingle) in rare.prefix(probes) where size > 0 {
                switch postings[shingle] {
                case .one(let number): consider(number)
                case .many(let list): for number in list { consider(number) }
                case nil: break
                }
            }
        } else {
            for number in numbers.values { consider(number) }
        }
        if found.count > 1 {
            found.sort()
            var distinct = 0
            for i in found.indices where distinct == 0 || found[distinct - 1] != found[i] {
                found[distinct] = found[i]
                distinct += 1
            }
            found.removeLast(found.count - distinct)
        }
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
