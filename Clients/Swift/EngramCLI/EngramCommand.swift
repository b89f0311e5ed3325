import ArgumentParser
import EngramClient
import EngramWire

/// The `engram` command: one subcommand per part of the service, plus `import`.
public struct EngramCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "engram",
        abstract: "Talk to an Engram server: stores, profiles, observations, recall, CSV import.",
        discussion: """
            Connection: --server host:port (ENGRAM_SERVER), --api-key (ENGRAM_API_KEY), --tls. \
            The store: --store (ENGRAM_STORE). Tables for people; --json for scripts.
            Exit status: 0 done; 1 local failure (file, CSV, mapping); 2 import finished with \
            rejected rows; 64 bad usage; 10 + the server's status code otherwise (13 INVALID_ARGUMENT, \
            15 NOT_FOUND, 17 PERMISSION_DENIED, 24 UNAVAILABLE, 26 UNAUTHENTICATED). See docs/cli.md.
            """,
        subcommands: [
            StoreCommand.self, ProfileCommand.self, ObserveCommand.self, RecallCommand.self,
            ObservationsCommand.self, SummariesCommand.self, PingCommand.self, InfoCommand.self, SnapshotCommand.self,
            ImportCommand.self, ConversationCommand.self, CommunicationsCommand.self, KnowledgeCommand.self,
        ])

    public init() {}
}

/// Runs `engram` with arguments in the current `CLIContext` and returns its exit status.
public enum EngramCLI {
    public static func run(_ arguments: [String]) async -> Int32 {
        let json = arguments.contains("--json")
        do {
            var command = try EngramCommand.parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
            return ExitStatus.success
        } catch {
            return report(error, json: json, command: EngramCommand.self)
        }
    }

    /// Prints an error (JSON on standard output with --json, text on standard error otherwise)
    /// and returns the exit status it ends with.
    public static func report(_ error: any Error, json: Bool, command: any ParsableCommand.Type) -> Int32 {
        let status: Int32
        let text: String
        let document: JSONValue
        switch error {
        case let error as EngramClientError:
            status = ExitStatus.forStatus(error.code)
            var lines = ["error: \(error.code) (status \(error.code.rawValue)): \(error.message)"]
            lines += error.fieldViolations.map { "  \($0.field): \($0.description)" }
            text = lines.joined(separator: "\n")
            document = [
                "error": [
                    "status": .of(error.code.description), "code": .of(error.code.rawValue),
                    "message": .of(error.message),
                    "field_violations": .array(
                        error.fieldViolations.map { ["field": .of($0.field), "description": .of($0.description)] }),
                ]
            ]
        case let error as CLIError:
            status = error.code
            text = "error: \(error.message)"
            document = ["error": ["message": .of(error.message), "exit_status": .of(error.code)]]
        case let error as ExitCode:  // already reported (an import with rejected rows)
            return error.rawValue
        case is CancellationError:
            status = ExitStatus.failure
            text = "error: cancelled"
            document = ["error": ["message": "cancelled"]]
        default:
            let code = command.exitCode(for: error).rawValue
            let message = command.fullMessage(for: error)
            if code == 0 {  // --help, --version
                CLIContext.print(message)
                return 0
            }
            status = code
            text =
                message.hasPrefix("Error:") || message.hasPrefix("Usage:") || message.contains("\n")
                ? message : "error: \(message)"
            document = ["error": ["message": .of(message), "exit_status": .of(code)]]
        }
        if json {
            CLIContext.print(document.rendered())
        } else {
            CLIContext.printError(text)
        }
        return status
    }
}

extension OutputOptions {
    /// Prints `json` with --json, else the text.
    public func emit(_ json: @autoclosure () -> JSONValue, _ text: @autoclosure () -> String) {
        CLIContext.print(self.json ? json().rendered() : text())
    }
}

extension ConnectionOptions {
    /// Runs `body` with a client, closing it after.
    func withClient<T>(_ body: (EngramClient) async throws -> T) async throws -> T {
        let client = try makeClient()
        defer { client.close() }
        return try await body(client)
    }
}
