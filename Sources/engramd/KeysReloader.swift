import EngramServer
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Reads the keys file again on SIGHUP and puts its keys in force without a restart
/// (`EngramServer.reloadKeys`): connections whose key is gone or changed are closed with GOAWAY
/// UNAUTHENTICATED. A file that cannot be read or parsed leaves the current keys in force.
struct KeysReloader: Service {
    let path: String
    let server: EngramServer
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            await reload()
        }
    }

    func reload() async {
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try await server.reloadKeys(try APIKeys(fileContents: text))
        } catch {
            logger.error(
                "keys file not reloaded; the current keys stay in force",
                metadata: ["file": "\(path)", "error": "\(error)"])
        }
    }
}
