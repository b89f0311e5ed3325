/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), slicing-by-8: eight 256-entry
/// tables let the loop consume eight bytes per step. Log records and snapshot contents carry it.
public struct CRC32C: Sendable {
    /// The checksum of everything fed so far.
    public private(set) var value: UInt32 = 0
    /// How many bytes were fed.
    public private(set) var length = 0

    /// An empty checksum.
    public init() {}

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32C()
        crc.update(bytes)
        return crc.value
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// Feeds `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var crc = ~value
        var count = bytes.count
        length += count
        guard count > 0, let base = bytes.baseAddress else { return }
        var p = base
        Self.tables.withUnsafeBufferPointer { t in
            while count >= 8 {
                let lo = p.loadUnaligned(as: UInt32.self).littleEndian ^ crc
                let hi = (p + 4).loadUnaligned(as: UInt32.self).littleEndian
                crc =
                    t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                    ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
                p += 8
                count -= 8
            }
            while count > 0 {
                crc = t[Int((crc ^ UInt32(p.load(as: UInt8.self))) & 0xFF)] ^ (crc >> 8)
                p += 1
                count -= 1
            }
        }
        value = ~crc
    }

    /// Feeds `bytes`.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Feeds an integer's eight little-endian bytes (one slicing-by-8 step: snapshots feed
    /// one per column).
    public mutating func update(_ integer: Int64) {
        length += 8
        let bits = UInt64(bitPattern: integer)
        let lo = UInt32(truncatingIfNeeded: bits) ^ ~value
        let hi = UInt32(truncatingIfNeeded: bits >> 32)
        value = Self.tables.withUnsafeBufferPointer { t -> UInt32 in
            let a: UInt32 = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
            let b: UInt32 = t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
            let c: UInt32 = t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
            let d: UInt32 = t[1 * 256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
            return ~(a ^ b ^ c ^ d)
        }
    }

    /// Feeds a string's UTF-8 bytes and then its length, so ("ab","c") and ("a","bc") differ.
    public mutating func update(_ string: String) {
        var string = string
        string.withUTF8 { update(UnsafeRawBufferPointer($0)) }
        update(Int64(string.utf8.count))
    }

    /// The checksum of `first`'s bytes followed by `second`'s, from the two checksums alone
    /// (zlib's crc32_combine: `first` is advanced over `second.length` zero bytes by squaring
    /// the one-zero-bit operator, a 32×32 matrix over GF(2)), so halves fed on two threads
    /// give the checksum of the whole.
    public static func combine(_ first: CRC32C, _ second: CRC32C) -> CRC32C {
        var result = CRC32C()
        result.length = first.length + second.length
        guard second.length > 0 else {
            result.value = first.value
            return result
        }
        func times(_ matrix: [UInt32], _ vector: UInt32) -> UInt32 {
            var sum: UInt32 = 0
            var vector = vector
            var i = 0
            while vector != 0 {
                if vector & 1 != 0 { sum ^= matrix[i] }
                vector >>= 1
                i += 1
            }
            return sum
        }
        func square(_ matrix: [UInt32]) -> [UInt32] { matrix.map { times(matrix, $0) } }
        // The operator for one zero bit, then two, four: `odd` and `even` take turns below.
        var odd = [UInt32](repeating: 0, count: 32)
        odd[0] = 0x82F6_3B78
        for n in 1..<32 { odd[n] = 1 << (n - 1) }
        var even = square(odd)
        odd = square(even)
        var crc = first.value
        var bytes = second.length
        repeat {
            even = square(odd)
            if bytes & 1 != 0 { crc = times(even, crc) }
            bytes >>= 1
            guard bytes != 0 else { break }
            odd = square(even)
            if bytes & 1 != 0 { crc = times(odd, crc) }
            bytes >>= 1
        } while bytes != 0
        result.value = crc ^ second.value
        return result
    }

    /// Table k maps a byte to its CRC contribution k bytes further along.
    static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            t[i] = c
        }
        for i in 0..<256 {
            var c = t[i]
            for k in 1..<8 {
                c = t[Int(c & 0xFF)] ^ (c >> 8)
                t[k * 256 + i] = c
            }
        }
        return t
    }()
}
