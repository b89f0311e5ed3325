/// Who may call a method. The server checks it once, from the method table, before the
/// method's handler runs; handlers never check access themselves.
public enum MethodAccess: String, Sendable, CaseIterable {
    /// Any caller whose Hello was accepted.
    case anyone
    /// A key that may read the store the request names (`store_id`).
    case read
    /// A key that may write the store the request names (`store_id`).
    case write
    /// An admin key (the control plane).
    case admin
}

/// A request that names the store it reads or writes, so access can be checked from it.
public protocol StoreScopedRequest: ProtoMessage {
    var storeId: String { get set }
}

/// One method of `service Memory`: its id and name on the wire, its request and response
/// types, and who may call it. A client's calls and a server's routes are typed by these, so
/// a call with the wrong response type does not compile.
public struct MethodDescriptor<Request: ProtoMessage, Response: ProtoMessage>: Sendable {
    /// The method's id.
    public let method: Method
    /// Who may call it.
    public let access: MethodAccess
    /// The store a read or write request names; nil for `anyone` and `admin` methods.
    public let store: (@Sendable (Request) -> String)?

    /// The id in a frame's `method` field.
    public var id: UInt16 { method.rawValue }
    /// The name in the schema, e.g. `Observe`.
    public var name: String { method.description }

    /// The descriptor without its types, for tables and tools.
    public var erased: AnyMethodDescriptor {
        AnyMethodDescriptor(method: method, access: access, requestType: Request.self, responseType: Response.self)
    }

    /// A method any authenticated caller may call.
    public static func anyone(_ method: Method) -> Self { Self(method: method, access: .anyone, store: nil) }

    /// A method only admin keys may call.
    public static func admin(_ method: Method) -> Self { Self(method: method, access: .admin, store: nil) }
}

extension MethodDescriptor where Request: StoreScopedRequest {
    /// A method that reads the store its request names.
    public static func read(_ method: Method) -> Self { Self(method: method, access: .read, store: { $0.storeId }) }

    /// A method that writes the store its request names.
    public static func write(_ method: Method) -> Self { Self(method: method, access: .write, store: { $0.storeId }) }
}

/// A method descriptor without its types.
public struct AnyMethodDescriptor: Sendable {
    public let method: Method
    public let access: MethodAccess
    public let requestType: any ProtoMessage.Type
    public let responseType: any ProtoMessage.Type

    public var id: UInt16 { method.rawValue }
    public var name: String { method.description }
}

extension Wire.GetStoreRequest: StoreScopedRequest {}
extension Wire.GetIdentitySettingsRequest: StoreScopedRequest {}
extension Wire.ResolveIdentityRequest: StoreScopedRequest {}
extension Wire.LookupProfilesRequest: StoreScopedRequest {}
extension Wire.GetProfileRequest: StoreScopedRequest {}
extension Wire.UpdateTraitsRequest: StoreScopedRequest {}
extension Wire.DeleteProfileRequest: StoreScopedRequest {}
extension Wire.ObserveRequest: StoreScopedRequest {}
extension Wire.ListObservationsRequest: StoreScopedRequest {}
extension Wire.ListObservationRevisionsRequest: StoreScopedRequest {}
extension Wire.DeleteObservationRequest: StoreScopedRequest {}
extension Wire.RecallRequest: StoreScopedRequest {}
extension Wire.ListProfilesRequest: StoreScopedRequest {}
extension Wire.ListSummariesRequest: StoreScopedRequest {}
extension Wire.AppendCommunicationsRequest: StoreScopedRequest {}
extension Wire.CloseConversationRequest: StoreScopedRequest {}
extension Wire.GetConversationRequest: StoreScopedRequest {}
extension Wire.ListConversationsRequest: StoreScopedRequest {}
extension Wire.ListCommunicationsRequest: StoreScopedRequest {}
extension Wire.CreateKnowledgeBaseRequest: StoreScopedRequest {}
extension Wire.GetKnowledgeBaseRequest: StoreScopedRequest {}
extension Wire.ListKnowledgeBasesRequest: StoreScopedRequest {}
extension Wire.UpdateKnowledgeBaseRequest: StoreScopedRequest {}
extension Wire.DeleteKnowledgeBaseRequest: StoreScopedRequest {}
extension Wire.AddKnowledgeRequest: StoreScopedRequest {}
extension Wire.GetKnowledgeRequest: StoreScopedRequest {}
extension Wire.ListKnowledgeRequest: StoreScopedRequest {}
extension Wire.UpdateKnowledgeRequest: StoreScopedRequest {}
extension Wire.DeleteKnowledgeRequest: StoreScopedRequest {}
extension Wire.ListChunksRequest: StoreScopedRequest {}
extension Wire.SearchKnowledgeRequest: StoreScopedRequest {}
