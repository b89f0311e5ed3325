import Dispatch
import EngramCore
import Glibc
import Logging
import Synchronization

/// When the log fsyncs, and so what a crash of the machine (not just of the process) can lose.
/// In every mode a call is acknowledged only after its record was handed to the kernel, so a
/// killed process loses nothing that was acknowledged.
public enum FsyncMode: String, Sendable, CaseIterable, CustomStringConvertible {
    /// fsync before acknowledging: nothing acknowledged is lost even on power loss.
    case always
    /// fsync every `fsyncInterval`: power loss may lose the last interval of acknowledged writes.
    case interval
    /// Never fsync (except on segment roll and close): power loss may lose whatever the
    /// kernel had not yet written back, typically up to 30 s.
    case none

    /// The flag's spelling.
    public var description: String { rawValue }
}

/// The write-ahead log: the engine's `CommandJournal`, a group-committing writer thread, and
/// the waits that acknowledge calls once their records are durable.
///
/// `append` (called under engine locks) only encodes, takes a short lock to assign the sequence
/// number and copy the record into the pending buffer, and wakes the writer if it sleeps. The
/// writer takes everything pending at once, writes it with one `pwrite` and one `fdatasync`
/// (in `always` mode), and resumes every caller that buffer covered.
///
/// When a write fails (a full disk), the segment is truncated back to its last good length,
/// the records are kept in memory and retried with backoff, and callers waiting on them get
/// the error; once a retry succeeds, writes are acknowledged again. The log never skips a
/// record, so memory and disk stay the same sequence.
public final class WriteAheadLog: CommandJournal, Sendable {
    /// Records waiting for the writer.
    struct Pending {
        var bytes: [UInt8] = []
        var spare: [UInt8] = []
        var nextSequence: UInt64 = 1
        var writerIdle = false
        var rollWaiters: [CheckedContinuation<UInt64, any Error>] = []
        var stopping = false
        var lastErasure: UInt64 = 0
    }

    /// Someone waiting for a record to be durable: a suspended task, or a callback.
    enum Waiter: Sendable {
        case task(CheckedContinuation<Void, any Error>)
        case callback(@Sendable ((any Error)?) -> Void)

        func resume(_ error: (any Error)?) {
            switch self {
            case .task(let c):
                if let error { c.resume(throwing: error) } else { c.resume() }
            case .callback(let body):
                body(error)
            }
        }
    }

    /// What has been written, and who waits for what.
    struct Progress {
        var acknowledged: UInt64 = 0
        var synced: UInt64 = 0
        var failure: StorageError?
        var waiters: [(sequence: UInt64, waiter: Waiter)] = []
        var closed: StorageError?
        var exited: CheckedContinuation<Void, Never>?
        var hasExited = false
    }

    /// The directory holding the segments.
    public let directory: String
    /// The fsync mode.
    public let mode: FsyncMode
    let fsyncInterval: Duration
    let segmentBytes: Int
    let faults: StorageFaults?
    let logger: Logger
    let pending = Mutex(Pending())
    let progress = Mutex(Progress())
    /// Group commit's figures: records and bytes per batch, and each batch's write + fsync.
    public let metrics: LogMetrics
    let wake = DispatchSemaphore(value: 0)

    /// Creates a log over `directory`; nothing is written until `start(nextSequence:)`.
    public init(
        directory: String, mode: FsyncMode, fsyncInterval: Duration = .milliseconds(1000), segmentBytes: Int = 64 << 20,
        faults: StorageFaults? = nil, metrics: LogMetrics = LogMetrics(), logger: Logger
    ) {
        self.metrics = metrics
        self.directory = directory
        self.mode = mode
        self.fsyncInterval = fsyncInterval
        self.segmentBytes = max(4096, segmentBytes)
        self.faults = faults
        self.logger = logger
    }

    /// Opens a new segment starting at `nextSequence` and starts the writer thread. Everything
    /// before `nextSequence` is taken as durable.
    public func start(nextSequence: UInt64) throws(StorageError) {
        let segment = try Segment.create(directory: directory, firstSequence: nextSequence, faults: faults)
        pending.withLock { $0.nextSequence = nextSequence }
        progress.withLock {
            $0.acknowledged = nextSequence - 1
            $0.synced = nextSequence - 1
        }
        startThread(name: "engram-wal") { [self] in
            var writer = Writer(log: self, segment: segment, written: nextSequence - 1)
            writer.run()
        }
    }

    /// fdatasync of the writer's segment, timed for `engram_wal_fsync_duration_seconds`.
    fileprivate func fdatasync(_ segment: Segment) throws(StorageError) {
        let started = ContinuousClock.now
        try FileIO.fdatasync(segment.fd, path: segment.path, faults: faults)
        metrics.recordFsync(since: started)
    }

    /// Records appended but not yet durable.
    var pendingRecords: UInt64 {
        let next = pending.withLock { $0.nextSequence }
        return (next - 1) - min(next - 1, acknowledgedSequence)
    }

    // MARK: CommandJournal

    /// Buffers `command` as the next record and returns its sequence number.
    public func append(_ command: Command) -> UInt64 {
        var w = ByteWriter(capacity: 192)
        w.bytes.append(contentsOf: repeatElement(0, count: LogFormat.recordHeaderBytes))
        command.encode(into: &w)
        let length = UInt32(w.bytes.count - LogFormat.recordHeaderBytes)
        let payloadChecksum = w.bytes.withUnsafeBytes {
            var crc = CRC32C()
            crc.update(UnsafeRawBufferPointer(rebasing: $0[LogFormat.recordHeaderBytes...]))
            return crc
        }
        let isErasure: Bool
        switch command {
        // Whatever erases content: the next snapshot then replaces every older file.
        case .deleteProfile, .deleteStore, .deleteObservation, .expire, .deleteKnowledgeBase, .deleteKnowledge,
            .updateKnowledgeInfo:
            isErasure = true
        // A replaced document's old text goes too.
        case .putKnowledge(let c): isErasure = c.replaces
        default: isErasure = false
        }
        let (sequence, wakeWriter) = pending.withLock { p -> (UInt64, Bool) in
            let sequence = p.nextSequence
            p.nextSequence += 1
            var crc = payloadChecksum
            var tail = (sequence.littleEndian, length.littleEndian)
            withUnsafeBytes(of: &tail) { crc.update(UnsafeRawBufferPointer(rebasing: $0[0..<12])) }
            w.bytes.withUnsafeMutableBytes { header in
                header.storeBytes(of: crc.value.littleEndian, toByteOffset: 0, as: UInt32.self)
                header.storeBytes(of: length.littleEndian, toByteOffset: 4, as: UInt32.self)
                header.storeBytes(of: sequence.littleEndian, toByteOffset: 8, as: UInt64.self)
            }
            p.bytes.append(contentsOf: w.bytes)
            if isErasure { p.lastErasure = sequence }
            let wakeWriter = p.writerIdle
            p.writerIdle = false
            return (sequence, wakeWriter)
        }
        if wakeWriter { wake.signal() }
        return sequence
    }

    // MARK: Waiting

    /// Returns once record `sequence` is durable as the mode promises. Throws the write error
    /// if the writer's next attempt fails (while the disk is full, each attempt fails every
    /// caller then waiting; attempts repeat at most every 250 ms), or `closed`.
    public func waitUntilDurable(_ sequence: UInt64) async throws {
        if sequence == 0 { return }
        if progress.withLock({ $0.acknowledged >= sequence }) { return }
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            whenDurable(sequence, .task(c))
        }
    }

    /// Calls `body` once record `sequence` is durable (nil) or its write failed (the error):
    /// at once on the caller's thread if it already is, else on the writer's thread.
    public func whenDurable(_ sequence: UInt64, _ body: @escaping @Sendable ((any Error)?) -> Void) {
        whenDurable(sequence, .callback(body))
    }

    private func whenDurable(_ sequence: UInt64, _ waiter: Waiter) {
        let ready: (any Error)?? = progress.withLock { p in
            if sequence == 0 || p.acknowledged >= sequence { return .some(nil) }
            if let closed = p.closed { return .some(closed) }
            p.waiters.append((sequence, waiter))
            return .none
        }
        if let ready { waiter.resume(ready) }
    }

    /// The last sequence number assigned.
    public var lastSequence: UInt64 { pending.withLock { $0.nextSequence - 1 } }

    /// The last sequence number acknowledged (written, and fsynced in `always` mode).
    public var acknowledgedSequence: UInt64 { progress.withLock { $0.acknowledged } }

    /// The sequence number of the last DeleteProfile or DeleteStore appended, 0 if none.
    public var lastErasureSequence: UInt64 { pending.withLock { $0.lastErasure } }

    /// The current write failure, if the writer is retrying one.
    public var currentFailure: StorageError? { progress.withLock { $0.failure } }

    /// Writes out everything pending, then starts a new segment. Returns the new segment's
    /// first sequence number: every record appended before the call is in an earlier segment.
    public func roll() async throws -> UInt64 {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<UInt64, any Error>) in
            let refused: StorageError? = pending.withLock { p in
                if p.stopping { return StorageError(.closed, "the log is closed") }
                p.rollWaiters.append(c)
                p.writerIdle = false
                return nil
            }
            if let refused { c.resume(throwing: refused) } else { wake.signal() }
        }
    }

    /// Writes and fsyncs everything pending, stops the writer and closes the segment. Waiting
    /// callers whose records could not be written get the error; later waits throw `closed`.
    public func close() async {
        let first = pending.withLock { p -> Bool in
            defer { p.stopping = true }
            return !p.stopping
        }
        if first { wake.signal() }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = progress.withLock { p -> Bool in
                if p.hasExited { return true }
                p.exited = c
                return false
            }
            if done { c.resume() }
        }
    }

    // MARK: Writer side

    /// Marks records up to `sequence` acknowledged and resumes their waiters.
    func acknowledge(through sequence: UInt64, synced: UInt64) {
        let ready = progress.withLock { p -> [Waiter] in
            p.acknowledged = max(p.acknowledged, sequence)
            p.synced = max(p.synced, synced)
            p.failure = nil
            var ready: [Waiter] = []
            p.waiters.removeAll { waiter in
                guard waiter.sequence <= sequence else { return false }
                ready.append(waiter.waiter)
                return true
            }
            return ready
        }
        for w in ready { w.resume(nil) }
    }

    /// Records a write failure and fails everyone waiting.
    func fail(_ error: StorageError) {
        let waiting = progress.withLock { p -> [Waiter] in
            p.failure = error
            defer { p.waiters = [] }
            return p.waiters.map(\.waiter)
        }
        for w in waiting { w.resume(error) }
    }

    func finish(_ error: StorageError?) {
        let closed = error ?? StorageError(.closed, "the log is closed")
        let (waiting, exited) = progress.withLock {
            p -> ([Waiter], CheckedContinuation<Void, Never>?) in
            p.closed = closed
            p.hasExited = true
            defer {
                p.waiters = []
                p.exited = nil
            }
            return (p.waiters.map(\.waiter), p.exited)
        }
        for w in waiting { w.resume(closed) }
        let rolls = pending.withLock { p in
            defer { p.rollWaiters = [] }
            return p.rollWaiters
        }
        for c in rolls { c.resume(throwing: closed) }
        exited?.resume()
    }
}

/// One open segment file, owned by the writer thread.
struct Segment {
    let fd: Int32
    let path: String
    let firstSequence: UInt64
    /// Bytes known to be written (header included).
    var size: Int64

    /// Creates (or empties) the segment file for `firstSequence`, writes and syncs its header,
    /// and syncs the directory so the file survives a crash.
    static func create(directory: String, firstSequence: UInt64, faults: StorageFaults?) throws(StorageError) -> Segment
    {
        let path = directory + "/" + LogFormat.segmentName(firstSequence: firstSequence)
        let fd = try FileIO.open(path, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            let header = LogFormat.header(firstSequence: firstSequence)
            try header.withBytes { (raw) throws(StorageError) in
                try FileIO.pwriteAll(fd, raw, at: 0, path: path, faults: faults)
            }
            try FileIO.fdatasync(fd, path: path, faults: faults)
            try FileIO.syncDirectory(directory, faults: faults)
            return Segment(fd: fd, path: path, firstSequence: firstSequence, size: Int64(header.count))
        } catch {
            close(fd)
            _ = unlink(path)
            throw error
        }
    }
}

extension WriteAheadLog {
    /// The writer thread's state and loop.
    struct Writer {
        let log: WriteAheadLog
        var segment: Segment
        /// The last sequence written to the kernel.
        var written: UInt64
        var synced: UInt64
        /// Records taken from the buffer that failed to write, retried first.
        var retry: [UInt8] = []
        var retryLast: UInt64 = 0
        var lastSync = ContinuousClock.now
        var failures = 0

        init(log: WriteAheadLog, segment: Segment, written: UInt64) {
            self.log = log
            self.segment = segment
            self.written = written
            self.synced = written
        }

        mutating func run() {
            while true {
                // Take everything pending.
                var batch: [UInt8] = []
                var batchLast: UInt64 = 0
                var rolls: [CheckedContinuation<UInt64, any Error>] = []
                var stopping = false
                let needsTimedSync = log.mode == .interval && synced < written
                let idle = log.pending.withLock { p -> Bool in
                    if p.bytes.isEmpty && p.rollWaiters.isEmpty && !p.stopping && retry.isEmpty && !needsTimedSync {
                        p.writerIdle = true
                        return true
                    }
                    swap(&batch, &p.bytes)
                    swap(&p.bytes, &p.spare)
                    batchLast = p.nextSequence - 1
                    if !p.stopping {
                        rolls = p.rollWaiters
                        p.rollWaiters = []
                    }
                    stopping = p.stopping
                    return false
                }
                if idle {
                    log.wake.wait()
                    continue
                }
                if !retry.isEmpty {
                    if !batch.isEmpty { retry.append(contentsOf: batch) }
                    swap(&batch, &retry)
                    retry = []
                    if batchLast < retryLast { batchLast = retryLast }
                }

                do throws(StorageError) {
                    if !batch.isEmpty { try write(batch, last: batchLast) }
                    if log.mode == .interval && synced < written && ContinuousClock.now - lastSync >= log.fsyncInterval
                    {
                        try log.fdatasync(segment)
                        synced = written
                        lastSync = .now
                        log.acknowledge(through: written, synced: synced)
                    }
                    if !rolls.isEmpty {
                        if segment.size > Int64(LogFormat.headerBytes) { try roll(firstSequence: written + 1) }
                        for c in rolls { c.resume(returning: segment.firstSequence) }
                        rolls = []
                    }
                    failures = 0
                } catch {
                    // Keep the records; fail the waiters; retry after a pause.
                    if !batch.isEmpty {
                        retry = batch
                        retryLast = batchLast
                    }
                    for c in rolls { c.resume(throwing: error) }
                    failures += 1
                    if failures == 1 || failures % 100 == 0 {
                        log.logger.error(
                            "write-ahead log write failed; retrying",
                            metadata: ["error": "\(error)", "attempts": "\(failures)"])
                    }
                    log.fail(error)
                    if stopping {
                        Glibc.close(segment.fd)
                        log.finish(error)
                        return
                    }
                    let pause = min(250, 10 << min(failures, 5))
                    _ = log.wake.wait(timeout: .now() + .milliseconds(pause))
                    continue
                }
                // Hand the buffer's storage back for reuse.
                batch.removeAll(keepingCapacity: true)
                log.pending.withLock { p in
                    if p.spare.isEmpty && p.spare.capacity < batch.capacity { swap(&p.spare, &batch) }
                }

                if stopping {
                    let drained = log.pending.withLock { $0.bytes.isEmpty }
                    if !drained { continue }
                    var failure: StorageError?
                    do throws(StorageError) {
                        try log.fdatasync(segment)
                        synced = written
                        log.acknowledge(through: written, synced: synced)
                    } catch {
                        failure = error
                    }
                    Glibc.close(segment.fd)
                    log.finish(failure)
                    return
                }
                if log.mode == .interval && synced < written {
                    let left = log.fsyncInterval - (ContinuousClock.now - lastSync)
                    if left > .zero {
                        let ms =
                            Int(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
                            + 1
                        _ = log.wake.wait(timeout: .now() + .milliseconds(ms))
                    }
                }
            }
        }

        /// Writes a batch (rolling first if the segment is full), syncs it in `always` mode and
        /// acknowledges it. On failure the segment is cut back to its last good length.
        mutating func write(_ batch: [UInt8], last: UInt64) throws(StorageError) {
            if segment.size >= Int64(log.segmentBytes) { try roll(firstSequence: written + 1) }
            let started = ContinuousClock.now
            do {
                try batch.withBytes { (raw) throws(StorageError) in
                    try FileIO.pwriteAll(segment.fd, raw, at: segment.size, path: segment.path, faults: log.faults)
                }
                if log.mode == .always {
                    try log.fdatasync(segment)
                }
            } catch {
                _ = ftruncate(segment.fd, off_t(segment.size))
                throw error
            }
            segment.size += Int64(batch.count)
            let records = last > written ? last - written : 0
            written = last
            if log.mode == .always { synced = last }
            log.acknowledge(through: last, synced: synced)
            log.metrics.record(records: records, bytes: batch.count, since: started)
        }

        /// Syncs and closes the current segment and opens a new one.
        mutating func roll(firstSequence: UInt64) throws(StorageError) {
            let next = try Segment.create(directory: log.directory, firstSequence: firstSequence, faults: log.faults)
            do {
                try log.fdatasync(segment)
            } catch {
                Glibc.close(next.fd)
                _ = unlink(next.path)
                throw error
            }
            Glibc.close(segment.fd)
            segment = next
            synced = written
            lastSync = .now
            log.acknowledge(through: written, synced: synced)
        }
    }
}

extension WriteAheadLog {
    /// Records that a replayed record at `sequence` was an erasure (recovery calls it).
    func noteErasure(_ sequence: UInt64) {
        pending.withLock { $0.lastErasure = max($0.lastErasure, sequence) }
    }
}
