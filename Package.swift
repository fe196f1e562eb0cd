// swift-tools-version:6.2
import PackageDescription

/// Upcoming language features the whole package opts into (Swift 6 language mode is the default).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "swarm-ipvs-exporter",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "swarm-ipvs-exporter", targets: ["swarm-ipvs-exporter"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // libnl-3 and libnl-genl-3, plus the kernel uapi headers for rtnetlink, IPVS and conntrack.
        .systemLibrary(
            name: "CNetlink",
            pkgConfig: "libnl-genl-3.0",
            providers: [.apt(["libnl-3-dev", "libnl-genl-3-dev"])]
        ),
        // The few Linux calls Swift cannot see without _GNU_SOURCE (setns, unshare, gettid).
        .target(
            name: "CLinux",
            cSettings: [.define("_GNU_SOURCE")]
        ),
        // What Netlink and ExporterCore share of the C library: errno as an error, Duration as timeval/timespec.
        .target(
            name: "LinuxSystem",
            dependencies: ["CLinux"],
            swiftSettings: swiftSettings
        ),
        // The Swift face of netlink: sockets through libnl, pure parsing of replies.
        .target(
            name: "Netlink",
            dependencies: ["CNetlink", "CLinux", "LinuxSystem"],
            swiftSettings: swiftSettings
        ),
        // Collector protocol, metric model, exposition encoder, namespaces, scrape orchestration.
        .target(
            name: "ExporterCore",
            dependencies: [
                "CLinux", "LinuxSystem",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Every collector, one folder each. The plugin generates the registry of all of them.
        .target(
            name: "Collectors",
            dependencies: [
                "ExporterCore", "Netlink", "CNetlink", "SwarmDiscovery",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["CollectorRegistryPlugin"]
        ),
        // The Docker Engine API client that names Swarm's load balancers, the snapshot of those
        // names that collectors read, and the client's error metric.
        .target(
            name: "SwarmDiscovery",
            dependencies: [
                "ExporterCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // libyaml, linked from its static archive (see Sources/CYAML/module.modulemap).
        .systemLibrary(
            name: "CYAML",
            providers: [.apt(["libyaml-dev"])]
        ),
        // The YAML of configuration files: libyaml's events built into a small tree, without
        // Foundation (see ARCHITECTURE.md, "Choices").
        .target(
            name: "YAMLReader",
            dependencies: ["CYAML"],
            swiftSettings: swiftSettings
        ),
        // libxcrypt's crypt_r, for the bcrypt hashes of --web.config.file's basic_auth_users.
        .systemLibrary(
            name: "CCrypt",
            providers: [.apt(["libcrypt-dev"])]
        ),
        // --web.config.file (the Prometheus exporter-toolkit format): TLS, client certificates,
        // basic auth, reloaded when the files change.
        .target(
            name: "WebSecurity",
            dependencies: [
                "CCrypt",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                "YAMLReader",
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "CollectorRegistryGenerator",
            swiftSettings: swiftSettings
        ),
        .plugin(
            name: "CollectorRegistryPlugin",
            capability: .buildTool(),
            dependencies: ["CollectorRegistryGenerator"]
        ),
        .executableTarget(
            name: "BuildInfoGenerator",
            swiftSettings: swiftSettings
        ),
        .plugin(
            name: "BuildInfoPlugin",
            capability: .buildTool(),
            dependencies: ["BuildInfoGenerator"]
        ),
        .executableTarget(
            name: "swarm-ipvs-exporter",
            dependencies: [
                "ExporterCore", "Collectors", "SwarmDiscovery", "WebSecurity", "CLinux", "LinuxSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "CompressNIO", package: "compress-nio"),
                "YAMLReader",
            ],
            swiftSettings: swiftSettings,
            plugins: ["BuildInfoPlugin"]
        ),
        // The exporter's user-space share of an IPVS scrape on a synthesized table (scripts/bench, profiling).
        .executableTarget(
            name: "ipvs-scrape-bench",
            dependencies: [
                "Collectors", "ExporterCore", "Netlink", "CNetlink", "SwarmDiscovery",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // What several test targets share (a seeded random generator).
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        // Fakes for the core's seams (namespaces, collectors) and a captured log, for in-process tests.
        .target(
            name: "CoreTestSupport",
            dependencies: [
                "ExporterCore", "LinuxSystem",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Tests/CoreTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ExporterCoreTests",
            dependencies: [
                "ExporterCore", "LinuxSystem", "CoreTestSupport",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetlinkTests",
            dependencies: ["Netlink", "TestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CollectorsTests",
            dependencies: ["Collectors", "ExporterCore", "Netlink", "SwarmDiscovery", "TestSupport"],
            exclude: ["Fixtures"],  // read through #filePath, next to the Netlink fixtures
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwarmDiscoveryTests",
            dependencies: ["SwarmDiscovery", "ExporterCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WebSecurityTests",
            dependencies: ["WebSecurity"],
            swiftSettings: swiftSettings
        ),
        // YAMLReader checked against Yams, a second reading of the same YAML, as the oracle. Yams is asked
        // in a process of its own (yams-oracle): its copy of libyaml, linked into the test bundle,
        // would take the place of the system libyaml that YAMLReader ships with.
        .executableTarget(
            name: "yams-oracle",
            dependencies: [.product(name: "Yams", package: "Yams")],
            path: "Tests/YamsOracle",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "YAMLReaderTests",
            dependencies: ["YAMLReader", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        // The executable's HTTP layer called in process (no socket, no root).
        .testTarget(
            name: "HTTPTests",
            dependencies: [
                "swarm-ipvs-exporter", "ExporterCore", "CoreTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["ExporterCore", "TestSupport", "LinuxSystem"],
            swiftSettings: swiftSettings
        ),
    ]
)
