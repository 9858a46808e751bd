import Foundation
import KeepaliveTestSupport
import Testing

/// Real-server checks of a real checkd against servers on loopback the test controls.
@Suite(.enabled(if: getuid() == 0, "needs root: runs checkd's scripts as root"))
struct RealServerIntegrationTests {
    static let virtualServer = "[192.0.2.10]:80"

    @Test func healthyFlipsWhenATCPServerGoesAwayAndComesBack() async throws {
        let listener = try LoopbackListener()
        defer { listener.close() }
        let realServer = "[127.0.0.1]:\(listener.port)"
        try await TestFiles.with { files in
            let notify = try files.script("notify.sh", "echo \"$1\" >> \(files.path("notified"))")
            let config = """
                virtual_server 192.0.2.10 80 {
                    delay_loop 1
                    protocol TCP
                    real_server 127.0.0.1 \(listener.port) {
                        weight 5
                        notify_up "\(notify) up"
                        notify_down "\(notify) down"
                        TCP_CHECK {
                            connect_timeout 1
                            retry 1
                            delay_before_retry 1
                            warmup 0
                        }
                    }
                }
                """
            try await withPrivateBus { bus in
                try await CheckdProcess.with(config: config, in: files.directory, bus: bus) { checkd in
                    let vs = Self.virtualServer
                    #expect(try await checkd.serverProperty(vs, realServer, "Healthy") == "b true")
                    #expect(try await checkd.serverProperty(vs, realServer, "Address") == #"s "127.0.0.1""#)
                    #expect(try await checkd.serverProperty(vs, realServer, "Port") == "q \(listener.port)")
                    #expect(try await checkd.serverProperty(vs, realServer, "Weight") == "i 5")
                    #expect(try await checkd.serverProperty(vs, realServer, "Checkers") == #"as 1 "TCP_CHECK""#)
                    #expect(try await checkd.serverProperty(vs, realServer, "VirtualServer") == #"s "[192.0.2.10]:80""#)

                    listener.close()
                    try await checkd.waitFor("b false", "Healthy") {
                        try await checkd.serverProperty(vs, realServer, "Healthy")
                    }
                    try await checkd.waitForLog("Removing service \(realServer) from VS \(vs)")
                    #expect(try await checkd.serverProperty(vs, realServer, "LastError") != #"s """#)
                    #expect(checkd.log.contains("retry 1 of 1"))

                    try listener.reopen()
                    try await checkd.waitFor("b true", "Healthy") {
                        try await checkd.serverProperty(vs, realServer, "Healthy")
                    }
                    try await checkd.waitForLog("Adding service \(realServer) to VS \(vs)")
                    #expect(try await checkd.serverProperty(vs, realServer, "LastError") == #"s """#)
                    try await checkd.waitFor("down\nup", "notify scripts") {
                        files.read("notified").trimmingCharacters(in: .whitespacesAndNewlines)
                    }
                }
            }
        }
    }

    @Test func aMiscCheckWithAlphaStartsDownAndMiscDynamicSetsTheWeight() async throws {
        try await TestFiles.with { files in
            // Exit status 2 + N sets weight N with misc_dynamic; the file holds the status.
            let check = try files.script("misc.sh", "exit $(cat \(files.path("status")) 2>/dev/null || echo 1)")
            let config = """
                virtual_server 192.0.2.10 80 {
                    delay_loop 1
                    protocol TCP
                    alpha
                    real_server 127.0.0.2 80 {
                        weight 1
                        MISC_CHECK {
                            misc_path "\(check)"
                            misc_dynamic
                            warmup 0
                        }
                    }
                }
                """
            try await withPrivateBus { bus in
                try await CheckdProcess.with(config: config, in: files.directory, bus: bus) { checkd in
                    let (vs, rs) = (Self.virtualServer, "[127.0.0.2]:80")
                    #expect(try await checkd.serverProperty(vs, rs, "Healthy") == "b false")
                    #expect(try await checkd.serverProperty(vs, rs, "LastError") != #"s """#)
                    try "9".write(toFile: files.path("status"), atomically: true, encoding: .utf8)
                    try await checkd.waitFor("b true", "Healthy") { try await checkd.serverProperty(vs, rs, "Healthy") }
                    try await checkd.waitForLog("Adding service \(rs) to VS \(vs)")
                    try await checkd.waitFor("i 7", "Weight") { try await checkd.serverProperty(vs, rs, "Weight") }
                    try "1".write(toFile: files.path("status"), atomically: true, encoding: .utf8)
                    try await checkd.waitFor("b false", "Healthy") { try await checkd.serverProperty(vs, rs, "Healthy") }
                }
            }
        }
    }

    @Test func drainEnableAndDisableChangeAdminStateAndBadCallsGetErrors() async throws {
        try await TestFiles.with { files in
            let config = """
                virtual_server 192.0.2.10 80 {
                    protocol TCP
                    real_server 127.0.0.3 80 {
                    }
                }
                """
            try await withPrivateBus { bus in
                try await CheckdProcess.with(config: config, in: files.directory, bus: bus) { checkd in
                    let (vs, rs) = (Self.virtualServer, "[127.0.0.3]:80")
                    #expect(try await checkd.serverProperty(vs, rs, "Healthy") == "b true")
                    #expect(try await checkd.serverProperty(vs, rs, "AdminState") == #"s "ENABLED""#)
                    for (method, state) in [("Drain", "DRAINED"), ("Disable", "DISABLED"), ("Enable", "ENABLED")] {
                        let result = try await checkd.call(vs, rs, method)
                        #expect(result.status == 0, "\(method): \(result.stderr)")
                        #expect(try await checkd.serverProperty(vs, rs, "AdminState") == #"s "\#(state)""#)
                    }
                    try await checkd.waitForLog("Draining service \(rs) of VS \(vs)")

                    let withArgument = try await checkd.call(vs, rs, "Drain", ["s", "now"])
                    #expect(withArgument.status != 0)
                    #expect(withArgument.stderr.contains("nvalid"), "\(withArgument.stderr)")
                    let unknown = try await checkd.call(vs, rs, "Explode")
                    #expect(unknown.status != 0)
                    let nowhere = try await checkd.busctl([
                        "call", CheckdProcess.busName, CheckdProcess.root + "/realserver/nothing",
                        CheckdProcess.realServerInterface, "Drain",
                    ])
                    #expect(nowhere.status != 0)
                    #expect(checkd.process.isRunning)
                    #expect(try await checkd.serverProperty(vs, rs, "AdminState") == #"s "ENABLED""#)
                }
            }
        }
    }
}
