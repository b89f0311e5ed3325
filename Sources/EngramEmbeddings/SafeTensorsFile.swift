import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A read-only, memory-mapped `.safetensors` file: an 8-byte little-endian header length, a
/// JSON header naming each tensor's dtype, shape and byte range, then the tensors' bytes.
/// Float32 tensors are read in place, never copied.
///
/// `@unchecked Sendable`: the mapping is PROT_READ, set up in `init` and unmapped only in
/// `deinit`, so every thread sees the same immutable bytes.
public final class SafeTensorsFile: @unchecked Sendable {
    /// One tensor's place in the file.
    public struct TensorInfo: Sendable {
        public var dtype: String
        public var shape: [Int]
        /// Byte range within the data section.
        var range: Range<Int>
    }

    /// Every tensor, by name.
    public let tensors: [String: TensorInfo]
    /// The header's `__metadata__` (string to string), empty if it has none.
    public let metadata: [String: String]
    public let path: String
    private let base: UnsafeRawPointer
    private let size: Int
    private let dataStart: Int

    /// Maps `url` and parses its header; fails naming the file and what is wrong.
    public init(url: URL) throws(EmbeddingError) {
        path = url.path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw EmbeddingError(.missingFile, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw EmbeddingError(.missingFile, "cannot stat \(path)") }
        size = Int(info.st_size)
        guard size >= 8 else {
            throw EmbeddingError(.badModel, "\(path) is \(size) bytes: too short for a safetensors header")
        }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw EmbeddingError(.missingFile, "cannot map \(path): \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(mapped)
        do throws(EmbeddingError) {
            let headerLength = Int(UInt64(littleEndian: base.loadUnaligned(as: UInt64.self)))
            guard headerLength > 0, headerLength <= size - 8 else {
                throw EmbeddingError(
                    .badModel, "\(path): header length \(headerLength) does not fit a \(size)-byte file")
            }
            dataStart = 8 + headerLength
            let header = Data(bytes: base + 8, count: headerLength)
            guard let object = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else {
                throw EmbeddingError(.badModel, "\(path): the header is not a JSON object")
            }
            var tensors: [String: TensorInfo] = [:]
            for (name, value) in object where name != "__metadata__" {
                guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                    let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int],
                    offsets.count == 2,
                    offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= size - dataStart
                else {
                    throw EmbeddingError(
                        .badModel, "\(path): tensor \(name) has no valid dtype, shape and data_offsets")
                }
                tensors[name] = TensorInfo(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
            }
            self.tensors = tensors
            metadata = object["__metadata__"] as? [String: String] ?? [:]
        } catch {
            munmap(mapped, size)
            throw error
        }
    }

    /// A 64-bit FNV-1a digest of the whole file, 8 bytes at a time, in hex: it tells two
    /// sets of weights apart (about 10 ms for 90 MB).
    public func contentDigest() -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let words = size / 8
        for i in 0..<words {
            hash = (hash ^ base.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) &* 0x100_0000_01b3
        }
        for i in (words * 8)..<size {
            hash = (hash ^ UInt64(base.load(fromByteOffset: i, as: UInt8.self))) &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), size) }

    /// The float32 tensor `name`, checked against `shape`; valid while this file lives.
    public func floats(_ name: String, shape: [Int]) throws(EmbeddingError) -> UnsafeBufferPointer<Float> {
        guard let info = tensors[name] else { throw EmbeddingError(.badModel, "\(path) has no tensor \(name)") }
        guard info.dtype == "F32" else {
            throw EmbeddingError(.badModel, "\(path): tensor \(name) is \(info.dtype), not F32")
        }
        guard info.shape == shape else {
            throw EmbeddingError(.badModel, "\(path): tensor \(name) has shape \(info.shape), expected \(shape)")
        }
        let count = shape.reduce(1, *)
        guard info.range.count == count * 4 else {
            throw EmbeddingError(
                .badModel, "\(path): tensor \(name) holds \(info.range.count) bytes, expected \(count * 4)")
        }
        let start = base + dataStart + info.range.lowerBound
        guard Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0 else {
            throw EmbeddingError(.badModel, "\(path): tensor \(name) is not 4-byte aligned")
        }
        return UnsafeBufferPointer(start: start.assumingMemoryBound(to: Float.self), count: count)
    }
}
