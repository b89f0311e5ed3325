import EngramClient
import EngramWire
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real `engramd` binary, started on a data directory and a free loopback port.
final class EngramdProcess: @unchecked Sendable {
    // @unchecked: `process` is created in init and only read afterwards; Process itself is
    // thread-safe for the calls used here (pid, waitUntilExit, terminationStatus).
    let process: Process
    let port: Int
    let logPath: String

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

    /// A port nothing listens on right now.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts engramd (optionally through `wrapper`, e.g. setpriv) with `arguments` after the defaults.
    init(dataDirectory: String, arguments: [String] = [], wrapper: [String] = []) throws {
        guard let binary = Self.binaryPath else {
            throw EngramdError(
                "engramd is not built next to the tests; run `swift build` (or `swift build --build-tests`) first")
        }
        port = Self.freePort()
        logPath = dataDirectory + ".engramd-\(port).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)!
        process = Process()
        let all =
            [binary, "--port", String(port), "--data-dir", dataDirectory, "--log-level", "info", "--threads", "2"]
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

    func client(connections: Int = 2, apiKey: String = "") throws -> EngramClient {
        var configuration = EngramClient.Configuration(
            host: "127.0.0.1", port: port, apiKey: apiKey, clientName: "crash-test")
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
            let client = try self.client(connections: 1, apiKey: apiKey)
            defer { client.close() }
            if (try? await client.ping(deadline: .seconds(1))) != nil { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw EngramdError("engramd did not start serving:\n\(log)")
    }

    func kill(_ signal: Int32 = SIGKILL) {
        Glibc.kill(process.processIdentifier, signal)
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
