import ArgumentParser
import EngramCLI
import EngramClient

/// The `engram-load` command.
public struct LoadCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "engram-load",
        abstract: "Load-test an Engram server and report latency percentiles and throughput.",
        discussion: """
            Workloads: ping, resolve-new, resolve-existing (or resolve), observe, recall, and mix \
            (--mix recall=80,observe=15,resolve=5 by default). Closed loop by default; --rate R runs \
            an open loop at R requests/s with latency counted from each request's intended send time. \
            A fresh store is created (and deleted after) unless --store is given. Traffic should go \
            to a server you run: only loopback is allowed unless --allow-remote.
            """)

    @Argument(help: "ping, resolve-new, resolve-existing, observe, recall or mix.") var workload: String
    @Option(
        help:
            "For mix: OPERATION=WEIGHT,... (operations: ping, resolve-new, resolve-existing, resolve, observe, recall)."
    ) var mix: String?
    @Option(help: "Connections (1-256), each its own client.") var connections = 1
    @Option(help: "Requests in flight per connection (1-256).") var inFlight = 1
    @Option(help: "Seconds to measure (default 10 unless --count).") var duration: Double?
    @Option(help: "Requests to measure instead of a duration.") var count: Int?
    @Option(help: "Seconds of warm-up before measuring.") var warmup: Double = 1
    @Option(help: "Open loop: requests per second in total. Without it, closed loop.") var rate: Double?
    @Option(help: "Profiles to spread requests over (seeded before the run).") var profiles = 100
    @Option(help: "Observations seeded per profile for recall (the profile size).") var observations = 200
    @Option(help: "Recall's observations limit.") var limit: UInt32 = 20
    @Option(help: "Seed for the synthetic text and choices.") var seed: UInt64 = 1
    @Option(help: "Use this store instead of creating a fresh one.") var store: String?
    @Flag(help: "Allow a server that is not on loopback.") var allowRemote = false
    @Flag(inversion: .prefixedNo, help: "Print a progress line each second to standard error.") var progress = true
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    public init() {}

    public func validate() throws {
        try CLIError.validating { _ = try Workload.parse(workload, mix: mix) }
        guard (1...256).contains(connections) else { throw ValidationError("--connections must be 1-256") }
        guard (1...256).contains(inFlight) else { throw ValidationError("--in-flight must be 1-256") }
        if duration != nil && count != nil { throw ValidationError("give --duration or --count, not both") }
        if let duration, !(duration > 0 && duration <= 3600) {
            throw ValidationError("--duration must be more than 0 and at most 3600 seconds")
        }
        if let count, !(1...100_000_000).contains(count) { throw ValidationError("--count must be 1-100000000") }
        guard warmup >= 0 && warmup <= 600 else { throw ValidationError("--warmup must be 0-600 seconds") }
        if let rate, !(rate > 0 && rate <= 1_000_000) {
            throw ValidationError("--rate must be more than 0 and at most 1000000 requests/s")
        }
        guard (1...1_000_000).contains(profiles) else { throw ValidationError("--profiles must be 1-1000000") }
        guard (0...10_000).contains(observations) else { throw ValidationError("--observations must be 0-10000") }
        guard limit <= 100 else { throw ValidationError("--limit must be 0-100") }
        try CLIError.validating {
            let host = try connection.address().host
            if !allowRemote && !["127.0.0.1", "localhost", "::1"].contains(host) && !host.hasPrefix("127.") {
                throw CLIError.usage(
                    "--server \(host) is not loopback; load tests go to a server you run (add --allow-remote if you mean it)"
                )
            }
        }
    }

    public func run() async throws {
        let workload = try Workload.parse(workload, mix: mix)
        var plan = LoadPlan()
        plan.connections = connections
        plan.inFlight = inFlight
        plan.duration = count == nil ? .milliseconds(Int64((duration ?? 10) * 1000)) : nil
        plan.count = count
        plan.warmup = .milliseconds(Int64(warmup * 1000))
        plan.rate = rate
        let clients = try (0..<connections).map { _ in try connection.makeClient(name: "engram-load") }
        defer { for c in clients { c.close() } }
        // Connect every client first: a run measures requests, not handshakes.
        for c in clients { try await c.connect() }
        let context = CLIContext.current
        if progress {
            context.err(
                "preparing \(workload) (\(workload.needsProfiles ? "\(profiles) profiles" : "no profiles")\(workload.needsObservations ? " × \(observations) observations" : ""))\n"
            )
        }
        let fixture = try await LoadFixture.prepare(
            client: clients[0], workload: workload, storeID: store, profileCount: profiles,
            observations: observations, recallLimit: limit, seed: seed)
        var report: (@Sendable (String) -> Void)? = nil
        if progress { report = { line in context.err(line + "\n") } }
        let summary = await LoadDriver(plan: plan, workload: workload, fixture: fixture).run(
            clients: clients, progress: report)
        await fixture.cleanUp(client: clients[0])
        output.emit(summary.json, summary.text)
    }
}

/// Runs `engram-load` with arguments in the current `CLIContext` and returns its exit status.
public enum EngramLoadCLI {
    public static func run(_ arguments: [String]) async -> Int32 {
        let json = arguments.contains("--json")
        do {
            var command = try LoadCommand.parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand { try await command.run() } else { try command.run() }
            return ExitStatus.success
        } catch {
            return EngramCLI.report(error, json: json, command: LoadCommand.self)
        }
    }
}
