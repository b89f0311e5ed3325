import EngramClient
import EngramServer
import EngramWire
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real engramd reloads its keys file on SIGHUP.
@Suite struct KeysReloadProcessTests {
    func writeKeys(_ names: [String], to path: String) throws {
        let text = names.map { "\(APIKeys.hashLine(for: "secret-\($0)")) role=admin name=\($0)" }.joined(
            separator: "\n")
        try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Whether a fresh client with `name`'s key is refused as unauthenticated.
    func refused(_ server: EngramdProcess, _ name: String) async throws -> Bool {
        let client = try server.client(connections: 1, apiKey: "secret-\(name)")
        defer { client.close() }
        do {
            _ = try await client.ping(deadline: .seconds(2))
            return false
        } catch let error as EngramClientError {
            return error.code == .unauthenticated
        }
    }

    @Test func sighupReloadsTheKeysFile() async throws {
        try await withTemporaryDirectory { dir in
            let keys = dir + "/keys"
            try writeKeys(["a", "b"], to: keys)
            let server = try EngramdProcess(dataDirectory: dir + "/data", arguments: ["--keys-file", keys])
            defer { server.removeLog() }
            try await server.waitUntilServing(apiKey: "secret-a")
            #expect(try await !refused(server, "b"))

            // b removed, c added: after SIGHUP, b is refused and c accepted.
            try writeKeys(["a", "c"], to: keys)
            server.kill(SIGHUP)
            var reloaded = false
            for _ in 0..<200 where !reloaded {
                reloaded = server.log.contains("API keys reloaded")
                if !reloaded { try await Task.sleep(for: .milliseconds(25)) }
            }
            #expect(reloaded, "\(server.log)")
            #expect(try await refused(server, "b"))
            #expect(try await !refused(server, "c"))
            #expect(try await !refused(server, "a"))

            // A file that does not parse changes nothing, and says so.
            try Data("sha256:not-hex role=admin\n".utf8).write(to: URL(fileURLWithPath: keys))
            server.kill(SIGHUP)
            var complained = false
            for _ in 0..<200 where !complained {
                complained = server.log.contains("keys file not reloaded")
                if !complained { try await Task.sleep(for: .milliseconds(25)) }
            }
            #expect(complained, "\(server.log)")
            #expect(try await !refused(server, "c"))
            server.kill(SIGTERM)
            #expect(await server.waitForExit() == 0)
        }
    }
}
