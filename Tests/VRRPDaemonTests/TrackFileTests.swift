import Foundation
import Testing

extension VRRPDaemonIntegrationTests {
    /// `track_file`: real files, changed by writing and by renaming over them, as an operator
    /// or a script would. keepalived.conf(5): value × weight moves the priority; with weight 0
    /// a non-zero value is FAULT, and a result below -253 is FAULT too.
    @Suite(.enabled(if: getuid() == 0, "needs root: creates network namespaces"))
    struct TrackFileTests {
        static func configuration(_ network: RouterNetwork, directory: String) -> String {
            var first = TestInstance.on(network, network.a, priority: 100)
            first.extra = ["track_file {", "    prio", "    gate", "}"]
            var second = TestInstance.on(network, network.a, priority: 100)
            second.name = "VI_2"
            second.virtualRouterID = 52
            second.virtualAddress = network.address(101)
            second.extra = ["track_file {", "    prio weight 2 reverse", "}"]
            return """
                track_file prio {
                    file \(directory)/prio
                    weight 10
                    init_file 3
                }
                track_file gate {
                    file \(directory)/gate
                    weight 0
                }

                """ + first.configuration + second.configuration
        }

        /// Writes `text` to a temporary file and renames it over `path`: one inotify event,
        /// never a half-written file.
        static func replace(_ path: String, with text: String) throws {
            try text.write(toFile: path + ".new", atomically: false, encoding: .utf8)
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.moveItem(atPath: path + ".new", toPath: path)
        }

        static func priority(_ vrrpd: VRRPDProcess, _ instance: String = "VI_1") throws -> Int? {
            try vrrpd.property("EffectivePriority", instance: instance) as? Int
        }

        @Test func fileValuesMoveThePriorityAndWeightZeroMeansFault() async throws {
            let directory = try makeTemporaryDirectory("kavd-trackfile")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let prio = directory + "/prio"
            let gate = directory + "/gate"
            try await RouterNetwork.with { network in
                try await PrivateBus.with { bus in
                    try await VRRPDProcess.with(
                        namespace: network.a, configuration: Self.configuration(network, directory: directory),
                        bus: bus
                    ) { vrrpd in
                        try await vrrpd.waitForState("MASTER")
                        try await vrrpd.waitForState("MASTER", instance: "VI_2")
                        // init_file wrote 3 into the missing file; a missing `gate` reads as 0 (OK).
                        #expect(try String(contentsOfFile: prio, encoding: .utf8) == "3\n")
                        #expect(try Self.priority(vrrpd) == 130)
                        #expect(try Self.priority(vrrpd, "VI_2") == 94)

                        // A plain write (truncate, write, close) ...
                        try "7\n".write(toFile: prio, atomically: false, encoding: .utf8)
                        try await waitUntil("VI_1 follows 7 × 10") { try Self.priority(vrrpd) == 170 }
                        #expect(try Self.priority(vrrpd, "VI_2") == 86)
                        // ... and a rename over the file.
                        try Self.replace(prio, with: "-2")
                        try await waitUntil("VI_1 follows -2 × 10") { try Self.priority(vrrpd) == 80 }
                        #expect(try Self.priority(vrrpd, "VI_2") == 104)

                        // Weight 0: a non-zero value is FAULT, zero lets the instance back.
                        try "1\n".write(toFile: gate, atomically: false, encoding: .utf8)
                        try await vrrpd.waitForState("FAULT")
                        #expect(try vrrpd.state(instance: "VI_2") == "MASTER", "VI_2 does not track gate")
                        try "0\n".write(toFile: gate, atomically: false, encoding: .utf8)
                        try await vrrpd.waitForState("MASTER")

                        // Below -253 after the weight: FAULT as well (VI_2, reversed: 100 + 60).
                        try Self.replace(prio, with: "-30")
                        try await vrrpd.waitForState("FAULT")
                        try await waitUntil("VI_2 follows 30 × 2") { try Self.priority(vrrpd, "VI_2") == 160 }
                        try FileManager.default.removeItem(atPath: prio)
                        try await vrrpd.waitForState("MASTER")
                        #expect(try Self.priority(vrrpd) == 100, "a deleted file reads as 0")
                        #expect(vrrpd.log.contains("Track_file(prio) initialised"), "\(vrrpd.log)")
                    }
                }
            }
        }

        /// A backup whose file raises it above the master takes over (preemption by file).
        @Test func aFileCanMakeABackupTakeOver() async throws {
            let directory = try makeTemporaryDirectory("kavd-trackfile")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let boost = directory + "/boost"
            try "0\n".write(toFile: boost, atomically: false, encoding: .utf8)
            let tracked = "track_file boost {\n    file \(boost)\n    weight 20\n}\n"
            try await TwoRouters.with(
                configurationA: { tracked + TestInstance.on($0, $0.a, priority: 150).configuration },
                configurationB: { network in
                    var instance = TestInstance.on(network, network.b, priority: 140)
                    instance.extra = ["track_file {", "    boost", "}"]
                    return tracked + instance.configuration
                }
            ) { routers in
                try await routers.a.waitForState("MASTER")
                try await routers.b.waitForState("BACKUP")
                try "1\n".write(toFile: boost, atomically: false, encoding: .utf8)
                try await routers.b.waitForState("MASTER")
                try await routers.a.waitForState("BACKUP")
                #expect(try routers.b.property("EffectivePriority") as? Int == 160)
            }
        }
    }
}
