import NIOCore

/// Runs Swift tasks on a NIO event loop.
///
/// A task that prefers a channel's event loop reads a frame, does its work and writes the reply
/// on one thread: no hop to Swift's global pool and back, which on small requests costs more
/// than the request itself (see the README's figures).
public final class EventLoopTaskExecutor: TaskExecutor {
    public let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
