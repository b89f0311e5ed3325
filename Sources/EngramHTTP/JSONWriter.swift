import NIOCore

/// A response that writes its own JSON. Foundation's `JSONEncoder` builds a tree of boxed
/// values and spent ~550 µs on a 20-observation Recall answer (perf, release build), most of the
/// HTTP door's cost; the answers of the hot calls (Recall, observation lists) write their bytes
/// directly instead, in the order the fields are declared. Other answers still use Codable.
protocol JSONWritable {
    func write(to w: inout JSONWriter)
}

/// Writes JSON into a byte array: objects and arrays with their commas, escaped strings,
/// shortest round-tripping numbers, RFC 3339 times.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Whether the current object or array needs a comma before its next member.
    private var needsComma = false

    init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    var buffer: ByteBuffer { ByteBuffer(bytes: bytes) }

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func array<S: Sequence>(_ items: S, _ each: (inout JSONWriter, S.Element) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        for item in items { each(&self, item) }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A member's name; the value written next is its value.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        needsComma = false
    }

    mutating func key(_ name: String) {
        separate()
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func string(_ s: String) {
        separate()
        writeString(s)
        needsComma = true
    }

    mutating func int<I: BinaryInteger>(_ v: I) {
        separate()
        bytes.append(contentsOf: String(v).utf8)
        needsComma = true
    }

    /// A finite number (non-finite ones, which JSON cannot hold, are written as 0).
    mutating func number(_ v: Double) {
        separate()
        if v.isFinite { bytes.append(contentsOf: v.description.utf8) } else { bytes.append(UInt8(ascii: "0")) }
        needsComma = true
    }

    mutating func number(_ v: Float) {
        separate()
        if v.isFinite { bytes.append(contentsOf: v.description.utf8) } else { bytes.append(UInt8(ascii: "0")) }
        needsComma = true
    }

    mutating func bool(_ v: Bool) {
        separate()
        bytes.append(contentsOf: (v ? "true" : "false").utf8)
        needsComma = true
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    mutating func value(_ v: some JSONWritable) {
        v.write(to: &self)
    }

    mutating func strings(_ list: [String]) {
        array(list) { w, s in w.string(s) }
    }

    /// An RFC 3339 time in UTC, with microseconds when it has them (`RFC3339.format`'s text).
    mutating func time(_ us: Int64) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        RFC3339.write(us, into: &bytes)
        bytes.append(UInt8(ascii: "\""))
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

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func writeString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var start = 0
            for i in 0..<utf8.count {
                let c = utf8[i]
                guard c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                start = i + 1
                bytes.append(UInt8(ascii: "\\"))
                switch c {
                case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 15)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
