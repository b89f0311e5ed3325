import EngramServer
import EngramWire
import HTTPTypes
import Hummingbird
import NIOCore

/// The HTTP routes: each parses a request, calls one method of the table, and renders the
/// answer. No rule of the engine is checked here; only the JSON's shape is.
struct API: Sendable {
    typealias Context = EngramRequestContext
    let caller: MethodCaller

    func addRoutes(to router: Router<Context>) {
        router.get("openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        router.get("healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        addStoreRoutes(to: router)
        addProfileRoutes(to: router)
        addObservationRoutes(to: router)
        addConversationRoutes(to: router)
        addKnowledgeRoutes(to: router)
    }

    /// Each path the API serves (`*` for a parameter) and its methods, for 405 answers.
    static let paths: [(segments: [Substring], methods: [String])] = [
        ("v1/ControlPlane/Stores", ["GET", "POST"]),
        ("v1/ControlPlane/Stores/*", ["DELETE", "GET", "PATCH"]),
        ("v1/ControlPlane/Stores/*/IdentityResolutionSettings", ["GET", "PUT"]),
        ("v1/Stores/*/Profiles", ["GET", "POST"]),
        ("v1/Stores/*/Profiles/Lookup", ["POST"]),
        ("v1/Stores/*/Profiles/*", ["DELETE", "GET", "PATCH"]),
        ("v1/Stores/*/Profiles/*/Identifiers", ["GET", "POST"]),
        ("v1/Stores/*/Profiles/*/Observations", ["GET", "POST"]),
        ("v1/Stores/*/Profiles/*/Observations/*", ["DELETE", "GET"]),
        ("v1/Stores/*/Profiles/*/Observations/*/Revisions", ["GET"]),
        ("v1/Stores/*/Profiles/*/ConversationSummaries", ["GET", "POST"]),
        ("v1/Stores/*/Profiles/*/Recall", ["POST"]),
        ("v1/Stores/*/Profiles/*/Conversations", ["GET"]),
        ("v1/Stores/*/Profiles/*/Communications", ["GET"]),
        ("v1/Stores/*/Conversations", ["GET"]),
        ("v1/Stores/*/Conversations/*", ["GET"]),
        ("v1/Stores/*/Conversations/*/Communications", ["GET", "POST"]),
        ("v1/Stores/*/Conversations/*/Close", ["POST"]),
        ("v1/Stores/*/KnowledgeBases", ["GET", "POST"]),
        ("v1/Stores/*/KnowledgeBases/Search", ["POST"]),
        ("v1/Stores/*/KnowledgeBases/*", ["DELETE", "GET", "PATCH"]),
        ("v1/Stores/*/KnowledgeBases/*/Search", ["POST"]),
        ("v1/Stores/*/KnowledgeBases/*/Knowledge", ["GET", "POST"]),
        ("v1/Stores/*/KnowledgeBases/*/Knowledge/*", ["DELETE", "GET", "PATCH"]),
        ("v1/Stores/*/KnowledgeBases/*/Knowledge/*/Chunks", ["GET"]),
        ("openapi.yaml", ["GET"]),
        ("healthz", ["GET"]),
    ].map { ($0.0.split(separator: "/"), $0.1) }

    /// The methods served at `path`; empty when no route has its shape.
    static func methods(servedAt path: String) -> [String] {
        let parts = path.split(separator: "/")
        // The most literal route wins, as in the router (`Profiles/Lookup` over `Profiles/*`).
        let match =
            paths
            .filter { $0.segments.count == parts.count && zip($0.segments, parts).allSatisfy { $0 == "*" || $0 == $1 } }
            .min { $0.segments.count(where: { $0 == "*" }) < $1.segments.count(where: { $0 == "*" }) }
        return match?.methods ?? []
    }

    // MARK: Plumbing

    /// Calls a method of the table as the request's caller.
    func call<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: MethodDescriptor<Request, Response>, _ request: Request, _ context: Context
    ) async throws(APIError) -> Response {
        guard let principal = context.principal else { throw APIError(.unauthenticated, "not authenticated") }
        switch await caller.call(method, request, as: principal) {
        case .success(let response): return response
        case .failure(let status): throw APIError(status)
        }
    }

    /// A JSON answer.
    func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: JSONBody.encode(value)))
    }

    /// The request's JSON body as `T`.
    func body<T: Decodable>(_ type: T.Type, _ request: Request, _ context: Context) async throws -> T {
        try JSONBody.decode(T.self, from: try await bodyBytes(request, context))
    }

    /// The request's body, up to the door's limit.
    func bodyBytes(_ request: Request, _ context: Context) async throws -> ByteBuffer {
        var request = request
        return try await request.collectBody(upTo: context.maxUploadSize)
    }

    func parameter(_ name: String, _ context: Context) throws(APIError) -> String {
        guard let value = context.parameters.get(name) else { throw APIError.invalid(name, "is required") }
        return value
    }

    // MARK: Query parameters

    struct Page {
        var size: UInt32
        var token: String
        /// What `meta.pageSize` reports: the size asked for, or the default.
        var reported: Int
    }

    /// `pageSize` (1-1000, default 50), `pageToken`, and `orderBy`, which must name the list's
    /// own order when given (lists have one order each).
    func page(_ request: Request, order: String) throws(APIError) -> Page {
        let query = request.uri.queryParameters
        var size: UInt32 = 50
        if let text = query.get("pageSize") {
            guard let n = UInt32(text), (1...1000).contains(n) else {
                throw APIError.invalid("pageSize", "must be an integer from 1 to 1000, not '\(text.prefix(20))'")
            }
            size = n
        }
        if let orderBy = query.get("orderBy"), orderBy.uppercased() != order {
            throw APIError.invalid("orderBy", "this list is ordered \(order) only")
        }
        return Page(size: size, token: query.get("pageToken") ?? "", reported: Int(size))
    }

    func time(_ request: Request, _ name: String) throws(APIError) -> Int64 {
        guard let text = request.uri.queryParameters.get(name) else { return 0 }
        guard let us = RFC3339.parse(text) else {
            throw APIError.invalid(name, "must be an RFC 3339 time such as 2026-05-06T19:45:00Z")
        }
        return us
    }

    // MARK: Merged profiles

    /// A read that named a merged-away profile id: 301 to the canonical profile's path.
    func redirectIfMerged(_ request: Request, named: String, canonical: String, status: HTTPResponse.Status)
        throws(APIError)
    {
        guard !canonical.isEmpty, canonical != named else { return }
        var error = APIError(
            .notFound, "profile \(named) was merged into \(canonical); use the canonical id")
        error.status = status
        let path = request.uri.path.replacingFirst("/Profiles/\(named)", with: "/Profiles/\(canonical)")
        let query = request.uri.query.map { "?\($0)" } ?? ""
        error.headers[.location] = path + query
        error.headers[HTTPField.Name("Canonical-Profile-Id")!] = canonical
        throw error
    }

    /// Before a write to a profile: a merged-away id answers 308 (the write is not applied; the
    /// client repeats it at `Location`).
    func requireCanonical(_ request: Request, store: String, profile: String, _ context: Context) async throws(APIError)
    {
        var get = Wire.GetProfileRequest()
        get.storeId = store
        get.profileId = profile
        let found = try await call(Methods.getProfile, get, context)
        try redirectIfMerged(request, named: profile, canonical: found.profile?.id ?? "", status: .permanentRedirect)
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
