import ArgumentParser
import EngramClient
import NIOSSL

/// How to reach the server: shared by every `engram` command and by `engram-load`.
public struct ConnectionOptions: ParsableArguments, Sendable {
    @Option(help: "The server as host:port (default 127.0.0.1:7411). (ENGRAM_SERVER)")
    public var server: String?

    @Option(help: "The API key; empty for a server without keys. (ENGRAM_API_KEY)")
    public var apiKey: String?

    @Flag(help: "Connect with TLS, verifying the server's certificate.")
    public var tls = false

    @Option(help: "With --tls: trust the CA certificates in this PEM file (as well as the system's).")
    public var tlsCa: String?

    @Option(help: "Seconds to wait for the server to answer a call.")
    public var timeout: Double = 30

    public init() {}

    /// The address from --server, ENGRAM_SERVER, or the default.
    public func address() throws(CLIError) -> (host: String, port: Int) {
        let text = server ?? CLIContext.current.environment["ENGRAM_SERVER"] ?? "127.0.0.1:7411"
        return try Self.parseAddress(text)
    }

    /// Parses `host:port`, `host` (port 7411) or `[v6]:port`.
    public static func parseAddress(_ text: String) throws(CLIError) -> (host: String, port: Int) {
        let s = text.trimmingCharacters(in: .whitespaces)
        var host = s
        var portText: Substring? = nil
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]") else {
                throw .usage("--server '\(text)': missing ']' after an IPv6 address")
            }
            host = String(s[s.index(after: s.startIndex)..<close])
            let rest = s[s.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw .usage("--server '\(text)': expected ':' and a port after ']'") }
                portText = rest.dropFirst()
            }
        } else if let colon = s.lastIndex(of: ":") {
            if s.firstIndex(of: ":") != colon {
                throw .usage("--server '\(text)': write an IPv6 address as [address]:port")
            }
            host = String(s[..<colon])
            portText = s[s.index(after: colon)...]
        }
        guard !host.isEmpty, host.allSatisfy({ !$0.isWhitespace }) else {
            throw .usage("--server '\(text)': no host name")
        }
        guard let portText else { return (host, 7411) }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw .usage("--server '\(text)': the port must be a number from 1 to 65535")
        }
        return (host, port)
    }

    /// A client configured from these options (connecting lazily, on the first call).
    public func makeClient(name: String = "engram-cli", connections: Int = 1) throws -> EngramClient {
        let (host, port) = try address()
        var configuration = EngramClient.Configuration(
            host: host, port: port, apiKey: apiKey ?? CLIContext.current.environment["ENGRAM_API_KEY"] ?? "",
            clientName: name)
        configuration.connections = connections
        // A person at a terminal should hear about an unreachable server in seconds, not minutes.
        configuration.connectTimeout = .seconds(3)
        configuration.reconnectGiveUpAfter = .seconds(3)
        guard timeout > 0 else { throw CLIError.usage("--timeout must be more than 0 seconds") }
        configuration.defaultDeadline = .milliseconds(Int64(timeout * 1000))
        if tls || tlsCa != nil {
            var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
            if let tlsCa {
                do {
                    let certificates = try NIOSSLCertificate.fromPEMFile(tlsCa)
                    tlsConfiguration.additionalTrustRoots = [.certificates(certificates)]
                } catch {
                    throw CLIError("--tls-ca \(tlsCa): cannot read PEM certificates (\(error))")
                }
            }
            configuration.tls = tlsConfiguration
        }
        return try EngramClient(configuration: configuration)
    }
}

/// Options every command has besides the connection.
public struct OutputOptions: ParsableArguments, Sendable {
    @Flag(help: "Print JSON for scripts instead of tables.")
    public var json = false

    public init() {}
}

/// The store a command works in.
public struct StoreOption: ParsableArguments, Sendable {
    @Option(name: .customLong("store"), help: "The store id. (ENGRAM_STORE)")
    public var storeOption: String?

    public init() {}

    public func storeID() throws(CLIError) -> String {
        guard let id = storeOption ?? CLIContext.current.environment["ENGRAM_STORE"], !id.isEmpty else {
            throw .usage("no store: give --store ID or set ENGRAM_STORE")
        }
        return id
    }
}
