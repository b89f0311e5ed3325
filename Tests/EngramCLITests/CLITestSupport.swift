import EngramCLI
import EngramClient
import EngramCore
import EngramLoad
import EngramServer
import EngramServerTestSupport
import EngramTestSupport
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// A running in-process server on a free loopback port, stopped when `body` returns.
func withServer(configure: (inout ServerConfiguration) -> Void = { _ in }, _ body: (Int) async throws -> Void)
    async throws
{
    try await EngramServerTestSupport.withServer(configure: configure) { server in try await body(server.port) }
}

/// What a command printed and the status it ended with.
struct CommandResult: Sendable {
    var status: Int32
    var out: String
    var err: String

    /// Standard output parsed as a JSON object.
    func json(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(out.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(out)", sourceLocation: sourceLocation)
    }
}

/// Runs `engram` in-process with captured output, against `port` when given.
func engram(_ arguments: [String], port: Int? = nil, environment: [String: String] = [:]) async -> CommandResult {
    var env = environment
    if let port { env["ENGRAM_SERVER"] = "127.0.0.1:\(port)" }
    let captured = CapturedOutput()
    let status = await CLIContext.$current.withValue(captured.context(environment: env)) {
        await EngramCLI.run(arguments)
    }
    return CommandResult(status: status, out: captured.out, err: captured.err)
}

/// Runs `engram-load` in-process with captured output.
func engramLoad(_ arguments: [String], port: Int) async -> CommandResult {
    let captured = CapturedOutput()
    let status = await CLIContext.$current.withValue(
        captured.context(environment: ["ENGRAM_SERVER": "127.0.0.1:\(port)"])
    ) {
        await EngramLoadCLI.run(arguments)
    }
    return CommandResult(status: status, out: captured.out, err: captured.err)
}

/// A fresh temporary directory, removed after `body`.
func withTemporaryDirectory(_ body: (URL) async throws -> Void) async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("engram-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try await body(dir)
}

/// Creates a store through the CLI and returns its id.
func createStore(_ name: String, port: Int) async throws -> String {
    let r = await engram(["store", "create", name, "--json"], port: port)
    #expect(r.status == 0, "\(r.err)")
    return try #require(try r.json()["id"] as? String)
}
