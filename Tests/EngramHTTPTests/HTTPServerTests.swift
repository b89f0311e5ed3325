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

    /// The connection as a client on raw sockets sees it: pipelined requests answered in order
    /// on one connection, `Connection: close` and HTTP/1.0 closing after the answer, a body over
    /// the limit refused with the API's JSON error, bytes that are not HTTP answered 400, and
    /// `Expect: 100-continue` answered before the body is sent.
    @Test func http11ConnectionBehaviour() async throws {
        var http = HTTPConfiguration()
        http.port = 0
        http.maxBodyBytes = 1024
        try await withServices(http) { door in
            let port = try await door.localAddress().port!
            let pipelined = try RawHTTP.exchange(
                port,
                "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /v1/ControlPlane/Stores/st_none HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let statuses = pipelined.matches(of: /HTTP\/1\.1 \d{3} [A-Za-z ]+/).map { String(pipelined[$0.range]) }
            #expect(statuses == ["HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK"], "\(pipelined)")
            #expect(pipelined.lowercased().contains("connection: close"))
            #expect(pipelined.lowercased().contains("date: "))

            let head = try RawHTTP.exchange(port, "HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(head.hasPrefix("HTTP/1.1 ") && head.hasSuffix("\r\n\r\n"), "headers and no body: \(head)")

            let old = try RawHTTP.exchange(port, "GET /healthz HTTP/1.0\r\n\r\n")
            #expect(old.hasPrefix("HTTP/1.0 200"), "\(old)")
            #expect(old.hasSuffix(#"{"status":"ok"}"#), "closed after the answer: \(old)")

            let big = String(repeating: "x", count: 4000)
            let tooLarge = try RawHTTP.exchange(
                port,
                "POST /v1/ControlPlane/Stores HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(big.count + 18)\r\nConnection: close\r\n\r\n{\"displayName\": \"\(big)\"}")
            #expect(tooLarge.hasPrefix("HTTP/1.1 413"), "\(tooLarge.prefix(300))")
            #expect(tooLarge.contains("\"more_info\""))

            let garbage = try RawHTTP.exchange(port, "NOT HTTP AT ALL\r\n\r\n")
            #expect(garbage.hasPrefix("HTTP/1.1 400"), "\(garbage)")

            let body = #"{"displayName": "continued"}"#
            let continued = try RawHTTP.exchange(
                port,
                "POST /v1/ControlPlane/Stores HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(body.utf8.count)\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
                then: body)
            #expect(continued.hasPrefix("HTTP/1.1 100 Continue\r\n"), "\(continued)")
            #expect(continued.contains("HTTP/1.1 201 Created"), "\(continued)")
        }
    }
}

/// A client on a blocking socket: sends bytes and reads until the server closes.
enum RawHTTP {
    static func exchange(_ port: Int, _ request: String, then more: String? = nil) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw RawHTTPError(description: "connect failed") }
        func send(_ text: String) {
            let bytes = Array(text.utf8)
            _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        func readSome() -> Bool {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return false }
            received += chunk[0..<n]
            return true
        }
        send(request)
        if let more {
            // The interim answer comes before the body is sent.
            while !String(decoding: received, as: UTF8.self).contains("\r\n\r\n"), readSome() {}
            send(more)
        }
        while readSome() {}
        return String(decoding: received, as: UTF8.self)
    }
}

struct RawHTTPError: Error, CustomStringConvertible { var description: String }
