// swift-tools-version: 6.0
import PackageDescription

/// Settings shared by every target we own: Swift 6 language mode comes from the tools version;
/// these upcoming features keep existentials explicit and imports honest.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "dltaf",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "dltaf", targets: ["dltaf"]),
        .library(name: "DltafPluginKit", targets: ["DltafPluginKit"]),
        // Sample plugins, named by the flat PATH convention `dltaf-plugin-<spec with . as ->`.
        .executable(name: "dltaf-plugin-samples-swift-hello_runner", targets: ["SampleHelloRunner"]),
        .executable(name: "dltaf-plugin-samples-swift-noop_runner", targets: ["SampleNoopRunner"]),
        .executable(name: "dltaf-plugin-samples-swift-audit_hook", targets: ["SampleAuditHook"]),
        .executable(name: "dltaf-plugin-samples-swift-port_check", targets: ["SamplePortCheck"]),
        // Benchmark drivers (see `make bench`).
        .executable(name: "dltaf-bench", targets: ["DltafBench"]),
        .executable(name: "dltaf-plugin-bench-flood", targets: ["BenchFloodPlugin"]),
        .executable(name: "dltaf-load-probe", targets: ["DltafLoadProbe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "DltafYAML", dependencies: ["CLibYAML"], swiftSettings: strictSettings),
        .target(name: "CDltafShims"),
        // libcurl, libpq and libsqlite3, opened with dlopen on first use (docs/architecture.md: start-up cost).
        .target(name: "CDltafClients", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "DltafClients", dependencies: ["CDltafClients", "DltafJSON"], swiftSettings: strictSettings),
        .target(
            name: "DltafLoad", dependencies: ["CDltafClients", "DltafJSON", "DltafProtocol"],
            swiftSettings: strictSettings
        ),
        // The built-in `sqldb` runner: SQL sources (PostgreSQL, SQLite, MariaDB) read straight into DltafLoad.
        .target(
            name: "DltafSQLDB",
            dependencies: ["CDltafClients", "DltafJSON", "DltafLoad", "DltafManifest", "DltafProtocol"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DltafSecrets",
            dependencies: ["DltafClients", "DltafJSON", "DltafManifest"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DltafDoctor",
            dependencies: ["DltafManifest", "DltafYAML", "DltafJSON"],
            swiftSettings: strictSettings
        ),
        .target(name: "DltafJSON", swiftSettings: strictSettings),
        .target(name: "DltafProtocol", dependencies: ["DltafJSON"], swiftSettings: strictSettings),
        .target(
            name: "DltafManifest",
            dependencies: ["DltafYAML", "DltafJSON"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DltafPluginHost",
            dependencies: [
                "DltafJSON", "DltafProtocol", "CDltafShims", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DltafRun",
            dependencies: [
                "DltafJSON", "DltafProtocol", "DltafManifest", "DltafPluginHost", "DltafYAML", "DltafClients",
                "DltafSecrets", "DltafLoad", "DltafSQLDB",
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DltafLint",
            dependencies: [
                "DltafRun", "DltafJSON", "DltafManifest", "DltafPluginHost", "DltafProtocol", "DltafClients",
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DltafInspect",
            dependencies: ["DltafRun", "DltafJSON", "DltafManifest", "DltafPluginHost", "DltafProtocol"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DltafConformance",
            dependencies: ["DltafJSON", "DltafProtocol", "DltafPluginHost"],
            swiftSettings: strictSettings
        ),
        .target(name: "DltafPluginKit", dependencies: ["DltafJSON", "DltafProtocol"], swiftSettings: strictSettings),
        .target(name: "DltafScaffold", dependencies: ["DltafJSON", "DltafPluginHost"], swiftSettings: strictSettings),
        .executableTarget(
            name: "dltaf",
            dependencies: [
                "DltafRun", "DltafLint", "DltafInspect", "DltafManifest", "DltafPluginHost", "DltafJSON",
                "DltafConformance", "CDltafShims",
                "DltafScaffold", "DltafDoctor", "DltafSecrets",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "SampleHelloRunner",
            dependencies: ["DltafPluginKit"],
            path: "samples/swift/HelloRunner",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "SampleNoopRunner",
            dependencies: ["DltafPluginKit"],
            path: "samples/swift/NoopRunner",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "SampleAuditHook",
            dependencies: ["DltafPluginKit"],
            path: "samples/swift/AuditHook",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "SamplePortCheck",
            dependencies: ["DltafPluginKit"],
            path: "samples/swift/PortCheck",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "DltafBench",
            dependencies: ["DltafPluginHost", "DltafJSON", "DltafProtocol"],
            path: "Benchmarks/DltafBench",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "BenchFloodPlugin",
            dependencies: ["DltafJSON", "DltafProtocol"],
            path: "Benchmarks/BenchFloodPlugin",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "DltafLoadProbe",
            dependencies: ["DltafLoad", "DltafJSON", "DltafTestSupport"],
            path: "Benchmarks/DltafLoadProbe",
            swiftSettings: strictSettings
        ),
        .testTarget(name: "DltafYAMLTests", dependencies: ["DltafYAML"], swiftSettings: strictSettings),
        .testTarget(name: "DltafJSONTests", dependencies: ["DltafJSON"], swiftSettings: strictSettings),
        .testTarget(
            name: "DltafManifestTests",
            dependencies: ["DltafManifest", "DltafJSON", "DltafYAML"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "DltafTestSupport",
            dependencies: ["DltafJSON"],
            path: "Tests/DltafTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DltafPluginHostTests",
            dependencies: ["DltafPluginHost", "DltafProtocol", "DltafJSON", "DltafTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DltafCLITests",
            dependencies: ["DltafJSON", "DltafTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DltafProtocolTests", dependencies: ["DltafProtocol", "DltafJSON"], swiftSettings: strictSettings),
        .testTarget(
            name: "DltafPluginKitTests",
            dependencies: ["DltafPluginKit", "DltafProtocol", "DltafJSON"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DltafRunTests",
            dependencies: [
                "DltafRun", "DltafLint", "DltafJSON", "DltafManifest", "DltafProtocol", "DltafPluginHost", "DltafLoad",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DltafScaffoldTests",
            dependencies: ["DltafScaffold", "DltafJSON", "DltafTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DltafClientsTests",
            dependencies: ["DltafClients", "DltafJSON", "DltafTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DltafLoadTests",
            dependencies: ["DltafLoad", "DltafJSON", "DltafTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DltafSQLDBTests",
            dependencies: ["DltafSQLDB", "DltafLoad", "DltafJSON", "DltafTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DltafSecretsTests",
            dependencies: ["DltafSecrets", "DltafManifest", "DltafJSON", "DltafTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DltafDoctorTests",
            dependencies: ["DltafDoctor", "DltafManifest", "DltafTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DltafFaultTests",
            dependencies: ["DltafJSON", "DltafTestSupport"],
            swiftSettings: strictSettings
        ),
    ]
)
