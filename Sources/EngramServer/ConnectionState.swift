import EngramNIO
import EngramWire
import NIOCore

/// What a connection may do next. A plain value, kept apart from I/O so its rules are easy to
/// test: the connection loop feeds it frames and acts on its decisions.
struct ConnectionState: Sendable {
    enum Phase: Sendable, Equatable {
        case awaitingHello
        case ready
        /// A GOAWAY was sent: no new requests, in-flight ones finish.
        case draining
        case closed
    }

    struct Principal: Sendable {
        var role: APIKeys.Role
        var name: String
    }

    private(set) var phase: Phase = .awaitingHello
    private(set) var principal: Principal?
    /// Requests running in their own task, by id, with a flag set when cancelled.
    private(set) var inFlight: [UInt32: InFlightRequest] = [:]
    private(set) var lastRequestID: UInt32 = 0
    let maxInFlight: Int

    init(maxInFlight: Int) {
        self.maxInFlight = maxInFlight
    }

    var isFull: Bool { inFlight.count >= maxInFlight }

    enum RequestDecision: Equatable {
        /// Authenticate with this Hello.
        case hello
        /// Serve it.
        case serve
        /// Answer with this status and keep going.
        case reject(StatusCode, String)
        /// Answer with this status, then GOAWAY and close.
        case rejectAndClose(StatusCode, String)
    }

    mutating func receivedRequest(id: UInt32, method: UInt16) -> RequestDecision {
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

    mutating func authenticated(_ principal: Principal) {
        self.principal = principal
        phase = .ready
    }

    /// Tasks off the event loop may finish before they are registered; those ids are kept here
    /// so the late registration is dropped rather than leaking a slot.
    private var finishedBeforeStart: Set<UInt32> = []

    mutating func started(id: UInt32, request: InFlightRequest) {
        if finishedBeforeStart.remove(id) != nil {
            request.timer?.cancel()
            return
        }
        inFlight[id] = request
    }

    @discardableResult
    mutating func finished(id: UInt32) -> InFlightRequest? {
        guard let request = inFlight.removeValue(forKey: id) else {
            finishedBeforeStart.insert(id)
            return nil
        }
        return request
    }

    mutating func drain() {
        if phase == .ready || phase == .awaitingHello { phase = .draining }
    }

    mutating func close() -> [InFlightRequest] {
        phase = .closed
        defer { inFlight = [:] }
        return Array(inFlight.values)
    }
}

/// A request running in its own task: the task to cancel on CANCEL, a deadline, or a close.
struct InFlightRequest: Sendable {
    var task: Task<Void, Never>
    var timer: Scheduled<Void>?
}
