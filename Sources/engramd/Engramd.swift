import ArgumentParser
import EngramCore
import EngramEmbeddings
import EngramExtraction
import EngramHTTP
import EngramServer
import EngramStorage
import Foundation
import Logging
import Metrics
import NIOSSL
import Prometheus
import ServiceLifecycle

@main
struct Engramd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engramd",
        abstract: "Engram: conversation memory for AI and human agents, over a binary protocol on TCP.",
        discussion: """
            Every option can also be set by an environment variable: ENGRAM_ and the option's name \
            in capitals with '_' for '-', e.g. ENGRAM_PORT=7411 or ENGRAM_KEYS_FILE=/etc/engram/keys. \
            A flag on the command line wins over the environment.
            """,
        subcommands: [Serve.self, HashKey.self],
        defaultSubcommand: Serve.self)

    /// Appends ENGRAM_* variables as options the command line did not give.
    static func argumentsWithEnvironment() -> [String] {
        var args = Array(CommandLine.arguments.dropFirst())
        guard args.first != "hash-key" else { return args }
        let env = ProcessInfo.processInfo.environment
        for option in Serve.environmentOptions {
            let variable = "ENGRAM_" + option.name.uppercased().replacingOccurrences(of: "-", with: "_")
            guard let value = env[variable], !args.contains("--\(option.name)") else { continue }
            if option.isFlag {
                if ["1", "true", "yes"].contains(value.lowercased()) { args.append("--\(option.name)") }
            } else {
                args += ["--\(option.name)", value]
            }
        }
        return args
    }

    static func main() async {
        do {
            var command = try parseAsRoot(argumentsWithEnvironment())
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

struct HashKey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash-key", abstract: "Print the keys-file hash of an API key (then add role=... to the line).")

    @Argument(help: "The API key.")
    var key: String

    func run() {
        print(APIKeys.hashLine(for: key))
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the server (the default).")

    static let environmentOptions: [(name: String, isFlag: Bool)] = [
        ("host", false), ("port", false), ("shards", false), ("keys-file", false), ("dev-key", false),
        ("max-frame-bytes", false), ("max-in-flight", false), ("max-connections", false), ("idle-timeout", false),
        ("metrics-port", false), ("metrics-host", false), ("log-level", false), ("tls-cert", false), ("tls-key", false),
        ("threads", false), ("data-dir", false), ("fsync", false), ("fsync-interval-ms", false),
        ("snapshot-interval", false),
        ("snapshot-every", false), ("segment-bytes", false), ("accept-log-loss", true), ("embedder", false),
        ("model-dir", false), ("query-cache", false), ("http-port", false), ("http-host", false),
        ("llm-url", false), ("llm-model", false), ("llm-api-key", false), ("llm-timeout", false),
        ("llm-concurrency", false), ("extraction-concurrency", false), ("idempotency-hours", false),
        ("max-revisions", false),
    ]

    @Option(help: "Address to listen on. Anything but loopback requires API keys. (ENGRAM_HOST)")
    var host = "127.0.0.1"

    @Option(help: "TCP port; 0 = any free port, named in the \"engramd listening\" log line. (ENGRAM_PORT)")
    var port = 7411

    @Option(help: "Engine shards; 0 = 4 per core. (ENGRAM_SHARDS)")
    var shards = 0

    @Option(
        help:
            "API keys file: lines of 'sha256:<hex> role=admin|read-write|read-only [stores=ID,...] [name=...]'. SIGHUP reloads it. (ENGRAM_KEYS_FILE)"
    )
    var keysFile: String?

    @Option(help: "An admin API key given in clear, for development only. (ENGRAM_DEV_KEY)")
    var devKey: String?

    @Option(help: "Largest frame either side may send, in bytes. (ENGRAM_MAX_FRAME_BYTES)")
    var maxFrameBytes = 4 * 1024 * 1024

    @Option(help: "Requests in flight per connection before the server stops reading it. (ENGRAM_MAX_IN_FLIGHT)")
    var maxInFlight = 256

    @Option(help: "Most concurrent connections; more get GOAWAY RESOURCE_EXHAUSTED. (ENGRAM_MAX_CONNECTIONS)")
    var maxConnections = 10_000

    @Option(help: "Close connections idle this many seconds; 0 = never. (ENGRAM_IDLE_TIMEOUT)")
    var idleTimeout = 300

    @Option(
        help:
            "Serve the HTTP/JSON API on this port; 0 = off. Unset, 7412, and a failure to bind it leaves HTTP off with a warning. (ENGRAM_HTTP_PORT)"
    )
    var httpPort: Int?

    @Option(help: "Address for the HTTP/JSON API; the --host address when unset. (ENGRAM_HTTP_HOST)")
    var httpHost: String?

    @Option(help: "Serve Prometheus /metrics, /healthz and /readyz on this port; off when unset. (ENGRAM_METRICS_PORT)")
    var metricsPort: Int?

    @Option(help: "Address for the metrics port. (ENGRAM_METRICS_HOST)")
    var metricsHost = "127.0.0.1"

    @Option(help: "trace, debug, info, notice, warning, error or critical. (ENGRAM_LOG_LEVEL)")
    var logLevel = "info"

    @Option(help: "TLS certificate chain (PEM); with --tls-key, the server speaks TLS. (ENGRAM_TLS_CERT)")
    var tlsCert: String?

    @Option(help: "TLS private key (PEM). (ENGRAM_TLS_KEY)")
    var tlsKey: String?

    @Option(help: "Event-loop threads; 0 = one per core. (ENGRAM_THREADS)")
    var threads = 0

    @Option(help: "Data directory: write-ahead log, snapshots, lock file. (ENGRAM_DATA_DIR)")
    var dataDir = "./engram-data"

    @Option(
        help:
            "always (fsync before acknowledging), interval (every --fsync-interval-ms), or none (leave it to the OS). (ENGRAM_FSYNC)"
    )
    var fsync = "always"

    @Option(help: "How often interval mode fsyncs, in milliseconds. (ENGRAM_FSYNC_INTERVAL_MS)")
    var fsyncIntervalMs = 1000

    @Option(
        help:
            "Snapshot when this many seconds passed since the last one and there were writes; 0 = never. (ENGRAM_SNAPSHOT_INTERVAL)"
    )
    var snapshotInterval = 300

    @Option(
        help: "Snapshot once this many log records were written since the last one; 0 = never. (ENGRAM_SNAPSHOT_EVERY)")
    var snapshotEvery = 1_000_000

    @Option(help: "Start a new log segment at this size in bytes. (ENGRAM_SEGMENT_BYTES)")
    var segmentBytes = 64 << 20

    @Flag(
        help:
            "If a record in the middle of the log is damaged, drop it and everything after it instead of refusing to start. (ENGRAM_ACCEPT_LOG_LOSS)"
    )
    var acceptLogLoss = false

    @Option(
        help:
            "hashed (built in, no files), static (MiniLM distilled into a table by scripts/distill-static; better recall, µs per text) or minilm (all-MiniLM-L6-v2 from --model-dir; ms per text). (ENGRAM_EMBEDDER)"
    )
    var embedder = "hashed"

    @Option(
        help:
            "The embedder's files: for minilm the model directory scripts/fetch-model unpacks (default models/all-MiniLM-L6-v2); for static the table scripts/distill-static writes (default models/static-minilm). (ENGRAM_MODEL_DIR)"
    )
    var modelDir: String?

    @Option(help: "Query vectors the MiniLM embedder keeps, least recently used first out. (ENGRAM_QUERY_CACHE)")
    var queryCache = 4096

    @Option(
        help:
            "An OpenAI-compatible Chat Completions endpoint for the llm extractor, e.g. http://localhost:8080/v1; stores may choose EXTRACTOR_LLM only with it. (ENGRAM_LLM_URL)"
    )
    var llmURL: String?

    @Option(help: "The model the llm extractor asks for. (ENGRAM_LLM_MODEL)")
    var llmModel = "gpt-4o-mini"

    @Option(help: "The endpoint's API key, sent as a bearer token; prefer the environment. (ENGRAM_LLM_API_KEY)")
    var llmAPIKey: String?

    @Option(help: "Seconds one LLM request may take before it is retried. (ENGRAM_LLM_TIMEOUT)")
    var llmTimeout = 60

    @Option(help: "LLM requests in flight at once. (ENGRAM_LLM_CONCURRENCY)")
    var llmConcurrency = 4

    @Option(help: "Conversations extracted at once. (ENGRAM_EXTRACTION_CONCURRENCY)")
    var extractionConcurrency = 4

    @Option(
        help:
            "Hours an idempotency key is remembered (a retry within them changes nothing); 0 = for ever. (ENGRAM_IDEMPOTENCY_HOURS)"
    )
    var idempotencyHours = 24

    @Option(help: "Revisions kept per observation and summary; the oldest go first. (ENGRAM_MAX_REVISIONS)")
    var maxRevisions = 100

    /// The `--embedder` named, loaded from `directory`; a missing or bad file fails naming it.
    func loadEmbedder(from directory: String) throws -> any Embedder {
        let url = URL(fileURLWithPath: directory)
        do {
            if embedder == "static" { return try StaticEmbedder(directory: url) }
            return try MiniLMEmbedder(directory: url, queryCacheSize: queryCache)
        } catch {
            throw ValidationError("--embedder \(embedder): \(error.message)")
        }
    }

    func validate() throws {
        guard ["hashed", "static", "minilm"].contains(embedder) else {
            throw ValidationError("--embedder must be hashed, static or minilm; got '\(embedder)'")
        }
        guard queryCache >= 1 && queryCache <= 10_000_000 else {
            throw ValidationError("--query-cache must be 1-10000000")
        }
        guard FsyncMode(rawValue: fsync) != nil else {
            throw ValidationError("--fsync must be always, interval or none; got '\(fsync)'")
        }
        guard fsyncIntervalMs >= 1 && fsyncIntervalMs <= 60_000 else {
            throw ValidationError("--fsync-interval-ms must be 1-60000")
        }
        guard snapshotInterval >= 0 else { throw ValidationError("--snapshot-interval must not be negative") }
        guard snapshotEvery >= 0 else { throw ValidationError("--snapshot-every must not be negative") }
        guard segmentBytes >= 4096 else { throw ValidationError("--segment-bytes must be at least 4096") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0-65535, got \(port)") }
        guard shards >= 0 && shards <= 4096 else { throw ValidationError("--shards must be 0-4096, got \(shards)") }
        guard maxFrameBytes >= 1024 && maxFrameBytes <= 64 * 1024 * 1024 else {
            throw ValidationError("--max-frame-bytes must be between 1024 and 67108864, got \(maxFrameBytes)")
        }
        guard maxInFlight >= 1 && maxInFlight <= 65536 else {
            throw ValidationError("--max-in-flight must be 1-65536, got \(maxInFlight)")
        }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
        guard idleTimeout >= 0 else { throw ValidationError("--idle-timeout must not be negative") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError(
                "--log-level must be one of trace, debug, info, notice, warning, error, critical; got '\(logLevel)'")
        }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        if let httpPort, !(0...65535).contains(httpPort) { throw ValidationError("--http-port must be 0-65535") }
        if let llmURL {
            guard let url = URL(string: llmURL), let scheme = url.scheme, ["http", "https"].contains(scheme),
                url.host != nil
            else { throw ValidationError("--llm-url must be an http or https URL; got '\(llmURL)'") }
        }
        guard (1...3600).contains(llmTimeout) else { throw ValidationError("--llm-timeout must be 1-3600 seconds") }
        guard (1...256).contains(llmConcurrency) else { throw ValidationError("--llm-concurrency must be 1-256") }
        guard (1...100_000).contains(maxRevisions) else { throw ValidationError("--max-revisions must be 1-100000") }
        guard (0...87_600).contains(idempotencyHours) else {
            throw ValidationError("--idempotency-hours must be 0 (for ever) to 87600")
        }
        guard (1...256).contains(extractionConcurrency) else {
            throw ValidationError("--extraction-concurrency must be 1-256")
        }
        if let metricsPort, !(1...65535).contains(metricsPort) {
            throw ValidationError("--metrics-port must be 1-65535")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel)!
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "engramd")
        let registry = PrometheusCollectorRegistry()
        var metricsFactory = PrometheusMetricsFactory(registry: registry)
        // Group commit's batch sizes (records and bytes per write of the log).
        metricsFactory.valueHistogramBuckets["engram_wal_batch_records"] = [
            1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096,
        ]
        metricsFactory.valueHistogramBuckets["engram_wal_batch_bytes"] = [
            256, 1024, 4096, 16384, 65536, 262_144, 1_048_576, 4_194_304,
        ]
        MetricsSystem.bootstrap(metricsFactory)

        var server = ServerConfiguration()
        if llmURL != nil { server.extractors.insert(.llm) }
        server.host = host
        server.port = port
        server.maxFrameBytes = maxFrameBytes
        server.maxInFlight = maxInFlight
        server.maxConnections = maxConnections
        server.idleTimeout = idleTimeout == 0 ? nil : .seconds(idleTimeout)
        server.eventLoopThreads = threads
        if let keysFile {
            let text: String
            do {
                text = try String(contentsOfFile: keysFile, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read --keys-file \(keysFile): \(error.localizedDescription)")
            }
            do {
                server.keys = try APIKeys(fileContents: text)
            } catch {
                throw ValidationError("--keys-file \(keysFile): \(error)")
            }
            if server.keys.isEmpty { throw ValidationError("--keys-file \(keysFile) holds no keys") }
        }
        if let devKey {
            logger.warning("--dev-key gives an admin key in clear; use a keys file in production")
            server.keys.add(key: devKey, role: .admin, name: "dev")
        }
        if let tlsCert, let tlsKey {
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(tlsCert).map { NIOSSLCertificateSource.certificate($0) }
                let key = try NIOSSLPrivateKey(file: tlsKey, format: .pem)
                server.tls = TLSConfiguration.makeServerConfiguration(
                    certificateChain: chain, privateKey: .privateKey(key))
            } catch {
                throw ValidationError("cannot load TLS certificate or key: \(error)")
            }
        }

        var engineConfiguration = EngineConfiguration()
        if shards > 0 { engineConfiguration.shardCount = shards }
        engineConfiguration.idempotencyWindow = Int64(idempotencyHours) * 3_600_000_000
        engineConfiguration.limits.maxRevisions = maxRevisions
        if embedder != "hashed" {
            let directory = modelDir ?? (embedder == "static" ? "models/static-minilm" : "models/all-MiniLM-L6-v2")
            let started = ContinuousClock.now
            let model = try loadEmbedder(from: directory)
            engineConfiguration.recall.embedder = model
            logger.info(
                "embedder loaded",
                metadata: [
                    "embedder": "\(model.identity)", "model_dir": "\(directory)",
                    "took": "\(ContinuousClock.now - started)",
                ])
        }
        var storageOptions = StorageOptions(dataDirectory: dataDir)
        storageOptions.fsync = FsyncMode(rawValue: fsync)!
        storageOptions.fsyncInterval = .milliseconds(fsyncIntervalMs)
        storageOptions.snapshotInterval = snapshotInterval > 0 ? .seconds(snapshotInterval) : nil
        storageOptions.snapshotEveryRecords = snapshotEvery > 0 ? UInt64(snapshotEvery) : nil
        storageOptions.segmentBytes = segmentBytes
        storageOptions.acceptLogLoss = acceptLogLoss
        storageOptions.engine = engineConfiguration
        let storage: Storage
        do {
            storage = try Storage.open(storageOptions, logger: logger)
        } catch {
            logger.critical("cannot open the data directory", metadata: ["error": "\(error)"])
            throw ValidationError("\(error.message)")
        }
        let hooks = StorageHooks(storage: storage)
        let engramServer = EngramServer(
            configuration: server, engine: storage.engine, durability: hooks, snapshotter: hooks, status: hooks,
            logger: logger)
        // Services stop in reverse order: the server drains its calls first, then storage
        // writes its shutdown snapshot and closes the log.
        var extractors: [ExtractorKind: any ConversationExtractor] = [.rules: RulesExtractor()]
        if let llmURL {
            var llm = LLMExtractor.Configuration(
                url: llmURL, model: llmModel,
                apiKey: llmAPIKey)
            llm.timeout = .seconds(llmTimeout)
            llm.concurrency = llmConcurrency
            extractors[.llm] = LLMExtractor(configuration: llm, logger: logger)
            logger.info("llm extractor", metadata: ["url": "\(llmURL)", "model": "\(llmModel)"])
        }
        let extraction = ExtractionRunner(
            engine: storage.engine, extractors: extractors, concurrency: extractionConcurrency, logger: logger)
        var services: [any Service] = [hooks, extraction, engramServer]
        if let keysFile { services.append(KeysReloader(path: keysFile, server: engramServer, logger: logger)) }
        if httpPort != 0 {
            var http = HTTPConfiguration()
            http.host = httpHost ?? host
            http.port = httpPort ?? 7412
            http.required = httpPort != nil
            http.maxBodyBytes = maxFrameBytes
            http.maxConnections = maxConnections
            http.idleTimeout = idleTimeout > 0 ? .seconds(idleTimeout) : .seconds(86_400)
            services.append(EngramHTTPServer(configuration: http, server: engramServer, logger: logger))
        }
        if let metricsPort {
            services.append(
                MetricsHTTPServer(
                    host: metricsHost, port: metricsPort, logger: logger,
                    notReady: { storage.state().failure.map { "storage cannot write: \($0)" } }
                ) {
                    storage.refreshMetrics()
                    return registry.emitToBuffer()
                })
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
