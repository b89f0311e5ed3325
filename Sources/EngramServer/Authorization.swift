import EngramWire

/// Which key may call what. Store-scoped keys are denied other stores with the same answer
/// whether or not the store exists, so they cannot probe for store ids.
extension RequestContext {
    /// Checks the method table's access rule for a decoded request: the one place access is
    /// checked. A read or write request must name its store.
    func authorize<Request, Response>(_ method: MethodDescriptor<Request, Response>, _ request: Request)
        throws(ServiceError)
    {
        if let bucket = principal.bucket, let wait = bucket.take() {
            throw ServiceError.rateLimited(key: principal.name, limit: bucket.limit, retryAfter: wait)
        }
        switch method.access {
        case .anyone:
            return
        case .admin:
            try requireAdmin()
        case .read, .write:
            let store = method.store?(request) ?? ""
            try requireField(store, "store_id")
            if method.access == .read { try requireRead(store: store) } else { try requireWrite(store: store) }
        }
    }

    private func requireAdmin() throws(ServiceError) {
        guard case .admin = principal.role else {
            throw ServiceError(.permissionDenied, "\(method) needs an admin key")
        }
    }

    private func requireRead(store: String) throws(ServiceError) {
        switch principal.role {
        case .admin: return
        case .readWrite(let stores), .readOnly(let stores):
            guard stores.contains(store) else { throw Self.denied(store) }
        }
    }

    private func requireWrite(store: String) throws(ServiceError) {
        switch principal.role {
        case .admin: return
        case .readWrite(let stores):
            guard stores.contains(store) else { throw Self.denied(store) }
        case .readOnly(let stores):
            guard stores.contains(store) else { throw Self.denied(store) }
            throw ServiceError(.permissionDenied, "this key is read-only; \(method) writes")
        }
    }

    func canSee(store: String) -> Bool {
        switch principal.role {
        case .admin: true
        case .readWrite(let stores), .readOnly(let stores): stores.contains(store)
        }
    }

    private static func denied(_ store: String) -> ServiceError {
        ServiceError(.permissionDenied, "this key has no access to store '\(store)'", field: "store_id")
    }
}
