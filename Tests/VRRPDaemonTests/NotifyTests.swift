import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// Notify scripts run by a real vrrpd on its transitions, in order, with keepalived's argv.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct NotifyTests {
        @Test func notifyScriptsRunInOrderWithKeepalivedsArguments() async throws {
            let directory = try makeTemporaryDirectory("kavd-notify")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let script = directory + "/notify.sh"
            let output = directory + "/calls"
            try "#!/bin/sh\necho \"$*\" >> \(output)\n".write(toFile: script, atomically: true, encoding: .utf8)
            chmod(script, 0o755)
            func calls() -> [String] {
                ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            }

            try await TwoRouters.with(
                a: { network in
                    var instance = TestInstance.on(network, network.a, priority: 150)
                    instance.extra = [
                        "notify_master \"\(script) 'to master'\"", "notify_backup \"\(script) backup\"",
                        "notify_stop \"\(script) stopping\"", "notify \(script)",
                    ]
                    return instance
                },
                b: { .on($0, $0.b, priority: 100) }
            ) { routers in
                try await routers.a.waitForState("MASTER")
                try await waitUntil("the MASTER scripts ran") { calls().count >= 4 }
                #expect(
                    calls() == ["backup", "INSTANCE VI_1 BACKUP 150", "to master", "INSTANCE VI_1 MASTER 150"])
                await routers.a.stop(signal: SIGTERM)
                #expect(calls().suffix(2) == ["stopping", "INSTANCE VI_1 STOP 150"])
            }
        }

        @Test func notifyFIFOGetsKeepalivedsLines() async throws {
            let directory = try makeTemporaryDirectory("kavd-fifo")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let fifo = directory + "/notify.fifo"
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    let configuration =
                        "global_defs {\n    vrrp_notify_fifo \(fifo)\n}\n"
                        + TestInstance.on(network, network.a, priority: 150).configuration
                    try await VRRPDProcess.with(namespace: network.a, configuration: configuration, bus: bus) { a in
                        try await a.waitForState("MASTER")
                        // vrrpd made the FIFO and holds it open, so what it wrote waits in the pipe.
                        let fd = open(fifo, O_RDONLY | O_NONBLOCK)
                        try #require(fd >= 0)
                        defer { close(fd) }
                        var text = ""
                        try await waitUntil("the FIFO shows the MASTER line") {
                            var buffer = [UInt8](repeating: 0, count: 4096)
                            let count = read(fd, &buffer, buffer.count)
                            if count > 0 { text += String(decoding: buffer[..<count], as: UTF8.self) }
                            return text.contains("INSTANCE \"VI_1\" MASTER 150\n")
                        }
                        #expect(text.hasPrefix("INSTANCE \"VI_1\" BACKUP 150\n"))
                    }
                }
            }
        }
    }
}
