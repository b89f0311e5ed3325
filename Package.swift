// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6)
]

let package = Package(
    name: "Engram",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EngramWire", targets: ["EngramWire"]),
        .library(name: "EngramRecall", targets: ["EngramRecall"]),
        .library(name: "EngramCore", targets: ["EngramCore"]),
        .library(name: "EngramServer", targets: ["EngramServer"]),
        .library(name: "EngramExtraction", targets: ["EngramExtraction"]),
        .library(name: "EngramHTTP", targets: ["EngramHTTP"]),
        .library(name: "EngramClient", targets: ["EngramClient"]),
        .library(name: "EngramStorage", targets: ["EngramStorage"]),
        .library(name: "EngramEmbeddings", targets: ["EngramEmbeddings"]),
        .executable(name: "engramd", targets: ["engramd"]),
        .executable(name: "engram", targets: ["engram"]),
        .executable(name: "engram-load", targets: ["engram-load"]),
        .executable(name: "engram-mcp", targets: ["engram-mcp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // Frames and hand-written protobuf codecs. Depends on nothing.
        .target(name: "EngramWire", swiftSettings: strict),
        // Ranking with no engine: tokenizer, BM25 corpus, vectors, the embedders' protocol, the
        // hashed embedder, fingerprints and the duplicate index; and PersistentMap, the only
        // door to swift-collections' hash trees.
        .target(
            name: "EngramRecall",
            dependencies: ["CEngramKernels", .product(name: "HashTreeCollections", package: "swift-collections")],
            swiftSettings: strict
        ),
        // Numeric kernels in C: dot products with AVX2/FMA when the CPU has them, picked at
        // run time (Swift compiles for baseline x86-64 and cannot choose per function).
        .target(name: "CEngramKernels"),
        // The in-memory engine. Knows nothing of sockets or bytes.
        .target(name: "EngramCore", dependencies: ["EngramRecall"], swiftSettings: strict),
        // NIO pieces shared by the server and the Swift client: frame decoding, the executor.
        .target(
            name: "EngramNIO",
            dependencies: ["EngramWire", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        // The SwiftNIO server: connections, auth, limits, metrics; maps the wire onto the engine.
        .target(
            name: "EngramServer",
            dependencies: [
                "EngramWire", "EngramCore", "EngramNIO",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Extraction: the rules extractor, the LLM extractor and the runner that feeds them the
        // conversations that close.
        .target(
            name: "EngramExtraction",
            dependencies: [
                "EngramCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The HTTP/JSON door (Hummingbird 2): paths and JSON shaped like the hosted product's API,
        // each route mapped onto a method of the table through the server's in-process caller.
        .target(
            name: "EngramHTTP",
            dependencies: [
                "EngramServer", "EngramWire", "EngramNIO",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // libsqlite3 from the system (Debian: libsqlite3-dev), for snapshot files.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // OpenBLAS from the system (Debian: libopenblas-dev), for the neural embedder's matrix products.
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
        // Neural sentence embeddings (all-MiniLM-L6-v2): WordPiece, safetensors, a BERT forward pass.
        .target(name: "EngramEmbeddings", dependencies: ["EngramRecall", "COpenBLAS"], swiftSettings: strict),
        // Durability: the write-ahead log, SQLite snapshots and recovery.
        .target(
            name: "EngramStorage",
            dependencies: [
                "EngramCore", "CSQLite", .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // Fuzz targets: libFuzzer's entry point (scripts/fuzz builds it with the fuzzer sanitizer),
        // and built normally a replayer of saved inputs.
        .executableTarget(
            name: "engram-fuzz",
            dependencies: ["EngramWire", "EngramCore", "EngramStorage", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .executableTarget(
            name: "engramd",
            dependencies: [
                "EngramServer", "EngramHTTP", "EngramCore", "EngramStorage", "EngramEmbeddings", "EngramExtraction",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        // The Swift client library agent runtimes link against.
        .target(
            name: "EngramClient",
            dependencies: [
                "EngramWire", "EngramNIO",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Clients/Swift/EngramClient",
            swiftSettings: strict
        ),
        // The `engram` command line: commands, CSV import and output formatting, as a library
        // so tests can run commands in-process.
        .target(
            name: "EngramCLI",
            dependencies: [
                "EngramClient", "EngramWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Clients/Swift/EngramCLI",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "engram", dependencies: ["EngramCLI"], path: "Clients/Swift/engram", swiftSettings: strict),
        // The load tester: workloads, the open- and closed-loop driver, the summary.
        .target(
            name: "EngramLoad",
            dependencies: [
                "EngramClient", "EngramWire", "EngramCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Clients/Swift/EngramLoad",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "engram-load", dependencies: ["EngramLoad"], path: "Clients/Swift/engram-load", swiftSettings: strict),
        // The MCP door: tools (recall, remember, resolve, profile) that map onto the method table.
        .target(
            name: "EngramMCP",
            dependencies: [
                "EngramClient", "EngramWire", "EngramCLI", .product(name: "MCP", package: "swift-sdk"),
            ],
            path: "Clients/Swift/EngramMCP",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "engram-mcp",
            dependencies: [
                "EngramMCP", "EngramCLI", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Clients/Swift/engram-mcp",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "engram-bench",
            dependencies: [
                "EngramWire", "EngramCore", "EngramServer", "EngramClient", "EngramNIO", "EngramStorage",
                "EngramEmbeddings", "COpenBLAS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Distils MiniLM into the static table `--embedder static` loads (scripts/distill-static).
        .executableTarget(
            name: "engram-distill",
            dependencies: [
                "EngramEmbeddings", "COpenBLAS", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        // The LoCoMo evaluation of Recall: reads the data file from a path it is given.
        .executableTarget(
            name: "engram-eval",
            dependencies: [
                "EngramCore", "EngramEmbeddings", "EngramExtraction", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // Helpers every test target shares: seeded randomness, threads, a quiet logger.
        .target(
            name: "EngramTestSupport",
            dependencies: ["EngramCore", .product(name: "Logging", package: "swift-log")],
            path: "Tests/EngramTestSupport",
            swiftSettings: strict
        ),
        // A server in-process on a free loopback port, for the server's and the CLI's tests.
        .target(
            name: "EngramServerTestSupport",
            dependencies: [
                "EngramServer", "EngramCore", "EngramTestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/EngramServerTestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "EngramWireTests", dependencies: ["EngramWire"], swiftSettings: strict),
        .testTarget(
            name: "EngramRecallTests", dependencies: ["EngramRecall", "CEngramKernels", "EngramTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "EngramCoreTests", dependencies: ["EngramCore", "EngramRecall", "EngramTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "EngramExtractionTests",
            dependencies: [
                "EngramExtraction", "EngramCore", "EngramTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "EngramEmbeddingsTests", dependencies: ["EngramEmbeddings", "EngramCore"], swiftSettings: strict),
        .testTarget(
            name: "EngramStorageTests",
            dependencies: [
                "EngramTestSupport",
                "EngramStorage", "EngramCore", "EngramClient", "EngramWire", "CSQLite", "EngramExtraction",
                "EngramServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EngramServerTests",
            dependencies: [
                "EngramTestSupport", "EngramServerTestSupport", "EngramNIO",
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                "EngramServer", "EngramClient", "EngramWire", "EngramCore", "EngramEmbeddings",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EngramHTTPTests",
            dependencies: [
                "EngramTestSupport", "EngramServerTestSupport", "EngramHTTP", "EngramServer", "EngramWire",
                "EngramCore",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EngramCLITests",
            dependencies: [
                "EngramTestSupport", "EngramServerTestSupport",
                "EngramCLI", "EngramLoad", "EngramMCP", "EngramServer", "EngramClient", "EngramWire", "EngramCore",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
    ]
)
