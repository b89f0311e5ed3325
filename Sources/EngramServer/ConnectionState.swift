import EngramNIO
import EngramWire
import NIOCore

/// What a connection may do next. A plain value, kept apart from I/O so its rules are easy to
/// test: the connection handler feeds it frames and acts on its decisions.
package struct ConnectionState: Sendable {
    package enum Phase: Sendable, Equatable {
        case awaitingHello
        case ready
        /// A GOAWAY was sent: no new requests, in-flight ones finish.
        case draining
        case closed
    }

    package struct Principal: Sendable {
        package var role: APIKeys.Role
        package var name: String
        /// The key's rate limit, shared with its other connections (nil: none).
        package var bucket: TokenBucket?
        package init(role: APIKeys.Role, name: String, bucket: TokenBucket? = nil) {
            self.role = role
            self.name = name
            self.bucket = bucket
        }
    }

    package private(set) var phase: Phase = .awaitingHello
    package private(set) var principal: Principal?
    /// Requests not answered yet (running in a task, or waiting for the log), by id.
    package private(set) var inFlight: [UInt32: InFlightRequest] = [:]
    package private(set) var lastRequestID: UInt32 = 0
    package let maxInFlight: Int

    package init(maxInFlight: Int) {
        self.maxInFlight = maxInFlight
    }

    package var isFull: Bool { inFlight.count >= maxInFlight }

    package enum RequestDecision: Equatable {
        /// Authenticate with this Hello.
        case hello
        /// Serve it.
        case serve
        /// Answer with this status and keep going.
        case reject(StatusCode, String)
        /// Answer with this status, then GOAWAY and close.
        case rejectAndClose(StatusCode, String)
    }

    package mutating func receivedRequest(id: UInt32, method: UInt16) -> RequestDecision {
        lastRequestID = id
        switch phase {
        case .awaitingHello:
            if method == Method.hello.rawValue { return .hello }
            return .rejectAndClose(.unauthenticated, "the first request on a connection must be Hello")
        case .ready:
            if method == Method.hello.rawValue {
                return .reject(.failedPrecondition, "Hello was already accepted on this connection")
            }
            if inFlight[id] != nil { return .reject(.invalidArgument, "request id \(id) is already in flight") }
            return .serve
        case .draining:
            return .reject(.unavailable, "the server is shutting down")
        case .closed:
            return .reject(.unavailable, "the connection is closed")
        }
    }

    package mutating func authenticated(_ principal: Principal) {
        self.principal = principal
        phase = .ready
    }

    /// Tasks off the event loop may finish before they are registered; those ids are kept here
    /// so the late registration is dropped rather than leaking a slot.
    private var finishedBeforeStart: Set<UInt32> = []

    package mutating func started(id: UInt32, request: InFlightRequest) {
        if finishedBeforeStart.remove(id) != nil {
            request.timer?.cancel()
            return
        }
        inFlight[id] = request
    }

    @discardableResult
    package mutating func finished(id: UInt32) -> InFlightRequest? {
        guard let request = inFlight.removeValue(forKey: id) else {
            finishedBeforeStart.insert(id)
            return nil
        }
        return request
    }

    package mutating func drain() {
        if phase == .ready || phase == .awaitingHello { phase = .draining }
    }

    package mutating func close() -> [InFlightRequest] {
        phase = .closed
        defer { inFlight = [:] }
        return Array(inFlight.values)
    }
}

/// A request that has not been answered yet: the task to cancel on CANCEL, a deadline, or a
/// close (none for a write waiting for the log: it is applied, and its answer stands).
package struct InFlightRequest: Sendable {
    package var task: Task<Void, Never>?
    package var timer: Scheduled<Void>?
    package init(task: Task<Void, Never>?, timer: Scheduled<Void>?) {
        self.task = task
        self.timer = timer
    }
}
