// swift-tools-version:6.1
import PackageDescription

/// adm: an interactive, scriptable shell for the OpenAI Admin API.
///
/// Dependencies point one way: adm → AdmShell → AdmAPI, adm → AdmSandbox → AdmAPI,
/// adm → AdmHTTP → AdmAPI, adm → CEditLine, AdmHTTP → CInterrupt (its self-pipes). AdmAPI and AdmShell know no networking library (a
/// `Transport` is handed to them), so the language builds and fuzzes without NIO. The products link no Foundation at all (only the tests use it), which keeps
/// the static binary small and its start-up fast.
let package = Package(
    name: "adm",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "adm", targets: ["adm"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        .target(name: "CInterrupt"),
        .target(
            name: "AdmAPI",
            dependencies: [
                .product(name: "SystemPackage", package: "swift-system")
            ]
        ),
        .target(
            name: "AdmHTTP",
            dependencies: [
                "AdmAPI", "CInterrupt",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "AdmSandbox",
            dependencies: [
                "AdmAPI", "AdmHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "AdmShell",
            dependencies: ["AdmAPI"]
        ),
        .executableTarget(
            name: "adm",
            dependencies: [
                "AdmShell", "AdmSandbox", "AdmAPI", "AdmHTTP", "CEditLine", "CInterrupt",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "AdmTestSupport",
            dependencies: ["AdmAPI", "AdmHTTP", "AdmSandbox", "AdmShell"],
            path: "Tests/Support"
        ),
        .executableTarget(
            name: "adm-bench",
            dependencies: ["AdmShell", "AdmSandbox", "AdmAPI", "AdmHTTP"],
            path: "Sources/adm-bench"
        ),
        .executableTarget(
            name: "adm-fuzz",
            dependencies: ["AdmShell", "AdmAPI"],
            path: "Sources/adm-fuzz"
        ),
        .testTarget(name: "AdmAPITests", dependencies: ["AdmAPI", "AdmHTTP", "AdmTestSupport"]),
        .testTarget(name: "AdmSandboxTests", dependencies: ["AdmSandbox", "AdmAPI", "AdmTestSupport"]),
        .testTarget(name: "AdmShellTests", dependencies: ["AdmShell", "AdmSandbox", "AdmAPI", "AdmTestSupport"]),
        .testTarget(name: "AdmCLITests", dependencies: ["adm"]),
        .testTarget(name: "EndToEndTests", dependencies: ["AdmAPI", "AdmHTTP", "AdmTestSupport"]),
    ]
)
