import Foundation
import Testing

@testable import KeepalivedConfig

/// What we print, keepalived itself accepts: `keepalived -t` reads the printed VRRP sections in a
/// network namespace of the test's own, whose interfaces eth0...eth3 the configurations name.
@Suite(
    "VRRP printing accepted by keepalived",
    .enabled(if: getuid() == 0, "needs root: creates a network namespace"),
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/keepalived"),
        "needs keepalived installed (apt-get install keepalived)"))
struct VRRPModelKeepalivedTests {
    /// A namespace with veth pairs eth0/eth1 and eth2/eth3, removed on every path by `close`.
    final class Namespace {
        let name: String

        init() throws {
            name = "vrrpmodel-\(getpid())-\(UUID().uuidString.prefix(8))"
            try Self.run("/usr/sbin/ip", ["netns", "add", name])
            do {
                for (a, b) in [("eth0", "eth1"), ("eth2", "eth3")] {
                    try Self.run("/usr/sbin/ip", ["-n", name, "link", "add", a, "type", "veth", "peer", "name", b])
                }
                for link in ["lo", "eth0", "eth1", "eth2", "eth3"] {
                    try Self.run("/usr/sbin/ip", ["-n", name, "link", "set", link, "up"])
                }
            } catch {
                close()
                throw error
            }
        }

        func close() {
            _ = try? Self.run("/usr/sbin/ip", ["netns", "delete", name])
        }

        struct Failure: Error, CustomStringConvertible {
            var description: String
        }

        @discardableResult
        static func run(_ tool: String, _ arguments: [String], check: Bool = true) throws -> (
            status: Int32, output: String
        ) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let output = String(decoding: data, as: UTF8.self)
            if check && process.terminationStatus != 0 {
                throw Failure(description: "ip \(arguments.joined(separator: " ")): \(output)")
            }
            return (process.terminationStatus, output)
        }

        /// keepalived's complaints about `text`: unknown keywords, invalid or missing values.
        func keepalivedComplaints(_ text: String) throws -> [String] {
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("vrrpmodel-\(getpid())-\(UUID().uuidString).conf").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let (_, output) = try Self.run(
                "/usr/sbin/ip", ["netns", "exec", name, "/usr/sbin/keepalived", "-t", "-l", "-n", "-f", path],
                check: false)
            let markers = ["Unknown keyword", "nvalid", "rror", "missing", "outside range", "not valid", "MUST"]
            return output.split(separator: "\n").map(String.init).filter { line in
                markers.contains { line.contains($0) }
            }
        }
    }

    /// Only the sections this model prints, so the check does not depend on the LVS printer.
    static func vrrpText(_ configuration: KeepalivedConfiguration) -> String {
        var vrrp = configuration
        vrrp.virtualServerGroups = []
        vrrp.virtualServers = []
        return vrrp.rendered
    }

    /// The check is not vacuous: keepalived's complaints about a bad keyword are seen.
    @Test func complaintsAreSeen() throws {
        let namespace = try Namespace()
        defer { namespace.close() }
        let complaints = try namespace.keepalivedComplaints(
            ConfigErrorsTests.instance("    frobnicate 1\n    priority 300"))
        #expect(complaints.count >= 2, "\(complaints)")
    }

    @Test func printedRichConfigurationIsAccepted() throws {
        let namespace = try Namespace()
        defer { namespace.close() }
        let printed = Self.vrrpText(try VRRPModelText.model(RichConfiguration.text))
        #expect(try namespace.keepalivedComplaints(printed) == [])
    }

    @Test func printedSamplesAreAccepted() throws {
        let namespace = try Namespace()
        defer { namespace.close() }
        for file in try VRRPModelText.sampleFiles() {
            let printed = Self.vrrpText(try VRRPModelText.loadFile(file).configuration)
            let complaints = try namespace.keepalivedComplaints(printed)
            #expect(complaints == [], "\(file)")
        }
    }

    /// The checks this model makes are the ones keepalived makes: a refused input is refused
    /// by keepalived too.
    @Test(arguments: [
        "    priority 0", "    advert_int 1.5", "    state PRIMARY",
        "    track_interface {\n        eth1 weight 254\n    }",
    ])
    func refusedInputIsRefusedByKeepalived(body: String) throws {
        let namespace = try Namespace()
        defer { namespace.close() }
        let text = ConfigErrorsTests.instance(body)
        #expect(!VRRPModelText.errors(text).isEmpty)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vrrpmodel-\(getpid())-\(UUID().uuidString).conf"
        ).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (keepalivedStatus, output) = try Namespace.run(
            "/usr/sbin/ip", ["netns", "exec", namespace.name, "/usr/sbin/keepalived", "-t", "-l", "-n", "-f", path],
            check: false)
        #expect(keepalivedStatus != 0, "keepalived accepted:\n\(text)\n\(output)")
    }
}
