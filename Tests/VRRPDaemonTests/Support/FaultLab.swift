import Foundation

/// The fault lab: three routers (namespaces a, b, c on one bridge), each with its own private
/// bus, vrrpd and checkd, running two VRIDs with opposite priority orders and both instances
/// tracking a checkd script. Daemons can be killed and restarted; every check reads the real
/// processes (busctl, `kactl status --json`, `ip addr`).
final class FaultLab {
    struct Node {
        let namespace: String
        let interface: String
        let bus: PrivateBus
        let configuration: String
    }

    static let instances = ["VI_51", "VI_52"]
    /// The `vrrp_script` both instances track.
    static let script = "alive"
    /// The script's weight: a node whose script fails drops its priorities by 60.
    static let scriptWeight = -60
    /// vrrpd's grace for a script whose checkd is gone: 3 × its interval (1 s), at least 5 s.
    static let scriptGrace: Duration = .seconds(5)

    /// Master_Down_Interval at the lowest priority (50) with 0.1 s adverts, plus the 1 s the
    /// issue allows.
    static let deadline: Duration = {
        let masterDownMilliseconds = 3 * 100 + (256 - 50) * 100 / 256
        return .milliseconds(masterDownMilliseconds + 1000)
    }()

    let network: RouterNetwork
    let nodes: [Node]
    /// instance → its VIP.
    let vips: [String: String]
    /// Per node; nil while that daemon is down.
    var daemons: [VRRPDProcess?]
    var checkds: [ChildProcess?]

    /// VRID 51 (VIP .100) prefers a, b, c; VRID 52 (VIP .101) prefers c, b, a.
    static func configuration(_ network: RouterNetwork, interface: String, priorities: (Int, Int)) -> String {
        var first = TestInstance(interface: interface, priority: priorities.0, virtualAddress: network.address(100))
        first.name = "VI_51"
        var second = TestInstance(
            interface: interface, priority: priorities.1, virtualAddress: network.address(101))
        second.name = "VI_52"
        second.virtualRouterID = 52
        // Both track a script checkd runs; were its status lost, the weight would move the VIPs.
        first.extra = ["track_script {", "    \(script)", "}"]
        second.extra = first.extra
        let block = """
            vrrp_script \(script) {
                script "/bin/true"
                interval 1
                weight \(scriptWeight)
            }

            """
        return block + first.configuration + second.configuration
    }

    private init(network: RouterNetwork, buses: [PrivateBus]) throws {
        self.network = network
        let interfaces = [network.interfaceA, network.interfaceB, network.interfaceC]
        let priorities = [(150, 50), (100, 100), (50, 150)]
        nodes = [network.a, network.b, network.c].indices.map { index in
            Node(
                namespace: [network.a, network.b, network.c][index], interface: interfaces[index], bus: buses[index],
                configuration: Self.configuration(network, interface: interfaces[index], priorities: priorities[index]))
        }
        vips = ["VI_51": network.address(100), "VI_52": network.address(101)]
        daemons = []
        checkds = []
        for node in nodes {
            daemons.append(
                try VRRPDProcess(namespace: node.namespace, configuration: node.configuration, bus: node.bus))
        }
        checkds = try nodes.indices.map { try startCheckd($0) }
    }

    /// Builds the lab, runs `body`, and kills every daemon and removes every namespace and bus
    /// on every path; a failure carries the tail of each daemon's log.
    static func with(_ body: (FaultLab) async throws -> Void) async throws {
        try await RouterNetwork.with { network in
            try await PrivateBus.with { busA in
                try await PrivateBus.with { busB in
                    try await PrivateBus.with { busC in
                        let lab = try FaultLab(network: network, buses: [busA, busB, busC])
                        do {
                            try await body(lab)
                            await lab.tearDown()
                        } catch {
                            let logs = lab.logTails()
                            await lab.tearDown()
                            throw TestFailure("\(error)\n\(logs)")
                        }
                    }
                }
            }
        }
    }

    private func tearDown() async {
        for daemon in daemons { await daemon?.cleanUp() }
        for checkd in checkds {
            checkd?.signal(SIGKILL)
            await checkd?.wait()
        }
    }

    private func logTails() -> String {
        nodes.indices.map { index in
            let vrrpd = daemons[index]?.log ?? "(not running)"
            let checkd = checkds[index]?.log ?? "(not running)"
            return "--- vrrpd in \(nodes[index].namespace) ---\n\(vrrpd.suffix(3000))\n"
                + "--- checkd in \(nodes[index].namespace) ---\n\(checkd.suffix(2000))"
        }.joined(separator: "\n")
    }

    /// checkd beside a node's vrrpd: same namespace, same bus, same file.
    func startCheckd(_ index: Int) throws -> ChildProcess {
        let node = nodes[index]
        guard let vrrpd = daemons[index] else { throw TestFailure("checkd needs vrrpd's directory") }
        return try ChildProcess(
            "/usr/sbin/ip",
            [
                "netns", "exec", node.namespace, try Self.sibling("checkd"), "-f", vrrpd.directory + "/keepalived.conf",
                "--bus-address", node.bus.address, "--interfaces-directory", VRRPDProcess.interfacesDirectory,
            ], logPath: vrrpd.directory + "/checkd.log")
    }

    /// An executable built beside vrrpd (checkd, kactl).
    static func sibling(_ name: String) throws -> String {
        URL(fileURLWithPath: try VRRPDProcess.executable()).deletingLastPathComponent().appendingPathComponent(name)
            .path
    }

    // MARK: What the lab looks like

    /// instance → the nodes (namespaces) reporting MASTER and the nodes holding its VIP, over
    /// the nodes whose vrrpd runs.
    func roles() throws -> [String: (masters: [String], holders: [String])] {
        var roles: [String: (masters: [String], holders: [String])] = [:]
        for instance in Self.instances {
            var masters: [String] = []
            var holders: [String] = []
            for (index, node) in nodes.enumerated() {
                guard let daemon = daemons[index] else { continue }
                guard daemon.process.isRunning else { throw TestFailure("vrrpd died: \(daemon.log)") }
                if (try? daemon.state(instance: instance)) == "MASTER" { masters.append(node.namespace) }
                let addresses = try network.addresses(in: node.namespace, interface: node.interface)
                if addresses.contains(vips[instance]!) { holders.append(node.namespace) }
            }
            roles[instance] = (masters, holders)
        }
        return roles
    }

    /// nil when the running nodes agree: one MASTER per instance, holding its VIP alone.
    func disagreement() throws -> String? {
        let roles = try roles()
        for instance in Self.instances {
            let (masters, holders) = roles[instance]!
            if masters.count != 1 || holders != masters {
                return "\(instance): masters \(masters), VIP on \(holders)"
            }
        }
        return nil
    }

    /// The one MASTER of `instance` (its namespace) once the lab agrees.
    func master(of instance: String) throws -> String? {
        let masters = try roles()[instance]!.masters
        return masters.count == 1 ? masters[0] : nil
    }

    /// Every instance's LastTransition on every running node: equal means no transition.
    func lastTransitions() throws -> [String] {
        try nodes.indices.flatMap { index in
            try Self.instances.map { instance in
                "\(nodes[index].namespace) \(instance) "
                    + "\(try daemons[index]?.property("LastTransition", instance: instance) ?? "-")"
            }
        }
    }

    /// Waits (a hang guard, not a speed assertion) until the running nodes agree.
    func converge(_ what: String, within limit: Duration) async throws {
        var last: String?
        do {
            try await waitUntil(what, timeout: limit) {
                last = try disagreement()
                return last == nil
            }
        } catch {
            throw TestFailure("\(what): \(last ?? "\(error)")")
        }
    }

    /// A node's `vrrp_script` status as its checkd publishes it (`OK`, `FAILED`, `INIT`).
    func scriptStatus(_ index: Int) throws -> String {
        let path = "/org/keepalive/Check1/script/" + Self.script
        let json = try nodes[index].bus.busctl([
            "--json=short", "get-property", "org.keepalive.Check1", path, "org.keepalive.Check1.Script", "Status",
        ])
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return object?["data"] as? String ?? "?"
    }

    /// Until every node's checkd has run the script and published OK.
    func waitForScriptsOK() async throws {
        for index in nodes.indices {
            try await waitUntil("checkd in \(nodes[index].namespace) publishes \(Self.script) OK") {
                try scriptStatus(index) == "OK"
            }
        }
    }
}
