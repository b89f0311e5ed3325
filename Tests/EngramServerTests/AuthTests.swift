import EngramClient
import EngramCore
import EngramServer
import EngramServerTestSupport
import EngramTestSupport
import EngramWire
import Foundation
import NIOSSL
import Testing

@Suite("API keys and rights")
struct AuthTests {
    static func keys(stores: [String]) -> APIKeys {
        var keys = APIKeys()
        keys.add(key: "admin-secret", role: .admin, name: "ops")
        keys.add(key: "rw-secret", role: .readWrite(stores: Set(stores)), name: "agents")
        keys.add(key: "ro-secret", role: .readOnly(stores: Set(stores)), name: "analysts")
        return keys
    }

    @Test func keysFileParsesAndRejectsBadLines() throws {
        let hash = APIKeys.hashLine(for: "k1")
        #expect(hash.count == 7 + 64)
        let keys = try APIKeys(
            fileContents: """
                # ops team
                \(hash) role=admin name=ops

                \(APIKeys.hashLine(for: "k2")) role=read-only stores=st_a,st_b
                """)
        #expect(keys.count == 2)
        #expect(keys.authenticate("k1")?.role == .admin)
        #expect(keys.authenticate("k2")?.role == .readOnly(stores: ["st_a", "st_b"]))
        #expect(keys.authenticate("k3") == nil)
        #expect(throws: APIKeys.LoadError.self) { try APIKeys(fileContents: "sha256:abc role=admin") }
        #expect(throws: APIKeys.LoadError.self) { try APIKeys(fileContents: "\(hash) role=read-write") }
        #expect(throws: APIKeys.LoadError.self) { try APIKeys(fileContents: "\(hash) role=root") }
        do {
            _ = try APIKeys(fileContents: "\n\(hash) colour=blue role=admin")
        } catch {
            #expect(error.line == 2)
        }
    }

    /// A keys reload (engramd does it on SIGHUP): a removed key's open connection is closed with
    /// GOAWAY UNAUTHENTICATED and cannot come back; a key whose role changed is closed too; the
    /// other keys' connections carry on; a new key works at once; an empty set is refused.
    @Test func reloadedKeysRevokeTheRemovedOnesConnections() async throws {
        try await withServer(configure: { $0.keys = Self.keys(stores: ["st_a"]) }) { server in
            let admin = try server.client(apiKey: "admin-secret")
            let rw = try server.client(apiKey: "rw-secret")
            let ro = try server.client(apiKey: "ro-secret")
            defer {
                admin.close()
                rw.close()
                ro.close()
            }
            for client in [admin, rw, ro] { _ = try await client.ping() }

            var next = APIKeys()
            next.add(key: "admin-secret", role: .admin, name: "ops")
            next.add(key: "ro-secret", role: .readOnly(stores: ["st_b"]), name: "analysts")
            next.add(key: "new-secret", role: .readOnly(stores: ["st_a"]), name: "new")
            #expect(try await server.server.reloadKeys(next) == 2)

            _ = try await admin.ping()
            // The removed key's connection was closed with a GOAWAY before reloadKeys returned:
            // the next call fails, on the closing connection (UNAVAILABLE, "API key revoked")
            // or on a new one, which the key no longer opens (UNAUTHENTICATED).
            do {
                _ = try await rw.ping()
                Issue.record("a revoked key's call succeeded")
            } catch let error as EngramClientError {
                #expect(error.code == .unauthenticated || error.code == .unavailable, "\(error)")
            }
            // The read-only key stays, with other stores: its connection was closed (a call racing
            // the GOAWAY may fail), and the client reconnects under the new role.
            _ = try? await ro.ping()
            _ = try await ro.ping()
            let reconnected = try server.client(apiKey: "ro-secret")
            defer { reconnected.close() }
            #expect(try await reconnected.serverHello().role == "read-only")
            let newcomer = try server.client(apiKey: "new-secret")
            defer { newcomer.close() }
            _ = try await newcomer.ping()
            await expectFailure(.unauthenticated) { try await server.client(apiKey: "rw-secret").ping() }

            await #expect(throws: ServerError.self) { try await server.server.reloadKeys(APIKeys()) }
            _ = try await admin.ping()
        }
    }

    @Test func rolesAreEnforced() async throws {
        let engine = Engine()
        let storeA = try engine.createStore(displayName: "a").store.id
        let storeB = try engine.createStore(displayName: "b").store.id
        try await withServer(configure: { $0.keys = Self.keys(stores: [storeA]) }, engine: engine) { server in
            await expectFailure(.unauthenticated) { try await server.client(apiKey: "wrong").ping() }
            await expectFailure(.unauthenticated) { try await server.client().ping() }

            let admin = try server.client(apiKey: "admin-secret")
            let rw = try server.client(apiKey: "rw-secret")
            let ro = try server.client(apiKey: "ro-secret")
            defer {
                admin.close()
                rw.close()
                ro.close()
            }
            #expect(try await rw.serverHello().role == "read-write")

            let profile = try #require(
                try await rw.resolveIdentity(
                    .with {
                        $0.storeId = storeA
                        $0.identifiers = [Wire.Identifier(type: "email", value: "x@example.com")]
                    }
                ).profile)
            #expect(
                try await ro.getProfile(
                    .with {
                        $0.storeId = storeA
                        $0.profileId = profile.id
                    }
                ).profile?.id == profile.id)
            await expectFailure(.permissionDenied) {
                try await ro.updateTraits(
                    .with {
                        $0.storeId = storeA
                        $0.profileId = profile.id
                        $0.traits = ["A": Wire.TraitGroup(["b": Wire.TraitValue(.boolValue(true))])]
                    })
            }
            // Another store: denied alike whether it exists or not.
            let existing = await expectFailure(.permissionDenied) {
                try await rw.getStore(.with { $0.storeId = storeB })
            }
            let missing = await expectFailure(.permissionDenied) {
                try await rw.getStore(.with { $0.storeId = "st_nope" })
            }
            #expect(
                existing?.message.replacingOccurrences(of: storeB, with: "X")
                    == missing?.message.replacingOccurrences(of: "st_nope", with: "X"))
            // The control plane is for admins.
            await expectFailure(.permissionDenied) { try await rw.createStore(.with { $0.displayName = "c" }) }
            await expectFailure(.permissionDenied) { try await rw.deleteStore(.with { $0.storeId = storeA }) }
            await expectFailure(.permissionDenied) {
                try await rw.putIdentitySettings(
                    .with {
                        $0.storeId = storeA
                        $0.settings = Wire.IdentitySettings()
                    })
            }
            #expect(try await rw.listStores().stores.map(\.id) == [storeA])
            #expect(Set(try await admin.listStores().stores.map(\.id)) == [storeA, storeB])
            let info = try await rw.serverInfo()
            #expect(info.profileCount == 0, "counts are for admins")
        }
    }

    /// Every method of the table, called with empty requests by keys that lack its access:
    /// the server answers from the table, before the handler looks at any other field.
    @Test func everyMethodIsCheckedFromTheMethodTable() async throws {
        let engine = Engine()
        let mine = try engine.createStore(displayName: "mine").store.id
        let other = try engine.createStore(displayName: "other").store.id
        try await withServer(configure: { $0.keys = Self.keys(stores: [mine]) }, engine: engine) { server in
            for (key, store) in [("ro-secret", mine), ("rw-secret", other), ("rw-secret", "")] {
                let raw = try await server.raw()
                try await raw.hello(apiKey: key)
                var expected: [UInt32: (String, StatusCode)] = [:]
                for (i, method) in Methods.all.enumerated() where method.method != .hello {
                    var request = method.requestType.init()
                    if var scoped = request as? any StoreScopedRequest {
                        scoped.storeId = store
                        request = scoped
                    }
                    let id = UInt32(i + 2)
                    try await raw.send(
                        Frame(type: .request, method: method.id, requestID: id, payload: request.serializedBytes()))
                    let code: StatusCode? =
                        switch method.access {
                        case .anyone: nil
                        case .admin: .permissionDenied
                        case .read: store.isEmpty ? .invalidArgument : (store == other ? .permissionDenied : nil)
                        case .write: store.isEmpty ? .invalidArgument : .permissionDenied
                        }
                    if let code { expected[id] = (method.name, code) }
                }
                let frames = try await raw.readFrames(count: Methods.all.count - 1, timeout: .seconds(10))
                #expect(frames.count == Methods.all.count - 1)
                for frame in frames {
                    guard let (name, code) = expected[frame.requestID] else {
                        #expect(
                            frame.meta != UInt32(StatusCode.permissionDenied.rawValue),
                            "method \(frame.method) is open to \(key)")
                        continue
                    }
                    #expect(
                        frame.meta == UInt32(code.rawValue),
                        "\(name) with \(key) on store '\(store)': status \(frame.meta), expected \(code)")
                    if code == .invalidArgument {
                        #expect(
                            decodeStatus(frame)?.fieldViolations.first?.field == "store_id", "\(name) names store_id")
                    }
                }
                await raw.close()
            }
        }
    }

    @Test func noKeysMeansLoopbackOnly() async throws {
        var configuration = ServerConfiguration()
        configuration.host = "0.0.0.0"
        configuration.port = 0
        let server = EngramServer(configuration: configuration, engine: Engine(), logger: quietLogger)
        do {
            try await server.run()
            Issue.record("the server started on 0.0.0.0 without keys")
        } catch let error as ServerError {
            #expect(error.message.contains("without API keys"))
        }
    }

    @Test func tlsWithASelfSignedCertificate() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("engram-tls-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cert = dir.appendingPathComponent("cert.pem").path
        let key = dir.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", key, "-out", cert,
        ]
        openssl.standardError = FileHandle.nullDevice
        // Awaited through terminationHandler: waitUntilExit would block a thread of Swift's
        // concurrency pool, which other suites' tasks need.
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            openssl.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try openssl.run() } catch {
                openssl.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try #require(status == 0, "MISSING TOOL or failure: /usr/bin/openssl could not make a certificate")

        let chain = try NIOSSLCertificate.fromPEMFile(cert)
        try await withServer(configure: {
            $0.tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) },
                privateKey: .privateKey(try! NIOSSLPrivateKey(file: key, format: .pem)))
        }) { server in
            var configuration = EngramClient.Configuration(host: "localhost", port: server.port)
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(chain)
            configuration.tls = tls
            let client = try EngramClient(configuration: configuration)
            defer { client.close() }
            #expect(try await client.ping(.with { $0.payload = [4, 2] }).payload == [4, 2])

            var untrusting = EngramClient.Configuration(host: "localhost", port: server.port)
            untrusting.tls = TLSConfiguration.makeClientConfiguration()
            untrusting.reconnectGiveUpAfter = .milliseconds(200)
            let refused = try EngramClient(configuration: untrusting)
            defer { refused.close() }
            await expectFailure(.unavailable) { try await refused.ping() }
        }
    }
}
