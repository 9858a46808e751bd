import Glibc
import Testing

@testable import Systemd

extension ProcessGlobalTests {
    @Suite("sd_notify against a real notify socket")
    struct NotifyTests {
        @Test("each message arrives as sent")
        func messagesArriveAsSent() async throws {
            let socket = try DatagramSocket()
            try await withEnvironment(["NOTIFY_SOCKET": socket.path]) { () async throws -> Void in
                let notifier = ServiceNotifier()
                #expect(ServiceNotifier.isConfigured)

                #expect(try notifier.ready())
                #expect(try socket.receiveText() == "READY=1")

                #expect(try notifier.ready(status: "Loaded 2 VRRP instances"))
                #expect(try socket.receiveText() == "READY=1\nSTATUS=Loaded 2 VRRP instances")

                #expect(try notifier.status("VRRP_Instance(VI_1) Entering MASTER STATE"))
                #expect(try socket.receiveText() == "STATUS=VRRP_Instance(VI_1) Entering MASTER STATE")

                #expect(try notifier.stopping())
                #expect(try socket.receiveText() == "STOPPING=1")

                #expect(try notifier.watchdog())
                #expect(try socket.receiveText() == "WATCHDOG=1")

                #expect(try notifier.mainPID(getpid()))
                #expect(try socket.receiveText() == "MAINPID=\(getpid())")
            }
        }

        @Test("RELOADING=1 carries MONOTONIC_USEC taken from CLOCK_MONOTONIC")
        func reloadingCarriesMonotonicTime() async throws {
            let socket = try DatagramSocket()
            try await withEnvironment(["NOTIFY_SOCKET": socket.path]) { () async throws -> Void in
                let before = ServiceNotifier.monotonicMicroseconds()
                #expect(try ServiceNotifier().reloading(status: "Reloading keepalived.conf"))
                let after = ServiceNotifier.monotonicMicroseconds()

                let lines = try socket.receiveText().split(separator: "\n").map(String.init)
                #expect(lines.count == 3)
                #expect(lines.first == "RELOADING=1")
                #expect(lines.last == "STATUS=Reloading keepalived.conf")
                let usec = try #require(
                    lines.dropFirst().first.flatMap { line -> UInt64? in
                        guard line.hasPrefix("MONOTONIC_USEC=") else { return nil }
                        return UInt64(line.dropFirst("MONOTONIC_USEC=".count))
                    })
                #expect(before <= usec && usec <= after)
            }
        }

        @Test("a newline in STATUS cannot forge another assignment")
        func statusIsOneLine() async throws {
            let socket = try DatagramSocket()
            try await withEnvironment(["NOTIFY_SOCKET": socket.path]) { () async throws -> Void in
                #expect(try ServiceNotifier().status("bad config\nREADY=1"))
                #expect(try socket.receiveText() == "STATUS=bad config READY=1")
            }
        }

        @Test("without NOTIFY_SOCKET nothing is sent and the caller is told")
        func unsetSocketReportsNotSent() async throws {
            try await withEnvironment(["NOTIFY_SOCKET": nil]) { () async throws -> Void in
                #expect(!ServiceNotifier.isConfigured)
                #expect(try ServiceNotifier().ready() == false)
                #expect(try ServiceNotifier().watchdog() == false)
            }
        }

        @Test("a NOTIFY_SOCKET nobody listens on is an error with its errno")
        func missingSocketThrows() async throws {
            try await withEnvironment(["NOTIFY_SOCKET": "/tmp/keepalive-systemd-no-such-dir/notify"]) {
                () async throws -> Void in
                #expect(throws: SystemdError.notifyFailed(state: "READY=1", errno: ENOENT)) {
                    try ServiceNotifier().ready()
                }
            }
        }
    }
}
