import Foundation
import Testing

@testable import KeepalivedConfig

/// What we print, keepalived itself accepts: `keepalived -t` checks the printed LVS sections.
@Suite(
    "LVS printing accepted by keepalived",
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/keepalived"),
        "needs keepalived installed (apt-get install keepalived)"))
struct LVSKeepalivedTests {
    /// Runs `keepalived -t` on `text`; returns its exit status and its complaints.
    static func keepalivedCheck(_ text: String) throws -> (status: Int32, output: [String]) {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("lvs-\(getpid())-\(UUID().uuidString).conf").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/keepalived")
        process.arguments = ["-t", "-l", "-n", "-f", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        let complaints = lines.filter {
            $0.contains("Unknown keyword") || $0.contains("Invalid") || $0.contains("rror")
        }
        return (process.terminationStatus, complaints)
    }

    /// Only the LVS sections, so the check does not depend on the other models' printers.
    static func lvsText(_ configuration: KeepalivedConfiguration) -> String {
        var lvs = KeepalivedConfiguration()
        lvs.virtualServerGroups = configuration.virtualServerGroups
        lvs.virtualServers = configuration.virtualServers
        lvs.trackFiles = configuration.trackFiles
        return lvs.rendered
    }

    @Test func richConfig() throws {
        let printed = Self.lvsText(LVSText.model(richLVSConfig))
        let (status, complaints) = try Self.keepalivedCheck(printed)
        #expect(status == 0)
        #expect(complaints == [])
    }

    @Test(arguments: [
        "keepalived.conf.sample", "keepalived.conf.SMTP_CHECK", "keepalived.conf.status_code",
        "keepalived.conf.virtual_server_group", "keepalived.conf.UDP_CHECK", "keepalived.conf.quorum",
    ])
    func sample(name: String) throws {
        let (_, complaints) = try Self.keepalivedCheck(Self.lvsText(try LVSText.sample(name)))
        #expect(complaints == [])
    }
}
