import Dispatch
import Foundation
import Synchronization

/// A value shared between test tasks and threads.
package final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    package init(_ value: Value) { mutex = Mutex(value) }

    package func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }

    package var value: Value { mutex.withLock { $0 } }
}

/// Runs each body on an OS thread of its own, all at once, and returns when all have ended.
/// (`DispatchQueue.concurrentPerform` may run its iterations one after another on one thread
/// when the pool is busy, which would hide a race.)
package func onThreads(_ bodies: [@Sendable () -> Void]) {
    let group = DispatchGroup()
    for body in bodies {
        group.enter()
        Thread {
            body()
            group.leave()
        }.start()
    }
    group.wait()
}
