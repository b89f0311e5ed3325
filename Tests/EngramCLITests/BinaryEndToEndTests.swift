import Foundation
import Testing

/// The built `engram` and `engram-load` executables, run as subprocesses against a server:
/// what a shell script sees (exit statuses, standard output, standard error).
@Suite("built executables")
struct BinaryEndToEndTests {
    /// The product beside the test binary in the build directory.
    static func product(_ name: String) throws -> URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        // On Linux the test binary is .build/debug/EngramPackageTests.xctest; elsewhere it may sit deeper.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        throw ProductMissing(name: name)
    }

    struct ProductMissing: Error, CustomStringConvertible {
        var name: String
        var description: String { "\(name) is not built beside the tests (run swift build --build-tests)" }
    }

    /// Runs a product to completion (killed after 60 s), without blocking a pool thread.
    static func run(_ name: String, _ arguments: [String], environment: [String: String] = [:]) async throws
        -> CommandResult
    {
        let process = Process()
        process.executableURL = try product(name)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return CommandResult(status: status, out: o, err: e)
    }

    @Test(
        "engram: JSON on stdout, exit 0; a server error's status and message on stderr, exit 10 + status; bad flags 64")
    func engramBinary() async throws {
        try await withServer { port in
            let env = ["ENGRAM_SERVER": "127.0.0.1:\(port)"]
            let created = try await Self.run("engram", ["store", "create", "shell", "--json"], environment: env)
            #expect(created.status == 0, "\(created.err)")
            let id = try #require(try created.json()["id"] as? String)
            let resolved = try await Self.run(
                "engram", ["profile", "resolve", "--email", "x@example.com", "--store", id], environment: env)
            #expect(resolved.status == 0 && resolved.out.hasPrefix("CREATED "), "\(resolved.out) \(resolved.err)")
            let missing = try await Self.run(
                "engram", ["profile", "get", "p_missing", "--store", id], environment: env)
            #expect(missing.status == 15)
            #expect(missing.err.hasPrefix("error: NOT_FOUND (status 5): "), "\(missing.err)")
            #expect(missing.out.isEmpty)
            let invalid = try await Self.run(
                "engram", ["profile", "resolve", "--email", "nope", "--store", id, "--json"], environment: env)
            #expect(invalid.status == 13)
            #expect(((try invalid.json()["error"] as? [String: Any])?["status"] as? String) == "INVALID_ARGUMENT")
            let usage = try await Self.run("engram", ["profile", "frobnicate"])
            #expect(usage.status == 64 && usage.err.contains("frobnicate"), "\(usage.err)")
        }
    }

    @Test("engram-load: a short run's JSON summary")
    func loadBinary() async throws {
        try await withServer { port in
            let r = try await Self.run(
                "engram-load",
                [
                    "resolve-existing", "--count", "100", "--warmup", "0", "--profiles", "10",
                    "--server", "127.0.0.1:\(port)", "--json", "--no-progress",
                ])
            #expect(r.status == 0, "\(r.err)")
            let json = try r.json()
            #expect(json["requests"] as? Int == 100 && json["ok"] as? Int == 100)
            #expect(((json["latency_us"] as? [String: Any])?["p99"] as? Double ?? 0) > 0)
            #expect(r.err.isEmpty, "no progress lines with --no-progress: \(r.err)")
        }
    }
}
