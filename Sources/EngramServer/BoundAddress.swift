import NIOCore
import Synchronization

/// The address a server listens on, for whoever asks before or after it is bound: each of
/// engramd's listeners (the binary port, HTTP, metrics) answers `localAddress()` from one of
/// these, and a listener that could not start answers with its error instead of never.
package final class BoundAddress: Sendable {
    private let state = Mutex<
        (address: SocketAddress?, failure: ServerError?, waiters: [CheckedContinuation<SocketAddress, any Error>])
    >((nil, nil, []))

    package init() {}

    /// The address once bound; throws the failure if binding failed.
    package func wait() async throws -> SocketAddress {
        try await withCheckedThrowingContinuation { c in
            let ready = state.withLock { s -> Result<SocketAddress, any Error>? in
                if let a = s.address { return .success(a) }
                if let f = s.failure { return .failure(f) }
                s.waiters.append(c)
                return nil
            }
            if let ready { c.resume(with: ready) }
        }
    }

    package func bound(_ address: SocketAddress) {
        settle(.success(address)) { $0.address = address }
    }

    package func failed(_ failure: ServerError) {
        settle(.failure(failure)) { $0.failure = failure }
    }

    private func settle(
        _ result: Result<SocketAddress, any Error>,
        _ record: (
            inout (
                address: SocketAddress?, failure: ServerError?, waiters: [CheckedContinuation<SocketAddress, any Error>]
            )
        ) -> Void
    ) {
        let waiters = state.withLock { s in
            record(&s)
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume(with: result) }
    }
}
