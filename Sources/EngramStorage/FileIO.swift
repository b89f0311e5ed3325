import Glibc
import Synchronization

/// Faults a test can inject into storage's file layer: the next writes (and fsyncs) fail
/// with the given errno, as a full disk would. Zero means no fault.
public final class StorageFaults: Sendable {
    /// errno for `write`s to log segments and snapshot files; a failing write first writes
    /// half of its bytes, as a real short write does.
    public let writeErrno = Atomic<Int32>(0)
    /// errno for fsyncs.
    public let fsyncErrno = Atomic<Int32>(0)

    /// No faults.
    public init() {}
}

/// Thin checked wrappers over the system calls storage uses; each error names the call and path.
enum FileIO {
    static func errorMessage(_ call: String, _ path: String, _ code: Int32) -> String {
        "\(call) \(path): \(String(cString: strerror(code))) (errno \(code))"
    }

    static func error(_ call: String, _ path: String, _ code: Int32 = errno) -> StorageError {
        let kind: StorageError.Code = (code == ENOSPC || code == EDQUOT) ? .diskFull : .io
        return StorageError(kind, errorMessage(call, path, code))
    }

    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(StorageError) -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
        guard fd >= 0 else { throw error("open", path) }
        return fd
    }

    /// Writes all of `bytes` at `offset`, retrying short writes and EINTR.
    static func pwriteAll(
        _ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64, path: String, faults: StorageFaults?
    )
        throws(StorageError)
    {
        var done = 0
        if let faults, case let e = faults.writeErrno.load(ordering: .relaxed), e != 0 {
            let half = bytes.count / 2
            if half > 0 { _ = Glibc.pwrite(fd, bytes.baseAddress!, half, off_t(offset)) }
            throw error("write", path, e)
        }
        while done < bytes.count {
            let n = Glibc.pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw error("write", path)
            }
            done += n
        }
    }

    static func fdatasync(_ fd: Int32, path: String, faults: StorageFaults?) throws(StorageError) {
        if let faults, case let e = faults.fsyncErrno.load(ordering: .relaxed), e != 0 {
            throw error("fdatasync", path, e)
        }
        guard Glibc.fdatasync(fd) == 0 else { throw error("fdatasync", path) }
    }

    static func fsync(_ fd: Int32, path: String, faults: StorageFaults?) throws(StorageError) {
        if let faults, case let e = faults.fsyncErrno.load(ordering: .relaxed), e != 0 { throw error("fsync", path, e) }
        guard Glibc.fsync(fd) == 0 else { throw error("fsync", path) }
    }

    /// Makes a directory's entries (created, renamed, removed files) durable.
    static func syncDirectory(_ path: String, faults: StorageFaults?) throws(StorageError) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd, path: path, faults: faults)
    }

    static func truncate(_ fd: Int32, to size: Int64, path: String) throws(StorageError) {
        guard ftruncate(fd, off_t(size)) == 0 else { throw error("ftruncate", path) }
    }

    static func rename(_ from: String, _ to: String) throws(StorageError) {
        guard Glibc.rename(from, to) == 0 else { throw error("rename", "\(from) -> \(to)") }
    }

    static func remove(_ path: String) throws(StorageError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw error("unlink", path) }
    }

    static func fileSize(_ path: String) -> Int64? {
        var s = stat()
        guard stat(path, &s) == 0 else { return nil }
        return Int64(s.st_size)
    }

    static func isDirectory(_ path: String) -> Bool? {
        var s = stat()
        guard stat(path, &s) == 0 else { return nil }
        return (s.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates the directory if it is missing (the parent must exist).
    static func makeDirectory(_ path: String) throws(StorageError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw StorageError(.badDirectory, "cannot create directory \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// File names in a directory.
    static func list(_ path: String) throws(StorageError) -> [String] {
        guard let dir = opendir(path) else { throw error("opendir", path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The whole file.
    static func readAll(_ path: String) throws(StorageError) -> [UInt8] {
        let fd = try open(path, O_RDONLY)
        defer { close(fd) }
        var s = stat()
        guard fstat(fd, &s) == 0 else { throw error("fstat", path) }
        let size = Int(s.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { Glibc.pread(fd, $0.baseAddress! + done, size - done, off_t(done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw error("read", path)
            }
            if n == 0 { break }
            done += n
        }
        if done < size { bytes.removeLast(size - done) }
        return bytes
    }
}
