import Glibc

/// The data directory: its layout, its lock file, and the checks made before using it.
///
///     <data-dir>/LOCK                                  flock'ed while a server runs; holds its pid
///     <data-dir>/log/wal-<first sequence>.log          write-ahead log segments
///     <data-dir>/snapshots/snapshot-<sequence>.sqlite  snapshots (…sqlite.tmp while being written)
final class DataDirectory: Sendable {
    let path: String
    let logPath: String
    let snapshotsPath: String
    private let lockFD: Int32

    /// Checks the directory, creates what is missing and takes the lock.
    init(path: String) throws(StorageError) {
        let path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        switch FileIO.isDirectory(path) {
        case false?:
            throw StorageError(.badDirectory, "data directory \(path) exists but is not a directory")
        case nil:
            try FileIO.makeDirectory(path)
        case true?:
            break
        }
        guard access(path, R_OK | W_OK | X_OK) == 0 else {
            throw StorageError(
                .badDirectory,
                "data directory \(path) is not readable and writable by this process: \(String(cString: strerror(errno)))"
            )
        }
        let lockPath = path + "/LOCK"
        let fd = Glibc.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StorageError(
                .badDirectory, "cannot create the lock file \(lockPath): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 32, 0) }
            let digits = n > 0 ? buffer[0..<n].filter { (48...57).contains($0) } : []
            let holder = digits.isEmpty ? "unknown" : String(decoding: digits, as: UTF8.self)
            close(fd)
            if code == EWOULDBLOCK {
                throw StorageError(
                    .locked,
                    "data directory \(path) is in use by another engramd (pid \(holder), lock file \(lockPath)); stop it or choose another --data-dir"
                )
            }
            throw StorageError(.badDirectory, "cannot lock \(lockPath): \(String(cString: strerror(code)))")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        lockFD = fd
        self.path = path
        logPath = path + "/log"
        snapshotsPath = path + "/snapshots"
        do {
            try FileIO.makeDirectory(logPath)
            try FileIO.makeDirectory(snapshotsPath)
            // Probe that files can really be created (permissions, read-only file systems).
            let probe = snapshotsPath + "/.probe"
            let probeFD = try FileIO.open(probe, O_WRONLY | O_CREAT | O_TRUNC)
            close(probeFD)
            try FileIO.remove(probe)
        } catch {
            close(fd)
            throw StorageError(.badDirectory, "data directory \(path) is not usable: \(error.message)")
        }
    }

    /// Releases the lock.
    func unlock() {
        close(lockFD)
    }
}
