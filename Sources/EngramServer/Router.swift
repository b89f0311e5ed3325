import EngramWire
import NIOCore

/// The server's side of the method table: for each method id, a route that decodes the
/// request, checks the descriptor's access rule, and runs the method's handler. Adding a
/// method is one `add` with its descriptor; nothing else in the server changes.
struct Router: Sendable {
    typealias Route = @Sendable (Dispatcher, ByteBuffer, RequestContext) -> Reply

    /// Indexed by method id: a lookup per request without hashing.
    private var routes: [Route?] = []

    func route(for method: Method) -> Route? {
        let id = Int(method.rawValue)
        return id < routes.count ? routes[id] : nil
    }

    /// Serves `method` with `handler`, which gets the request decoded and its access checked.
    mutating func add<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: MethodDescriptor<Request, Response>,
        _ handler: @escaping @Sendable (Dispatcher, Request, RequestContext) -> Reply
    ) {
        let id = Int(method.id)
        if routes.count <= id { routes += Array(repeating: nil, count: id + 1 - routes.count) }
        precondition(routes[id] == nil, "\(method.name) is routed twice")
        routes[id] = { dispatcher, payload, context in
            let request: Request
            do throws(ServiceError) {
                if let given = context.exchange?.request as? Request {
                    request = given
                } else {
                    request = try dispatcher.decode(Request.self, payload)
                }
                try context.authorize(method, request)
            } catch {
                return dispatcher.fail(error, context)
            }
            return handler(dispatcher, request, context)
        }
    }

    /// Stops the server at start-up if a method of the table has no route.
    func requireEveryMethod() {
        for method in Methods.all {
            precondition(route(for: method.method) != nil, "\(method.name) has no route")
        }
    }
}
