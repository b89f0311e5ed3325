import EngramServer
import EngramWire
import Hummingbird
import Logging
import NIOCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// HTTP Basic (any user name, the API key as the password) or `Authorization: Bearer KEY`:
/// the binary protocol's keys and roles. Without configured keys every caller is an admin
/// (the server then listens on loopback only). The OpenAPI document needs no key.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = EngramRequestContext
    let caller: MethodCaller
    let maxBodyBytes: Int

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.maxBody = maxBodyBytes
        if request.uri.path == "/openapi.yaml" || request.uri.path == "/healthz" {
            return try await next(request, context)
        }
        let key = try Self.apiKey(request.headers[.authorization])
        guard let principal = caller.principal(apiKey: key) else {
            throw APIError(
                .unauthenticated,
                key == nil
                    ? "this server needs an API key: HTTP Basic with the key as the password, or Authorization: Bearer KEY"
                    : "invalid API key")
        }
        context.principal = principal
        return try await next(request, context)
    }

    static func apiKey(_ header: String?) throws(APIError) -> String? {
        guard let header, !header.isEmpty else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2 else {
            throw APIError(.unauthenticated, "the Authorization header must be 'Basic …' or 'Bearer …'")
        }
        let scheme = parts[0].lowercased()
        let value = parts[1].trimmingCharacters(in: .whitespaces)
        switch scheme {
        case "bearer":
            return value
        case "basic":
            guard let data = Data(base64Encoded: value), let text = String(data: data, encoding: .utf8),
                let colon = text.firstIndex(of: ":")
            else {
                throw APIError(.unauthenticated, "the Basic credentials are not base64 of 'user:key'")
            }
            return String(text[text.index(after: colon)...])
        default:
            throw APIError(.unauthenticated, "the Authorization scheme must be Basic or Bearer, not '\(parts[0])'")
        }
    }
}

/// Turns every failure into the JSON error shape: Hummingbird's own (no such route, a body too
/// large) and anything unexpected (a 500 that names no internals beyond the error).
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = EngramRequestContext
    let logger: Logger

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError where error.status == .notFound {
            // A known path with a method it does not serve: 405 naming the ones it does.
            let allowed = API.methods(servedAt: request.uri.path)
            guard !allowed.isEmpty else {
                throw APIError(.notFound, "no such resource: \(request.method) \(request.uri.path)")
            }
            var e = APIError(
                .unimplemented,
                "\(request.method) is not served at this path; it serves \(allowed.joined(separator: ", "))")
            e.status = .methodNotAllowed
            e.headers[.allow] = allowed.joined(separator: ", ")
            throw e
        } catch let error as HTTPError {
            var e = APIError(
                Self.code(error.status),
                error.body ?? error.status.reasonPhrase)
            e.status = error.status
            throw e
        } catch is NIOTooManyBytesError {
            var e = APIError(.invalidArgument, "the request body is over \(context.maxUploadSize) bytes")
            e.status = .contentTooLarge
            throw e
        } catch let error as any HTTPResponseError {
            var e = APIError(Self.code(error.status), "\(error)")
            e.status = error.status
            throw e
        } catch {
            logger.error("HTTP request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            throw APIError(.internal, "internal error: \(error)")
        }
    }

    static func code(_ status: HTTPResponse.Status) -> StatusCode {
        switch status.code {
        case 400, 413, 415, 422: .invalidArgument
        case 401: .unauthenticated
        case 403: .permissionDenied
        case 404: .notFound
        case 405: .unimplemented
        case 409: .alreadyExists
        case 429: .resourceExhausted
        case 501: .unimplemented
        case 503: .unavailable
        default: status.code < 500 ? .invalidArgument : .internal
        }
    }
}
