import Foundation

/// An `InputStream` over a regular file whose `hasBytesAvailable` turns false at the file's
/// end. Foundation's file stream on Linux answers true until a read returns 0, and CSV.swift
/// reports that last empty read as `cannotReadFile`, which would hide real read errors among
/// false ones at the end of every file.
final class FileByteStream: InputStream {
    private let descriptor: Int32
    private let size: Int
    private var offset = 0
    private var status: Stream.Status = .notOpen
    private var failure: (any Error)?

    /// Opens `path` for reading, or nil when it cannot be opened.
    init?(path: String) {
        let fd = Foundation.open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            _ = Foundation.close(fd)
            return nil
        }
        descriptor = fd
        size = Int(info.st_size)
        super.init(data: Data())
    }

    deinit { if status != .closed { _ = Foundation.close(descriptor) } }

    override func open() { if status == .notOpen { status = .open } }

    override func close() {
        guard status != .closed else { return }
        status = .closed
        _ = Foundation.close(descriptor)
    }

    override var streamStatus: Stream.Status { status }
    override var streamError: (any Error)? { failure }
    override var hasBytesAvailable: Bool { status == .open && offset < size }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength len: Int) -> Int {
        guard status == .open else { return status == .error ? -1 : 0 }
        let n = Foundation.read(descriptor, buffer, len)
        if n < 0 {
            failure = POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            status = .error
            return -1
        }
        offset += n
        return n
    }
}
