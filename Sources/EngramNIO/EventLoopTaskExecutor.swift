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

/// Runs Swift tasks on the event loop of the thread that wakes them, or on any loop of the group
/// when woken from elsewhere.
///
/// A server framework that serves each connection from an async task (Hummingbird) resumes that
/// task, when its channel reads, from the channel's event loop; with this executor preferred the
/// task runs right there, instead of hopping to Swift's global pool and back to write.
public final class EventLoopGroupTaskExecutor: TaskExecutor {
    public let group: any EventLoopGroup

    public init(_ group: any EventLoopGroup) {
        self.group = group
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let loop = group.any()
        loop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
