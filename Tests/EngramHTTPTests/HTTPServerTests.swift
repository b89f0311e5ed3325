import EngramCore
import EngramHTTP
import EngramServer
import EngramTestSupport
import Foundation
import ServiceLifecycle
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The HTTP door as engramd runs it: a service on a real socket.
@Suite struct HTTPServerTests {
    /// Runs the binary server and `http` in one service group until `body` returns.
    private func withServices(
        _ http: HTTPConfiguration, keys: APIKeys = APIKeys(),
        _ body: @escaping @Sendable (EngramHTTPServer) async throws -> Void
    ) async throws {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.keys = keys
        let server = EngramServer(configuration: configuration, engine: Engine(), logger: quietLogger)
        let door = EngramHTTPServer(configuration: http, server: server, logger: quietLogger)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: server), .init(service: door)], logger: quietLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await body(door)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    private func request(_ method: String, _ url: URL, _ body: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func servesOverASocketAndStopsWithTheGroup() async throws {
        var http = HTTPConfiguration()
        http.port = 0
        try await withServices(http) { door in
            let port = try await door.localAddress().port!
            let base = URL(string: "http://127.0.0.1:\(port)")!
            let (health, _) = try await request("GET", base.appendingPathComponent("healthz"))
            #expect(health == 200)
            let (created, text) = try await request(
                "POST", base.appendingPathComponent("v1/ControlPlane/Stores"), #"{"displayName": "live"}"#)
            #expect(created == 201, "\(text)")
            let (listed, stores) = try await request("GET", base.appendingPathComponent("v1/ControlPlane/Stores"))
            #expect(listed == 200 && stores.contains("\"live\""))
        }
    }

    @Test func refusesAnOpenAddressWithoutKeys() async throws {
        var configuration = ServerConfiguration()
        configuration.port = 0
        let server = EngramServer(configuration: configuration, engine: Engine(), logger: quietLogger)
        var http = HTTPConfiguration()
        http.host = "0.0.0.0"
        http.port = 0
        let door = EngramHTTPServer(configuration: http, server: server, logger: quietLogger)
        await #expect(throws: ServerError.self) { try await door.run() }
        await #expect(throws: ServerError.self) { try await door.localAddress() }
    }

    /// A port that is taken stops engramd when it was asked for, and only turns HTTP off when
    /// it was the default.
    @Test func aTakenPortIsFatalOnlyWhenAskedFor() async throws {
        var first = HTTPConfiguration()
        first.port = 0
        try await withServices(first) { door in
            let taken = try await door.localAddress().port!
            var asked = HTTPConfiguration()
            asked.port = taken
            let server = EngramServer(configuration: ServerConfiguration(), engine: Engine(), logger: quietLogger)
            let required = EngramHTTPServer(configuration: asked, server: server, logger: quietLogger)
            await #expect(throws: ServerError.self) { try await required.run() }

            var defaulted = asked
            defaulted.required = false
            let optional = EngramHTTPServer(configuration: defaulted, server: server, logger: quietLogger)
            let group = ServiceGroup(configuration: .init(services: [.init(service: optional)], logger: quietLogger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                await #expect(throws: ServerError.self) { try await optional.localAddress() }
                // Still running (it did not end the group): it stops on shutdown.
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }
}
