// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

let package = Package(
    name: "Engram",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EngramWire", targets: ["EngramWire"]),
        .library(name: "EngramCore", targets: ["EngramCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        // Frames and hand-written protobuf codecs. Depends on nothing.
        .target(name: "EngramWire", swiftSettings: strict),
        // The in-memory engine. Knows nothing of sockets or bytes.
        .target(
            name: "EngramCore",
            dependencies: [.product(name: "HashTreeCollections", package: "swift-collections")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "engram-bench",
            dependencies: ["EngramWire", "EngramCore"],
            swiftSettings: strict
        ),
        .testTarget(name: "EngramWireTests", dependencies: ["EngramWire"], swiftSettings: strict),
        .testTarget(name: "EngramCoreTests", dependencies: ["EngramCore"], swiftSettings: strict),
    ]
)
