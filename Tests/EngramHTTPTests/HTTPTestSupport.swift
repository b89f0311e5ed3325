import EngramCore
import EngramHTTP
import EngramServer
import EngramTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// An HTTP answer in a test: status, headers, and the JSON body as Foundation values.
struct HTTPAnswer {
    var status: Int
    var headers: HTTPFields
    var text: String
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
    subscript(_ key: String) -> Any? { json[key] }
    func string(_ key: String) -> String { json[key] as? String ?? "" }
    func list(_ key: String) -> [[String: Any]] { json[key] as? [[String: Any]] ?? [] }
}

/// Calls the HTTP routes through Hummingbird's in-process test client (no socket).
struct HTTPClient {
    let client: any TestClientProtocol
    var authorization: String?

    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, headers: HTTPFields = [:])
        async throws -> HTTPAnswer
    {
        var headers = headers
        if let authorization, headers[.authorization] == nil { headers[.authorization] = authorization }
        if body != nil { headers[.contentType] = "application/json" }
        return try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { response in
            HTTPAnswer(status: response.status.code, headers: response.headers, text: String(buffer: response.body))
        }
    }

    func get(_ uri: String) async throws -> HTTPAnswer { try await send(.get, uri) }
    func post(_ uri: String, _ body: String) async throws -> HTTPAnswer { try await send(.post, uri, body) }
}

/// Runs `body` against the HTTP routes of a fresh engine (no storage); `configure` sets keys.
func withHTTP(
    configure: (inout ServerConfiguration) -> Void = { _ in },
    engine: Engine = Engine(),
    _ body: @escaping @Sendable (HTTPClient) async throws -> Void
) async throws {
    var configuration = ServerConfiguration()
    configuration.port = 0
    configure(&configuration)
    let server = EngramServer(configuration: configuration, engine: engine, logger: quietLogger)
    var http = HTTPConfiguration()
    http.port = 0
    http.maxBodyBytes = 64 * 1024
    let door = EngramHTTPServer(configuration: http, server: server, logger: quietLogger)
    let app = Application(router: door.makeRouter(), logger: quietLogger)
    try await app.test(.router) { client in
        try await body(HTTPClient(client: client))
    }
}

/// A store made through the API, and its id.
func makeStore(_ c: HTTPClient, _ name: String = "production") async throws -> String {
    let r = try await c.post("/v1/ControlPlane/Stores", #"{"displayName": "\#(name)"}"#)
    return r.string("id")
}
