import Foundation
import VRRP

/// Debian's keepalived running in the foreground inside a test namespace, with its pid files
/// and console log in a private temporary directory.
final class KeepalivedProcess {
    static let executable = "/usr/sbin/keepalived"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    let directory: URL
    let logFile: URL
    private let process = Process()

    /// Starts `keepalived -n -l -D -P` with `configuration` inside `namespace`.
    init(namespace: String, configuration: String) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kavrrp-keepalived-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        logFile = directory.appendingPathComponent("keepalived.log")
        let configFile = directory.appendingPathComponent("keepalived.conf")
        do {
            try configuration.write(to: configFile, atomically: true, encoding: .utf8)
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
            let log = try FileHandle(forWritingTo: logFile)
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
            process.arguments = [
                "netns", "exec", namespace, Self.executable, "-n", "-l", "-D", "-P",
                "-f", configFile.path,
                "-p", directory.appendingPathComponent("keepalived.pid").path,
                "-r", directory.appendingPathComponent("vrrp.pid").path,
                "-c", directory.appendingPathComponent("checkers.pid").path,
            ]
            process.standardOutput = log
            process.standardError = log
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    private var finalLog: String?

    /// Runs `body` with keepalived started, and stops it on every path.
    static func with<Result>(
        namespace: String, configuration: String, _ body: (KeepalivedProcess) async throws -> Result
    ) async throws -> Result {
        let keepalived = try KeepalivedProcess(namespace: namespace, configuration: configuration)
        do {
            let result = try await body(keepalived)
            await keepalived.stop()
            return result
        } catch {
            await keepalived.stop()
            throw error
        }
    }

    /// The console log so far; after `stop()`, the whole log.
    var log: String {
        finalLog ?? (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// Waits until the log holds `text` `occurrences` times; fails after 20 s (hang guard).
    func waitForLog(_ text: String, occurrences: Int = 1) async throws {
        for _ in 0..<400 {
            if log.components(separatedBy: text).count - 1 >= occurrences { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("keepalived never logged \"\(text)\" ×\(occurrences); log:\n\(log)")
    }

    /// SIGTERM, then waits; SIGKILL to parent and VRRP child if it does not stop. Removes the
    /// temporary directory.
    func stop() async {
        defer {
            finalLog = log
            try? FileManager.default.removeItem(at: directory)
        }
        if process.isRunning { process.terminate() }
        for _ in 0..<200 where process.isRunning {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            let childPid = (try? String(contentsOf: directory.appendingPathComponent("vrrp.pid"), encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if let childPid { kill(childPid, SIGKILL) }
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }
}

/// One keepalived `vrrp_instance` as the tests configure it, and the advert it sends.
struct KeepalivedInstance {
    var version: VRRPAdvert.Version
    var interface: String
    var virtualRouterID: UInt8
    var priority: UInt8
    var virtualAddress: InetAddress
    /// VRRPv2 only: `auth_type PASS`.
    var password: String? = nil

    /// A fractional interval for VRRPv3 (0.5 s), the smallest whole one for VRRPv2 (1 s). Not
    /// 0.1 s: a loaded CI machine stalled the test's 50 ms sender past keepalived's 0.36 s
    /// Master_Down_Interval, and keepalived rightly took over in the middle of the exchange.
    var advertIntervalText: String { version == .v3 ? "0.5" : "1" }
    /// The same interval in the advert's wire unit (centiseconds for v3, seconds for v2).
    var advertIntervalOnWire: UInt16 { version == .v3 ? 50 : 1 }

    /// The advert this instance sends, or the one a peer of `priority` sends.
    func advert(priority: UInt8? = nil) -> VRRPAdvert {
        VRRPAdvert(
            version: version, virtualRouterID: virtualRouterID, priority: priority ?? self.priority,
            advertInterval: advertIntervalOnWire, addresses: [virtualAddress],
            authentication: password.map { .password(VRRPAdvert.Password($0)) } ?? .none)
    }

    var configuration: String {
        let authentication =
            password.map {
                """
                    authentication {
                        auth_type PASS
                        auth_pass \($0)
                    }

                """
            } ?? ""
        return """
            global_defs {
                router_id kavrrp_test
            }
            vrrp_instance VI_1 {
                version \(version.rawValue)
                state MASTER
                interface \(interface)
                virtual_router_id \(virtualRouterID)
                priority \(priority)
                advert_int \(advertIntervalText)
            \(authentication)    virtual_ipaddress {
                    \(virtualAddress)/32
                }
            }

            """
    }

    static func forTest(_ version: VRRPAdvert.Version, _ net: NamespacePair, vrid: UInt8, priority: UInt8) -> Self {
        KeepalivedInstance(
            version: version, interface: net.interfaceA, virtualRouterID: vrid, priority: priority,
            virtualAddress: net.address(100), password: version == .v2 ? "ka51pw" : nil)
    }
}
