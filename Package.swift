// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Herald",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "herald", targets: ["herald"]),
        .executable(name: "herald-bench", targets: ["herald-bench"]),
        .library(name: "HeraldCore", targets: ["HeraldCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        // libwebsockets, imported through a shim header.
        .systemLibrary(
            name: "CLibWebSockets",
            pkgConfig: "libwebsockets",
            providers: [.apt(["libwebsockets-dev"])]
        ),
        // JSON value type, parser, writer, Kuzzle request/response/error frames.
        .target(name: "HeraldWire"),
        // Koncorde filter language: validation, normalization, indexed matching.
        .target(name: "Koncorde", dependencies: ["HeraldWire"]),
        // In-memory indexes, collections and versioned documents.
        .target(name: "HeraldStore", dependencies: ["HeraldWire"]),
        // Controllers, rooms and notifier; knows nothing of sockets.
        .target(
            name: "HeraldCore",
            dependencies: [
                "HeraldWire", "Koncorde", "HeraldStore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // TCP socket figures the HTTP server reads (Linux `tcp_info`, which the shim cannot include).
        .target(name: "CHeraldSocketInfo"),
        // libwebsockets server: event loop, framing, outbound queues.
        .target(
            name: "HeraldTransport",
            dependencies: [
                "CLibWebSockets", "CHeraldSocketInfo",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Operations: configuration (file, environment, flags), JSON logs, Prometheus text format.
        .target(
            name: "HeraldOperations",
            dependencies: ["HeraldWire", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "herald",
            dependencies: [
                "HeraldCore", "HeraldTransport", "HeraldOperations",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The browser test page served at `/`.
            resources: [.copy("Page")]
        ),
        // Linux calls the load generator needs beyond Swift's Glibc module (epoll, memmem).
        .target(name: "CHeraldBenchSys"),
        // Load generator engine: epoll client pool, WebSocket client, Kuzzle and NATS scenarios.
        .target(
            name: "HeraldBenchKit",
            dependencies: ["CHeraldBenchSys", .product(name: "Histogram", package: "hdrhistogram-swift")]
        ),
        .executableTarget(
            name: "herald-bench",
            dependencies: ["HeraldBenchKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "HeraldBenchKitTests", dependencies: ["HeraldBenchKit"]),
        .testTarget(name: "HeraldWireTests", dependencies: ["HeraldWire"]),
        .testTarget(name: "KoncordeTests", dependencies: ["Koncorde", "HeraldWire"]),
        .testTarget(name: "HeraldStoreTests", dependencies: ["HeraldStore", "HeraldWire"]),
        .testTarget(
            name: "HeraldTransportTests",
            dependencies: ["HeraldTransport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "HeraldOperationsTests",
            dependencies: ["HeraldOperations", "HeraldWire", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "HeraldCoreTests", dependencies: ["HeraldCore", "HeraldWire", "Koncorde", "HeraldStore"]),
    ]
)

// Strict settings for every Swift target.
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
