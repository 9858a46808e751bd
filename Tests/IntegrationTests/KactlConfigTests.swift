import Foundation
import KeepaliveTestSupport
import Testing

/// `kactl config check` and `kactl config dump`, run as a user would run them.
struct KactlConfigTests {
    static let samples: [String] = {
        let directory = "/usr/share/doc/keepalived/samples"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("keepalived.conf") }.sorted().map { "\(directory)/\($0)" }
    }()

    @Test func theSamplesAreThere() {
        #expect(Self.samples.count >= 20, "install Debian's keepalived package: its samples are the test data")
    }

    @Test(arguments: samples)
    func checkAcceptsEverySampleAndItsDumpReadsBackTheSame(sample: String) async throws {
        let kactl = try Repository.binary("kactl")
        let check = try await run(kactl, ["config", "check", "-f", sample])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("OK"))

        let dump = try await run(kactl, ["config", "dump", "-f", sample])
        #expect(dump.status == 0)
        let directory = try Repository.temporaryDirectory("kactl")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let printed = directory + "/printed.conf"
        try dump.stdout.write(toFile: printed, atomically: true, encoding: .utf8)
        let again = try await run(kactl, ["config", "dump", "-f", printed])
        #expect(again.stdout == dump.stdout)
    }

    @Test func checkRefusesABadLineWithItsLocationAndExitsNonZero() async throws {
        let directory = try Repository.temporaryDirectory("kactl")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/bad.conf"
        try "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 300\n}\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let check = try await run(try Repository.binary("kactl"), ["config", "check", "-f", file])
        #expect(check.status == 1)
        #expect(check.stderr.contains("\(file):3:23: error:"))
        #expect(check.stderr.contains("refused: 1 error"))
    }

    @Test func dumpJSONIsTheModel() async throws {
        let dump = try await run(
            try Repository.binary("kactl"),
            ["config", "dump", "--json", "-f", "\(Repository.root)/examples/keepalived.conf"])
        #expect(dump.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        let instances = try #require(json["instances"] as? [[String: Any]])
        #expect(instances.first?["name"] as? String == "VI_1")
        #expect(instances.first?["virtualRouterID"] as? Int == 51)
        #expect((json["virtualServers"] as? [Any])?.count == 1)
    }

    @Test func aMissingFileIsAClearError() async throws {
        let check = try await run(
            try Repository.binary("kactl"), ["config", "check", "-f", "/nonexistent/keepalived.conf"])
        #expect(check.status == 1)
        #expect(check.stderr.contains("/nonexistent/keepalived.conf"))
    }
}
