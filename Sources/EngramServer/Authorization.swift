import EngramWire

/// Which key may call what. Store-scoped keys are denied other stores with the same answer
/// whether or not the store exists, so they cannot probe for store ids.
extension RequestContext {
    func requireAdmin() throws(ServiceError) {
        guard case .admin = principal.role else {
            throw ServiceError(.permissionDenied, "\(method) needs an admin key")
        }
    }

    func requireRead(store: String) throws(ServiceError) {
        switch principal.role {
        case .admin: return
        case .readWrite(let stores), .readOnly(let stores):
            guard stores.contains(store) else { throw Self.denied(store) }
        }
    }

    func requireWrite(store: String) throws(ServiceError) {
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
