import Glibc

/// Starts a detached system thread running `body`. Storage's log writer and snapshot writer
/// block in system calls for milliseconds to seconds, so they get threads of their own
/// instead of occupying one of Swift's few cooperative-pool threads.
func startThread(name: String, _ body: @escaping @Sendable () -> Void) {
    final class Box {
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }
    let box = Unmanaged.passRetained(Box(name: name, body: body)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(&thread, nil, { raw in
        let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
        box.body()
        return nil
    }, box)
    precondition(result == 0, "pthread_create failed: \(result)")
    pthread_detach(thread)
}

/// Makes the calling thread background work: SCHED_IDLE, so any thread serving a request
/// preempts it at once when it wakes (a niced thread can still hold the core for a scheduler
/// slice, which shows in p99 latency). It still gets a small share of a busy CPU and all of an
/// idle one. Falls back to nice 19 where SCHED_IDLE is refused.
func makeCurrentThreadBackground() {
    var parameters = sched_param()
    parameters.sched_priority = 0
    // On Linux, pid 0 is the calling thread, not the whole process.
    let schedIdle: Int32 = 5  // SCHED_IDLE in <bits/sched.h>, which Glibc imports only with _GNU_SOURCE
    if sched_setscheduler(0, schedIdle, &parameters) != 0 {
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
    }
}
