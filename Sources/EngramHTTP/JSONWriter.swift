import NIOCore

/// A response that writes its own JSON. Foundation's `JSONEncoder` builds a tree of boxed
/// values and spent ~550 µs on a 20-observation Recall answer (perf, release build), most of the
/// HTTP door's cost; the answers of the hot calls (Recall, observation lists) write their bytes
/// directly instead, in the order the fields are declared. Other answers still use Codable.
protocol JSONWritable {
    func write(to w: inout JSONWriter)
}

/// Writes JSON into memory it owns: objects and arrays with their commas, escaped strings,
/// shortest round-tripping numbers, RFC 3339 times.
///
/// Non-copyable, over a raw allocation: every byte written is a store and a count, with none of
/// an array's per-append uniqueness and capacity calls (the writer was the largest part of the
/// HTTP door's own cost on a Recall answer).
struct JSONWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// Whether the current object or array needs a comma before its next member.
    private var needsComma = false

    init(capacity: Int = 4096) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// What was written, as an array (tests).
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// What was written, in a buffer to send.
    var buffer: ByteBuffer {
        var out = ByteBufferAllocator().buffer(capacity: count)
        out.writeBytes(UnsafeRawBufferPointer(start: base, count: count))
        return out
    }

    // MARK: Raw output

    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if count &+ n > capacity { grow(n) }
    }

    private mutating func grow(_ n: Int) {
        let larger = Swift.max(capacity * 2, count + n)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.update(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count &+= 1
    }

    @inline(__always)
    private mutating func put(_ a: UInt8, _ b: UInt8) {
        reserve(2)
        base[count] = a
        base[count &+ 1] = b
        count &+= 2
    }

    private mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (base + count).update(from: from, count: bytes.count)
        count &+= bytes.count
    }

    private mutating func put(_ text: String) {
        var text = text
        text.withUTF8 { put($0) }
    }

    // MARK: JSON

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        put(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        put(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func array<S: Sequence>(_ items: S, _ each: (inout JSONWriter, S.Element) -> Void) {
        separate()
        put(UInt8(ascii: "["))
        needsComma = false
        for item in items { each(&self, item) }
        put(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A member's name; the value written next is its value.
    mutating func key(_ name: StaticString) {
        separate()
        put(UInt8(ascii: "\""))
        name.withUTF8Buffer { put($0) }
        put(UInt8(ascii: "\""), UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func key(_ name: String) {
        separate()
        writeString(name)
        put(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func string(_ s: String) {
        separate()
        writeString(s)
        needsComma = true
    }

    mutating func int<I: BinaryInteger>(_ v: I) {
        separate()
        // Digits straight into the output: `String(v)` allocated a string per number.
        reserve(21)
        var magnitude = v.magnitude
        if v < 0 {
            base[count] = UInt8(ascii: "-")
            count &+= 1
        }
        let start = count
        repeat {
            let (quotient, digit) = magnitude.quotientAndRemainder(dividingBy: 10)
            base[count] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: digit)
            count &+= 1
            magnitude = quotient
        } while magnitude > 0
        var digits = UnsafeMutableBufferPointer(start: base + start, count: count - start)
        digits.reverse()
        needsComma = true
    }

    /// A finite number (non-finite ones, which JSON cannot hold, are written as 0).
    mutating func number(_ v: Double) {
        separate()
        if v.isFinite { put(v.description) } else { put(UInt8(ascii: "0")) }
        needsComma = true
    }

    mutating func number(_ v: Float) {
        separate()
        if v.isFinite { put(v.description) } else { put(UInt8(ascii: "0")) }
        needsComma = true
    }

    mutating func bool(_ v: Bool) {
        separate()
        put(v ? "true" : "false")
        needsComma = true
    }

    mutating func null() {
        separate()
        put("null")
        needsComma = true
    }

    mutating func value(_ v: some JSONWritable) {
        v.write(to: &self)
    }

    /// An array of answers, each written where it lies (iterating would copy every element,
    /// retaining and releasing each of its strings).
    mutating func array<T: JSONWritable>(_ items: [T]) {
        separate()
        put(UInt8(ascii: "["))
        needsComma = false
        for i in items.indices { items[i].write(to: &self) }
        put(UInt8(ascii: "]"))
        needsComma = true
    }

    mutating func strings(_ list: [String]) {
        array(list) { w, s in w.string(s) }
    }

    /// An RFC 3339 time in UTC, with microseconds when it has them (`RFC3339.format`'s text).
    mutating func time(_ us: Int64) {
        separate()
        reserve(RFC3339.maxLength + 2)
        base[count] = UInt8(ascii: "\"")
        count &+= 1
        count &+= RFC3339.write(us, to: base + count)
        base[count] = UInt8(ascii: "\"")
        count &+= 1
        needsComma = true
    }

    // Optional members: left out when absent, as Codable's encodeIfPresent does.
    mutating func field(_ name: StaticString, _ v: String?) {
        if let v {
            key(name)
            string(v)
        }
    }

    mutating func field(_ name: StaticString, _ t: JSONTime?) {
        if let t {
            key(name)
            time(t.us)
        }
    }

    mutating func field(_ name: StaticString, _ v: Float?) {
        if let v {
            key(name)
            number(v)
        }
    }

    mutating func field(_ name: StaticString, _ v: (some JSONWritable)?) {
        if let v {
            key(name)
            value(v)
        }
    }

    @inline(__always)
    private mutating func separate() {
        if needsComma { put(UInt8(ascii: ",")) }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// The index of the first byte from `i` on that JSON must escape (a control character, `"`
    /// or `\`), or `utf8.count`. Eight bytes at a time while none is found.
    @inline(__always)
    private static func nextEscape(in utf8: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
        let n = utf8.count
        var i = i
        guard let p = utf8.baseAddress else { return n }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i &+ 8 <= n {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            // Bit 7 of a byte set: it is below 0x20, or zero after the xor (the classic SWAR tests).
            let control = (w &- ones &* 0x20) & ~w & highs
            let isQuote = (quote &- ones) & ~quote & highs
            let isBackslash = (backslash &- ones) & ~backslash & highs
            if control | isQuote | isBackslash != 0 { break }
            i &+= 8
        }
        while i < n {
            let c = p[i]
            if c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") { return i }
            i &+= 1
        }
        return n
    }

    private mutating func writeString(_ s: String) {
        put(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var start = 0
            while true {
                let i = Self.nextEscape(in: utf8, from: start)
                put(UnsafeBufferPointer(rebasing: utf8[start..<i]))
                if i == utf8.count { break }
                let c = utf8[i]
                start = i + 1
                switch c {
                case UInt8(ascii: "\""): put(UInt8(ascii: "\\"), UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): put(UInt8(ascii: "\\"), UInt8(ascii: "\\"))
                case 0x0A: put(UInt8(ascii: "\\"), UInt8(ascii: "n"))
                case 0x0D: put(UInt8(ascii: "\\"), UInt8(ascii: "r"))
                case 0x09: put(UInt8(ascii: "\\"), UInt8(ascii: "t"))
                default:
                    put(UInt8(ascii: "\\"), UInt8(ascii: "u"))
                    put(0x30, 0x30)
                    put(Self.hex[Int(c >> 4)], Self.hex[Int(c & 15)])
                }
            }
        }
        put(UInt8(ascii: "\""))
    }
}
