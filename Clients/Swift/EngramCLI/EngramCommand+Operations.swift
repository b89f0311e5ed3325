import ArgumentParser
import EngramWire
import Foundation

/// `engram ping`: application-level round trips, with their times.
struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ping", abstract: "Measure round trips to the server.")
    @Option(help: "Round trips to make (1-10000).") var count = 1
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...10_000).contains(count) else { throw ValidationError("--count must be 1-10000") }
    }

    func run() async throws {
        let (host, port) = try connection.address()
        var times: [Double] = []
        try await connection.withClient { client in
            try await client.connect()  // the first ping measures a round trip, not the handshake
            for _ in 0..<count {
                let start = ContinuousClock.now
                _ = try await client.ping()
                let d = ContinuousClock.now - start
                times.append(Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12)
            }
        }
        let sorted = times.sorted()
        let median = sorted[sorted.count / 2]
        output.emit(
            [
                "server": .of("\(host):\(port)"), "count": .of(count),
                "round_trip_us": .array(times.map { .of($0.rounded()) }),
                "median_us": .of(median.rounded()),
            ],
            "pong from \(host):\(port): \(count) round trip\(count == 1 ? "" : "s"), median \(Int(median.rounded())) µs, min \(Int(sorted[0].rounded())) µs, max \(Int(sorted.last!.rounded())) µs"
        )
    }
}

/// `engram info`: the server's version, counts and durability settings.
struct InfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Show the server's version, counts and settings.")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let info = try await connection.withClient { try await $0.serverInfo() }
        output.emit(
            info.json,
            TextTable.record([
                ("version", info.serverVersion), ("protocol", "\(info.protocolVersion)"),
                ("started", TimeInput.format(info.startedAtUs)),
                ("uptime", "\(info.uptimeUs / 1_000_000) s"), ("stores", "\(info.storeCount)"),
                ("profiles", "\(info.profileCount)"),
                ("observations", "\(info.observationCount)"), ("connections", "\(info.connectionCount)"),
                ("shards", "\(info.shardCount)"),
                ("log sequence", "\(info.logSequence)"), ("snapshot sequence", "\(info.snapshotSequence)"),
                ("snapshot at", TimeInput.format(info.snapshotAtUs)),
                ("embedder", info.embedder.isEmpty ? "-" : "\(info.embedder) (\(info.embeddingDimension))"),
                ("fsync", info.fsyncMode),
                (
                    "extraction",
                    "\(info.extractionPending) waiting, \(info.extractionRunning) running, \(info.extractionCompleted) done, \(info.extractionFailed) failed; close to result mean \(info.extractionMeanLatencyUs) µs, max \(info.extractionMaxLatencyUs) µs"
                ),
            ]))
    }
}

/// `engram snapshot`: write a snapshot now (admin).
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot", abstract: "Write a snapshot now (admin key).")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let s = try await connection.withClient { try await $0.snapshot() }
        output.emit(
            s.json,
            TextTable.record([
                ("sequence", "\(s.sequence)"), ("path", s.path), ("size", "\(s.sizeBytes) bytes"),
                ("took", "\(s.durationUs / 1000) ms"),
            ]))
    }
}
