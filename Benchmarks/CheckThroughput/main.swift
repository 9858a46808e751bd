import Foundation
import HealthCheckers
import KeepalivedConfig
import NIOCore
import NIOPosix
import Synchronization

// check-throughput: how many TCP_CHECK / HTTP_GET attempts a second one process sustains on
// the shared event loop group, and what they cost (CPU from getrusage, RSS). The servers run in
// a child process (this binary with `serve`) so their CPU is not counted. Prints; asserts nothing.
//
//   check-throughput [tcp|http] [--rate N] [--seconds N] [--servers N]
//   check-throughput serve          (internal: the page server, prints its port)

let arguments = Array(CommandLine.arguments.dropFirst())

if arguments.first == "serve" {
    let body = String(repeating: "keepalive benchmark page\n", count: 20)
    let reply = "HTTP/1.0 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let server = try await ServerBootstrap(group: group)
        .serverChannelOption(.backlog, value: 4096)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(PageServer(reply: reply))
            }
        }
        .bind(host: "127.0.0.1", port: 0).get()
    print(server.localAddress!.port!)
    fflush(nil)
    // Leave with the parent, even when it crashes: its end of our stdin closes then.
    Thread {
        while !FileHandle.standardInput.availableData.isEmpty {}
        exit(0)
    }.start()
    try await server.closeFuture.get()
    exit(0)
}

/// Answers the first request head on a connection with the page and closes.
final class PageServer: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let reply: String
    init(reply: String) { self.reply = reply }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard buffer.readString(length: buffer.readableBytes)?.contains("\r\n\r\n") == true else { return }
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: reply)), promise: written)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}

func value(_ name: String, default fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
    return Int(arguments[index + 1]) ?? fallback
}

let kind = arguments.first { $0 == "tcp" || $0 == "http" } ?? "tcp"
let rate = value("--rate", default: 10_000)
let seconds = value("--seconds", default: 10)
let serverCount = value("--servers", default: 10_000)
/// Attempts in flight at most (each holds a socket); a tick that finds this many running
/// skips its starts and counts them, so an overloaded run shows as skipped, not as a crash.
let maxInFlight = value("--max-inflight", default: 8_000)

// The page server, in its own process.
let child = Process()
child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
child.arguments = ["serve"]
let pipe = Pipe()
let lifeline = Pipe()
child.standardOutput = pipe
child.standardInput = lifeline
try child.run()
let portLine = String(decoding: pipe.fileHandleForReading.availableData, as: UTF8.self)
guard let port = Int(portLine.trimmingCharacters(in: .whitespacesAndNewlines)) else {
    fatalError("the page server did not start: '\(portLine)'")
}
defer { child.terminate() }

// One probe per real server, as checkd would hold them; all on the page server's address
// (a bind to 127.0.0.1 only: nothing leaves loopback), each its own probe and TLS-free GET.
let group = MultiThreadedEventLoopGroup.singleton
let virtualServer = VirtualServer(service: .address(address: IPAddress("10.0.0.1")!, port: 80))
var probes: [any RealServerProbe] = []
for _ in 0..<serverCount {
    let real = RealServer(address: IPAddress("127.0.0.1")!, port: port)
    var check = HTTPCheck()
    check.urls = [URLCheck(path: "/")]
    let checker: HealthChecker = kind == "http" ? .httpGet(check) : .tcp(ConnectCheck())
    probes.append(try ProbeFactory.make(checker, realServer: real, virtualServer: virtualServer, eventLoopGroup: group))
}
let allProbes = probes

struct Usage {
    var user: Double
    var system: Double
    var maxRSS: Int
    static func now() -> Usage {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Usage(
            user: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            system: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
            maxRSS: Int(usage.ru_maxrss))
    }
}

func currentRSSKiB() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let pages = Int(text.split(separator: " ")[1]) ?? 0
    return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
}

/// What the attempts found, counted from many tasks at once.
final class Tally: Sendable {
    let passed = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    let failures = Mutex<[String: Int]>([:])
    let inFlight = Atomic<Int>(0)
    let skipped = Atomic<Int>(0)

    func record(_ result: ProbeResult) {
        switch result {
        case .success: passed.add(1, ordering: .relaxed)
        case .failure(let failure):
            failed.add(1, ordering: .relaxed)
            failures.withLock { $0["\(failure)", default: 0] += 1 }
        }
    }
}

/// Starts `rate` attempts a second in 1 ms ticks (as a scheduler with delay_loop spreads them),
/// for `seconds`, then waits for the stragglers.
func drive(_ tally: Tally) async -> Duration {
    let clock = ContinuousClock()
    let start = clock.now
    let end = start + .seconds(seconds)
    let perTick = max(1, rate / 1000)
    var next = 0
    await withDiscardingTaskGroup { group in
        var tick = start
        while tick < end {
            for _ in 0..<perTick {
                let probe = allProbes[next % allProbes.count]
                next += 1
                guard tally.inFlight.load(ordering: .relaxed) < maxInFlight else {
                    tally.skipped.add(1, ordering: .relaxed)
                    continue
                }
                tally.inFlight.add(1, ordering: .relaxed)
                group.addTask {
                    tally.record(await probe.attempt())
                    tally.inFlight.subtract(1, ordering: .relaxed)
                }
            }
            tick = tick + .milliseconds(1)
            if clock.now < tick { try? await Task.sleep(until: tick, clock: clock) }
        }
    }
    return clock.now - start
}

print(
    "check-throughput: \(kind == "http" ? "HTTP_GET" : "TCP_CHECK") against \(serverCount) real servers (127.0.0.1:\(port)), target \(rate)/s for \(seconds) s"
)
let tally = Tally()
let before = Usage.now()
let duration = await drive(tally)
let after = Usage.now()
let elapsed = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
let outcome = (
    passed: tally.passed.load(ordering: .relaxed), failed: tally.failed.load(ordering: .relaxed),
    failures: tally.failures.withLock { $0 }
)
let total = outcome.passed + outcome.failed
let cpu = (after.user - before.user) + (after.system - before.system)
print(
    String(format: "checks:        %d (%d passed, %d failed) in %.2f s", total, outcome.passed, outcome.failed, elapsed)
)
print(String(format: "checks/s:      %.0f", Double(total) / elapsed))
print("skipped:       \(tally.skipped.load(ordering: .relaxed)) starts (\(maxInFlight) attempts already in flight)")
print(
    String(
        format: "CPU:           %.2f s user + %.2f s system = %.1f%% of one core", after.user - before.user,
        after.system - before.system, cpu / elapsed * 100))
print(String(format: "CPU per check: %.1f µs", cpu / Double(max(total, 1)) * 1e6))
print("RSS:           \(currentRSSKiB() / 1024) MiB now, \(after.maxRSS / 1024) MiB peak")
for (failure, count) in outcome.failures.sorted(by: { $0.value > $1.value }).prefix(5) {
    print("  failure \(failure): \(count)")
}
