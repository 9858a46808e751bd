import Foundation
import Synchronization
import VRRP
import VRRPSockets

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs a program to completion and returns its standard output; throws on a non-zero exit.
@discardableResult
func run(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        let message = String(decoding: errorData, as: UTF8.self)
        throw TestFailure(
            "\(executable) \(arguments.joined(separator: " ")): exit \(process.terminationStatus): \(message)")
    }
    return String(decoding: outputData, as: UTF8.self)
}

func ip(_ arguments: String...) throws {
    try run("/usr/sbin/ip", arguments)
}

/// Two network namespaces joined by a veth pair, `vka` (10.N.M.1/24) in `a` and `vkb`
/// (10.N.M.2/24) in `b`. Names carry the pid and a counter, so parallel tests and parallel
/// test runs never share one.
struct NamespacePair: Sendable {
    private static let counter = Atomic<Int>(0)

    let a: String
    let b: String
    let interfaceA = "vka"
    let interfaceB = "vkb"
    let addressA: InetAddress
    let addressB: InetAddress
    /// A /24 the tests can take virtual addresses from: `subnet(100)` is 10.N.M.100.
    let subnetPrefix: (UInt8, UInt8)

    func address(_ host: UInt8) -> InetAddress {
        InetAddress(10, subnetPrefix.0, subnetPrefix.1, host)
    }

    private init() {
        let number = Self.counter.add(1, ordering: .relaxed).newValue
        let pid = getpid()
        a = "kavrrp-\(pid)-\(number)-a"
        b = "kavrrp-\(pid)-\(number)-b"
        subnetPrefix = (UInt8(100 + number % 100), UInt8(pid % 250))
        addressA = InetAddress(10, subnetPrefix.0, subnetPrefix.1, 1)
        addressB = InetAddress(10, subnetPrefix.0, subnetPrefix.1, 2)
    }

    /// Creates the pair, runs `body`, and deletes both namespaces (and so the veth) on every path.
    static func with<Result>(_ body: (NamespacePair) async throws -> Result) async throws -> Result {
        let pair = NamespacePair()
        defer { pair.delete() }
        try pair.create()
        return try await body(pair)
    }

    private func create() throws {
        try ip("netns", "add", a)
        try ip("netns", "add", b)
        // No duplicate address detection: link-local addresses are usable as soon as the link
        // is up, instead of a second or two later.
        for namespace in [a, b] {
            try run(
                "/usr/sbin/ip", ["netns", "exec", namespace, "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0"])
        }
        try ip("link", "add", interfaceA, "netns", a, "type", "veth", "peer", "name", interfaceB, "netns", b)
        try ip("-n", a, "address", "add", "\(addressA)/24", "dev", interfaceA)
        try ip("-n", b, "address", "add", "\(addressB)/24", "dev", interfaceB)
        for (namespace, interface) in [(a, interfaceA), (b, interfaceB)] {
            try ip("-n", namespace, "link", "set", "lo", "up")
            try ip("-n", namespace, "link", "set", interface, "up")
        }
        try waitForCarrier()
    }

    /// Waits until both ends report LOWER_UP, so the first packet is not lost to a link that is
    /// still coming up.
    private func waitForCarrier() throws {
        for _ in 0..<100 {
            let linkA = try run("/usr/sbin/ip", ["-n", a, "-o", "link", "show", interfaceA])
            let linkB = try run("/usr/sbin/ip", ["-n", b, "-o", "link", "show", interfaceB])
            if linkA.contains("LOWER_UP"), linkB.contains("LOWER_UP") { return }
            usleep(50_000)
        }
        throw TestFailure("veth \(interfaceA)/\(interfaceB) never came up")
    }

    private func delete() {
        _ = try? ip("netns", "delete", a)
        _ = try? ip("netns", "delete", b)
    }

    /// The link-local IPv6 address of `interface` in `namespace`, as `ip -6 addr` shows it.
    func linkLocalAddress(of interface: String, in namespace: String) throws -> InetAddress {
        let text = try run(
            "/usr/sbin/ip", ["-n", namespace, "-6", "-o", "addr", "show", "dev", interface, "scope", "link"])
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let index = words.firstIndex(of: "inet6"), index + 1 < words.count,
            let address = InetAddress(words[index + 1].split(separator: "/")[0])
        else { throw TestFailure("no link-local address in: \(text)") }
        return address
    }

    /// The MAC of `interface` in `namespace` as `ip link` shows it (not via the module under test).
    func hardwareAddress(of interface: String, in namespace: String) throws -> String {
        let line = try run("/usr/sbin/ip", ["-n", namespace, "-o", "link", "show", interface])
        let words = line.split(separator: " ").map(String.init)
        guard let index = words.firstIndex(of: "link/ether"), index + 1 < words.count else {
            throw TestFailure("no link/ether in: \(line)")
        }
        return words[index + 1]
    }
}

/// Collects the first `count` datagrams accepted by `predicate`, failing after `timeout` (a
/// guard against a hang, not a speed assertion).
func collect(
    _ count: Int, from stream: AsyncStream<VRRPDatagram>, within timeout: Duration = .seconds(10),
    where predicate: @escaping @Sendable (VRRPDatagram) -> Bool = { _ in true }
) async throws -> [VRRPDatagram] {
    try await withThrowingTaskGroup(of: [VRRPDatagram]?.self) { group in
        group.addTask {
            var collected: [VRRPDatagram] = []
            for await datagram in stream where predicate(datagram) {
                collected.append(datagram)
                if collected.count == count { break }
            }
            return collected
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        guard let collected = first, collected.count == count else {
            throw TestFailure("expected \(count) datagrams within \(timeout), got \(first?.count ?? 0)")
        }
        return collected
    }
}
