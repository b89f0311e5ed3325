import Foundation
import NIOSSL
import Testing

@Suite("engram over TLS")
struct TLSTests {
    /// Runs a program to completion, awaiting its exit without blocking a pool thread.
    static func run(_ path: String, _ arguments: [String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
    }

    @Test("--tls-ca trusts a self-signed server; an unreadable CA file is a local failure")
    func selfSigned() async throws {
        try await withTemporaryDirectory { dir in
            let cert = dir.appendingPathComponent("cert.pem").path
            let key = dir.appendingPathComponent("key.pem").path
            let status = try await Self.run(
                "/usr/bin/openssl",
                [
                    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", key, "-out", cert,
                ])
            try #require(status == 0, "MISSING TOOL or failure: /usr/bin/openssl could not make a certificate")
            let chain = try NIOSSLCertificate.fromPEMFile(cert)
            let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
            try await withServer(configure: {
                $0.tls = TLSConfiguration.makeServerConfiguration(
                    certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
            }) { port in
                let trusted = await engram(["ping", "--server", "localhost:\(port)", "--tls-ca", cert, "--json"])
                #expect(trusted.status == 0, "\(trusted.err)")
                let pong = try trusted.json()
                #expect(pong["count"] as? Int == 1)
                let badCA = await engram(["ping", "--server", "localhost:\(port)", "--tls-ca", key + ".missing"])
                #expect(badCA.status == 1 && badCA.err.contains("--tls-ca"), "\(badCA.err)")
            }
        }
    }
}
