import Foundation

/// Helpers of the policy tests: the repository's fixture scripts and a packet capture in the
/// client namespace.
enum Fixtures {
    /// `<root>/Tests/Fixtures`, found from this file's path.
    static var directory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures").path
    }

    /// Sends one VRRPv3 advert from `source` in `namespace`, as a router there would.
    static func sendAdvert(
        in namespace: String, from source: String, virtualRouterID: Int = 51, priority: Int,
        intervalCentiseconds: Int, addresses: [String]
    ) throws {
        try run(
            "/usr/sbin/ip",
            [
                "netns", "exec", namespace, "/usr/bin/python3", directory + "/vrrp-advert.py", source,
                String(virtualRouterID), String(priority), String(intervalCentiseconds),
            ] + addresses)
    }
}

/// `tcpdump -l -n` on the client's interface, its lines read back as they come.
final class Capture: Sendable {
    let process: ChildProcess
    let directory: String

    init(_ network: RouterNetwork, filter: [String]) throws {
        directory = try makeTemporaryDirectory("kavd-capture")
        process = try ChildProcess(
            "/usr/sbin/ip",
            ["netns", "exec", network.c, "/usr/bin/tcpdump", "-i", network.interfaceC, "-n", "-l"] + filter,
            logPath: directory + "/capture")
    }

    var lines: [String] { process.log.split(separator: "\n").map(String.init) }

    func stop() async {
        process.signal(SIGKILL)
        await process.wait()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Waits until tcpdump prints that it listens, so nothing sent after is missed.
    func waitUntilListening() async throws {
        try await waitUntil("tcpdump listens") { process.log.contains("listening on") }
    }
}

extension Array where Element == String {
    /// VRRP adverts sent by `source` to the multicast group.
    func adverts(from source: String) -> [String] {
        filter { $0.contains("IP \(source) > 224.0.0.18") && $0.contains("VRRP") }
    }

    /// Gratuitous ARPs for `address`: a request whose sender and target are the address.
    func gratuitousARPs(for address: String) -> [String] {
        filter { $0.contains("who-has \(address) ") && $0.contains("tell \(address),") }
    }
}
