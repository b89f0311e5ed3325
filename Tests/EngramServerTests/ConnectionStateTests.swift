import EngramServer
import EngramWire
import Testing

/// The connection's rules as a plain value, without a socket.
@Suite struct ConnectionStateTests {
    static let admin = ConnectionState.Principal(role: .admin, name: "test")

    func ready(maxInFlight: Int = 4) -> ConnectionState {
        var state = ConnectionState(maxInFlight: maxInFlight)
        #expect(state.receivedRequest(id: 1, method: Method.hello.rawValue) == .hello)
        state.authenticated(Self.admin)
        return state
    }

    func request() -> InFlightRequest { InFlightRequest(task: Task {}, timer: nil) }

    @Test func theFirstRequestMustBeHello() {
        var state = ConnectionState(maxInFlight: 4)
        guard case .rejectAndClose(let code, _) = state.receivedRequest(id: 1, method: Method.ping.rawValue) else {
            Issue.record("a request before Hello must close the connection")
            return
        }
        #expect(code == .unauthenticated)
        #expect(state.phase == .awaitingHello)
        #expect(state.receivedRequest(id: 2, method: Method.hello.rawValue) == .hello)
        state.authenticated(Self.admin)
        #expect(state.phase == .ready)
    }

    @Test func readyServesAndRefusesASecondHelloOrABusyID() {
        var state = ready()
        #expect(state.receivedRequest(id: 2, method: Method.recall.rawValue) == .serve)
        guard case .reject(let again, _) = state.receivedRequest(id: 3, method: Method.hello.rawValue) else {
            Issue.record("a second Hello is refused")
            return
        }
        #expect(again == .failedPrecondition)
        state.started(id: 4, request: request())
        guard case .reject(let busy, _) = state.receivedRequest(id: 4, method: Method.ping.rawValue) else {
            Issue.record("an id in flight cannot be reused")
            return
        }
        #expect(busy == .invalidArgument)
        #expect(state.finished(id: 4) != nil)
        #expect(state.receivedRequest(id: 4, method: Method.ping.rawValue) == .serve, "free again once finished")
        #expect(state.lastRequestID == 4)
    }

    @Test func inFlightIsBoundedAndALateRegistrationIsDropped() {
        var state = ready(maxInFlight: 2)
        state.started(id: 10, request: request())
        #expect(!state.isFull)
        state.started(id: 11, request: request())
        #expect(state.isFull)
        // A task that finished before it was registered: its registration must not leak a slot.
        #expect(state.finished(id: 12) == nil)
        _ = state.finished(id: 10)
        state.started(id: 12, request: request())
        #expect(state.inFlight.keys.sorted() == [11], "12 finished first, so it never holds a slot")
        #expect(!state.isFull)
    }

    @Test func drainingAndClosedRefuseNewRequests() {
        var state = ready()
        state.started(id: 5, request: request())
        state.drain()
        #expect(state.phase == .draining)
        guard case .reject(let draining, _) = state.receivedRequest(id: 6, method: Method.ping.rawValue) else {
            Issue.record("a draining connection takes no new request")
            return
        }
        #expect(draining == .unavailable)
        let cancelled = state.close()
        #expect(cancelled.count == 1 && state.inFlight.isEmpty, "close hands back what was in flight")
        guard case .reject(let closed, _) = state.receivedRequest(id: 7, method: Method.ping.rawValue) else {
            Issue.record("a closed connection takes nothing")
            return
        }
        #expect(closed == .unavailable)
        state.drain()
        #expect(state.phase == .closed, "draining never reopens a closed connection")
    }
}
