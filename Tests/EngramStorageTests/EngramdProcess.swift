import EngramClient
import EngramWire
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real `engramd` binary, started on a data directory and a loopback port of its own.
///
/// engramd starts with `--port 0` and the port is read from its "engramd listening" log line:
/// a port picked here and handed over could be taken by another test's engramd in between, and
/// the client would then talk to the wrong server.
final class EngramdProcess: @unchecked Sendable {
    // @unchecked: `process` is created in init and only read afterwards; Process itself is
    // thread-safe for the calls used here (pid, waitUntilExit, terminationStatus). The port is
    // behind a Mutex.
    let process: Process
    let logPath: String
    private let boundPort = Mutex<Int?>(nil)

    /// The engramd next to the test bundle in the build products directory.
    static var binaryPath: String? {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // On Linux the test runner is .build/<config>/<Package>PackageTests.xctest.
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("engramd").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    /// Starts engramd (optionally through `wrapper`, e.g. setpriv) with `arguments` after the defaults.
    init(dataDirectory: String, arguments: [String] = [], wrapper: [String] = []) throws {
        guard let binary = Self.binaryPath else {
            throw EngramdError(
                "engramd is not built next to the tests; run `swift build` (or `swift build --build-tests`) first")
        }
        logPath = dataDirectory + ".engramd-\(UUID().uuidString.prefix(8)).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)!
        process = Process()
        let all =
            [binary, "--port", "0", "--data-dir", dataDirectory, "--log-level", "info", "--threads", "2"]
            + arguments
        if wrapper.isEmpty {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = Array(all.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: wrapper[0])
            process.arguments = Array(wrapper.dropFirst()) + all
        }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The port engramd listens on; throws until its log says so.
    var port: Int {
        get throws {
            if let port = boundPort.withLock({ $0 }) { return port }
            guard let port = Self.listeningPort(in: log) else {
                throw EngramdError("engramd has not logged its port yet:\n\(log)")
            }
            boundPort.withLock { $0 = port }
            return port
        }
    }

    /// The port in the "engramd listening" line (`address=[IPv4]127.0.0.1/127.0.0.1:PORT`).
    static func listeningPort(in log: String) -> Int? {
        guard let line = log.split(separator: "\n").first(where: { $0.contains("engramd listening") }),
            let match = line.firstMatch(of: /address=\S*:(\d+)/)
        else { return nil }
        return Int(match.1)
    }

    func client(connections: Int = 2, apiKey: String = "") throws -> EngramClient {
        var configuration = EngramClient.Configuration(
            host: "127.0.0.1", port: try port, apiKey: apiKey, clientName: "crash-test")
        configuration.connections = connections
        configuration.reconnectGiveUpAfter = .milliseconds(200)
        return try EngramClient(configuration: configuration)
    }

    /// Waits until the server answers Ping (recovery done). Throws if it exits first or does
    /// not answer within a generous bound.
    func waitUntilServing(apiKey: String = "") async throws {
        for _ in 0..<600 {
            if !process.isRunning {
                throw EngramdError("engramd exited with \(process.terminationStatus) before serving:\n\(log)")
            }
            if (try? port) != nil {
                let client = try self.client(connections: 1, apiKey: apiKey)
                defer { client.close() }
                if (try? await client.ping(deadline: .seconds(1))) != nil { return }
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw EngramdError("engramd did not start serving:\n\(log)")
    }

    func kill(_ signal: Int32 = SIGKILL) {
        Glibc.kill(process.processIdentifier, signal)
    }

    /// A test that throws before stopping its server leaves no engramd running.
    deinit {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }

    /// Waits for the process to exit and returns its status.
    func waitForExit() async -> Int32 {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        return process.terminationStatus
    }

    func removeLog() { try? FileManager.default.removeItem(atPath: logPath) }
}

struct EngramdError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
