import DBus
import Foundation

/// Method round-trip and signal delivery latency through a private dbus-daemon, Swift server and
/// Swift client on separate connections. Prints numbers; asserts nothing.
/// Usage: dbus-benchmark [count]
@main
enum DBusBenchmark {
    static let interface = "org.keepalive.Benchmark"
    static let xml = """
        <node>
          <interface name="org.keepalive.Benchmark">
            <method name="Echo"><arg name="text" type="s" direction="in"/><arg name="text" type="s" direction="out"/></method>
            <signal name="Tick"><arg name="sentAt" type="t"/></signal>
          </interface>
        </node>
        """

    static func main() async throws {
        let count = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 10_000
        let bus = try PrivateDaemon.start()
        defer { bus.stop() }

        let server = try await DBusConnection.connect(address: bus.address)
        let path = try ObjectPath("/org/keepalive/Benchmark")
        var object = try DBusObject(path: path, introspectionXML: xml)
        try object.onMethod(interface, "Echo") { call in call.arguments }
        let exported = try await server.export(object)

        let client = try await DBusConnection.connect(address: bus.address)
        let rssBefore = residentKiB()

        var calls: [Duration] = []
        calls.reserveCapacity(count)
        let clock = ContinuousClock()
        for i in 0..<count {
            let start = clock.now
            _ = try await client.call(
                destination: server.uniqueName, path: path, interface: interface, method: "Echo",
                arguments: [.string("ping \(i)")])
            calls.append(clock.now - start)
        }

        let signals = try await client.signals(
            matching: DBusMatchRule(path: path, interface: interface, member: "Tick"))
        var iterator = signals.makeAsyncIterator()
        var deliveries: [Duration] = []
        deliveries.reserveCapacity(count)
        for _ in 0..<count {
            try exported.emitSignal(interface, "Tick", [.uint64(monotonicNanoseconds())])
            guard let signal = try await iterator.next(), let sentAt = signal.arguments.first?.uint64Value else {
                break
            }
            deliveries.append(.nanoseconds(Int64(monotonicNanoseconds() - sentAt)))
        }

        print(
            "D-Bus latency, \(count) each, private dbus-daemon, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print(row("metric", "median µs", "p99 µs", "max µs"))
        print(row("method round trip", calls))
        print(row("signal delivery", deliveries))
        print("RSS: \(rssBefore) KiB after connecting, \(residentKiB()) KiB after \(2 * count) messages")
        client.close()
        server.close()
    }

    static func row(_ name: String, _ samples: [Duration]) -> String {
        let sorted = samples.sorted()
        func micro(_ d: Duration) -> String {
            String(format: "%.1f", Double(d.components.attoseconds) / 1e12 + Double(d.components.seconds) * 1e6)
        }
        guard !sorted.isEmpty else { return row(name, "-", "-", "-") }
        let p99 = sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
        return row(name, micro(sorted[sorted.count / 2]), micro(p99), micro(sorted.last!))
    }

    static func row(_ a: String, _ b: String, _ c: String, _ d: String) -> String {
        a.padding(toLength: 20, withPad: " ", startingAt: 0)
            + [b, c, d].map {
                String(repeating: " ", count: max(0, 12 - $0.count)) + $0
            }.joined()
    }

    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    static func residentKiB() -> Int {
        let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
        let pages = statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
    }
}

/// A throwaway dbus-daemon on a socket in a temp directory, allowing everything.
struct PrivateDaemon {
    let process: Process
    let directory: URL
    let address: String

    static func start() throws -> PrivateDaemon {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kabench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("bus.conf")
        try """
        <busconfig><type>system</type><listen>unix:path=\(directory.path)/bus</listen><auth>EXTERNAL</auth>
        <policy context="default"><allow user="*"/><allow own="*"/><allow send_destination="*"/>
        <allow receive_sender="*"/></policy></busconfig>
        """.write(to: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/dbus-daemon")
        process.arguments = ["--config-file=\(config.path)", "--print-address=1", "--nofork"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        return PrivateDaemon(
            process: process, directory: directory, address: String(text.split(separator: "\n").first ?? ""))
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
