import Foundation
import HealthCheckers
import KeepalivedConfig
import Logging
import NIOPosix
import Testing

@testable import CheckDaemon

/// The monitor on its own, with real TCP_CHECK probes against loopback listeners: most rounds
/// are recorded on the connect poller's thread and never reach the actor, and what the object
/// shows must still follow every change.
@Suite struct RealServerMonitorTests {
    /// A TCP_CHECK on `listener`, then a MISC_CHECK that passes while `flag` exists.
    private func monitor(listener: LoopbackListener, flag: String) throws -> RealServerMonitor {
        let text = """
            virtual_server 192.0.2.10 80 {
                delay_loop 0.1
                protocol TCP
                real_server 127.0.0.1 \(listener.port) {
                    TCP_CHECK {
                        connect_timeout 1
                        retry 1
                        delay_before_retry 0.1
                        warmup 0
                    }
                    MISC_CHECK {
                        misc_path "/usr/bin/test -e \(flag)"
                        retry 1
                        delay_before_retry 0.1
                        warmup 0
                    }
                }
            }
            """
        let configuration = try ConfigLoader().load(text: text).configuration
        let spec = try #require(RealServerSpec.all(in: configuration).specs.first)
        let logger = Logger(label: "test")
        let probes = try spec.checkers.map {
            try ProbeFactory.make(
                $0.checker, realServer: spec.definition, virtualServer: spec.virtualServerDefinition,
                eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        }
        let notifier = ServerNotifier(
            launcher: ScriptLauncher(globals: configuration.globalDefinitions, logger: logger), alerts: nil,
            logger: logger)
        return RealServerMonitor(spec, probes: probes, notifier: notifier, logger: logger, warmupFraction: { 0 })
    }

    private func waitForLastError(_ monitor: RealServerMonitor, from keyword: String?) async throws {
        // TCP_CHECK's line is "TCP connection to ...", MISC_CHECK's "Misc check to ...".
        func matches(_ error: String) -> Bool {
            keyword.map { error.hasPrefix($0) } ?? error.isEmpty
        }
        for _ in 0..<300 where !matches(await monitor.publishedError) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let shown = await monitor.publishedError
        #expect(matches(shown), "LastError: \(shown)")
    }

    @Test func lastErrorNamesTheFirstDownCheckerThroughEveryChange() async throws {
        let listener = try LoopbackListener()
        defer { listener.close() }
        let flag = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-\(getpid())-flag").path
        FileManager.default.createFile(atPath: flag, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: flag) }
        let monitor = try monitor(listener: listener, flag: flag)
        await monitor.start()
        try await waitForLastError(monitor, from: nil)

        try FileManager.default.removeItem(atPath: flag)
        try await waitForLastError(monitor, from: "Misc")
        #expect(await monitor.currentHealth.healthy == false)
        // TCP_CHECK, the first checker, fails with MISC_CHECK already down: the server's health
        // does not flip again and TCP_CHECK's failure stays the same from its retry to its down
        // verdict, yet LastError must name TCP_CHECK once it is down.
        listener.close()
        try await waitForLastError(monitor, from: "TCP")
        try listener.reopen()
        try await waitForLastError(monitor, from: "Misc")
        FileManager.default.createFile(atPath: flag, contents: nil)
        try await waitForLastError(monitor, from: nil)
        #expect(await monitor.currentHealth.healthy)
        await monitor.shutdown(omega: false)
    }
}
