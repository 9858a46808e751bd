// swift-tools-version: 6.1
import PackageDescription

// Layering: pure libraries (KeepalivedConfig, VRRP) <- system adapters (DBus, Netlink, Systemd)
// <- DaemonKit <- thin executables. C interop stays inside the C* targets and their one wrapper each.
let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "keepalive",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vrrpd", targets: ["vrrpd"]),
        .executable(name: "checkd", targets: ["checkd"]),
        .executable(name: "ipvsd", targets: ["ipvsd"]),
        .executable(name: "kactl", targets: ["kactl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C libraries, one per pkg-config file.
        .systemLibrary(name: "CDBus", pkgConfig: "dbus-1", providers: [.apt(["libdbus-1-dev"])]),
        .systemLibrary(name: "CNetlink", pkgConfig: "libnl-route-3.0", providers: [.apt(["libnl-route-3-dev"])]),
        .systemLibrary(name: "CNetlinkGenl", pkgConfig: "libnl-genl-3.0", providers: [.apt(["libnl-genl-3-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // Linux socket headers Glibc lacks (packet sockets, ARP, IP_PKTINFO, cmsg macros); libc only.
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        // pidfd_open and posix_spawn's close-from action for ScriptRunner; libc only.
        .systemLibrary(name: "CProcess", path: "Sources/CProcess"),

        // Pure libraries.
        .target(name: "KeepalivedConfig", swiftSettings: strict),
        // Crypto for keepalived's `auth_type AH` (HMAC-MD5-96).
        .target(
            name: "VRRP", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: strict),

        // System adapters.
        .target(
            name: "DBus",
            dependencies: ["CDBus", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .target(
            name: "Netlink",
            dependencies: ["CNetlink", "CNetlinkGenl"],
            swiftSettings: strict),
        // The kernel IPVS table over generic netlink (libnl-genl).
        .target(name: "IPVS", dependencies: ["CNetlinkGenl", "Netlink"], swiftSettings: strict),
        .target(name: "VRRPSockets", dependencies: ["CLinux", "VRRP"], swiftSettings: strict),
        .target(
            name: "Systemd",
            dependencies: [
                "CSystemd",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),

        // Real-server probes on swift-nio (TCP, HTTP, SSL, SMTP, DNS, UDP, PING) plus MISC and FILE.
        .target(
            name: "HealthCheckers",
            dependencies: [
                "KeepalivedConfig", "ScriptRunner", "CLinux",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // keepalived's SMTP alerts (notification_email), shared by vrrpd and checkd.
        .target(
            name: "SMTPAlert",
            dependencies: [
                "KeepalivedConfig",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // The one place external programs run: notify scripts, vrrp_script, MISC_CHECK.
        .target(name: "ScriptRunner", dependencies: ["CProcess"], swiftSettings: strict),

        // What every daemon shares: config loading, bus name, root object, lifecycle.
        .target(
            name: "DaemonKit",
            dependencies: [
                "KeepalivedConfig", "DBus", "Systemd",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .target(
            name: "VRRPDaemon",
            dependencies: [
                "VRRP", "VRRPSockets", "Netlink", "DBus", "DaemonKit", "KeepalivedConfig", "SMTPAlert",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "CheckDaemon",
            dependencies: [
                "HealthCheckers", "ScriptRunner", "SMTPAlert", "DBus", "DaemonKit", "KeepalivedConfig",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .target(
            name: "IPVSDaemon",
            dependencies: [
                "IPVS", "Netlink", "ScriptRunner", "DBus", "DaemonKit", "KeepalivedConfig",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "KactlCommands",
            dependencies: [
                "KeepalivedConfig", "DBus", "VRRP", "VRRPSockets", "HealthCheckers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),

        // Thin executables.
        .executableTarget(name: "vrrpd", dependencies: ["DaemonKit", "VRRPDaemon"], swiftSettings: strict),
        .executableTarget(name: "checkd", dependencies: ["DaemonKit", "CheckDaemon"], swiftSettings: strict),
        .executableTarget(name: "ipvsd", dependencies: ["DaemonKit", "IPVSDaemon"], swiftSettings: strict),
        .executableTarget(name: "kactl", dependencies: ["KactlCommands"], swiftSettings: strict),

        // Runs inside the IPVS test VM (scripts/ipvs-vm): the IPVS module against a real kernel table.
        .executableTarget(name: "ipvs-vm-test", dependencies: ["IPVS", "Netlink", "CLinux"], swiftSettings: strict),

        // Fuzzing (scripts/fuzz): every decoder fed arbitrary bytes; the executable replays inputs
        // when built without -sanitize=fuzzer.
        .target(name: "FuzzTargets", dependencies: ["VRRP", "KeepalivedConfig", "DBus"], swiftSettings: strict),
        .executableTarget(name: "keepalive-fuzz", dependencies: ["FuzzTargets"], swiftSettings: strict),

        // Benchmarks: print numbers, assert nothing.
        .executableTarget(
            name: "dbus-benchmark", dependencies: ["DBus"], path: "Benchmarks/DBusBenchmark", swiftSettings: strict),
        .executableTarget(
            name: "check-throughput",
            dependencies: [
                "HealthCheckers", "KeepalivedConfig",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/CheckThroughput", swiftSettings: strict),

        // Tests, and what they share: child processes, a private dbus-daemon, repository paths.
        .target(
            name: "KeepaliveTestSupport", dependencies: ["DBus"], path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "KeepalivedConfigTests", dependencies: ["KeepalivedConfig"], swiftSettings: strict),
        .testTarget(name: "VRRPTests", dependencies: ["VRRP"], swiftSettings: strict),
        .testTarget(
            name: "VRRPSocketsTests", dependencies: ["VRRPSockets", "VRRP", "CLinux"], swiftSettings: strict),
        .testTarget(
            name: "VRRPDaemonTests", dependencies: ["VRRPDaemon", "KeepalivedConfig", "VRRP", "DBus"],
            swiftSettings: strict),
        .testTarget(name: "DBusTests", dependencies: ["DBus", "KeepaliveTestSupport"], swiftSettings: strict),
        .testTarget(name: "IPVSTests", dependencies: ["IPVS", "Netlink", "CNetlinkGenl"], swiftSettings: strict),
        .testTarget(name: "NetlinkTests", dependencies: ["Netlink"], swiftSettings: strict),
        .testTarget(name: "ScriptRunnerTests", dependencies: ["ScriptRunner"], swiftSettings: strict),
        .testTarget(
            name: "HealthCheckersTests",
            dependencies: [
                "HealthCheckers", "KeepalivedConfig", "KeepaliveTestSupport", "ScriptRunner",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "CheckDaemonTests", dependencies: ["CheckDaemon", "HealthCheckers", "KeepalivedConfig", "KeepaliveTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "IPVSDaemonTests",
            dependencies: [
                "IPVSDaemon", "IPVS", "Netlink", "KeepalivedConfig", "DBus", "DaemonKit", "KeepaliveTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "SMTPAlertTests", dependencies: ["SMTPAlert", "KeepalivedConfig", "KeepaliveTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "FuzzTargetsTests", dependencies: ["FuzzTargets", "DBus", "VRRP", "KeepalivedConfig"], swiftSettings: strict),
        .testTarget(name: "SystemdTests", dependencies: ["Systemd"], swiftSettings: strict),
        .testTarget(
            name: "IntegrationTests", dependencies: ["DaemonKit", "KactlCommands", "KeepaliveTestSupport"], swiftSettings: strict),
    ]
)
