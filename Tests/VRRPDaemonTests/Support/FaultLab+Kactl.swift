import Foundation

/// One node as an operator sees it: `kactl status --json` on its bus plus the VIPs on its link.
/// Two equal snapshots mean nothing changed: no transition (LastTransition), no priority, no
/// script status, no configuration load, no VIP moved.
struct NodeStatus: Equatable, CustomStringConvertible {
    /// daemon → "running" or "down", with `ConfigLoadedAt` when `withLoadTimes`.
    var daemons: [String: String]
    /// instance → "State Priority EffectivePriority LastTransition".
    var instances: [String: String]
    /// script → Status.
    var scripts: [String: String]
    var vips: [String]

    /// The same without the daemons' `ConfigLoadedAt`.
    var withoutLoadTimes: NodeStatus {
        var copy = self
        copy.daemons = daemons.mapValues { $0.hasPrefix("running") ? "running" : $0 }
        return copy
    }

    var description: String {
        "daemons \(daemons.sorted { $0.key < $1.key }), instances \(instances.sorted { $0.key < $1.key }), "
            + "scripts \(scripts), VIPs \(vips)"
    }
}

/// What one `kactl` run printed and how it exited.
struct KactlResult {
    let status: Int32
    let output: String
}

extension FaultLab {
    /// Runs the built kactl against a node's bus (stdout and stderr together, no colours);
    /// a kactl that hangs is killed after a minute.
    func kactl(_ index: Int, _ arguments: [String]) throws -> KactlResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments =
            ["-s", "KILL", "60", try Self.sibling("kactl")] + arguments + ["--bus-address", nodes[index].bus.address]
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return KactlResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// The node through `kactl status --json`; `withLoadTimes` adds each daemon's ConfigLoadedAt.
    func status(_ index: Int, withLoadTimes: Bool = true) throws -> NodeStatus {
        let result = try kactl(index, ["status", "--json"])
        guard result.status == 0,
            let document = try? JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        else { throw TestFailure("kactl status --json: exit \(result.status): \(result.output)") }
        var daemons: [String: String] = [:]
        for (name, value) in document["daemons"] as? [String: Any] ?? [:] {
            let entry = value as? [String: Any] ?? [:]
            var text = entry["running"] as? Bool == true ? "running" : "down"
            if withLoadTimes, let loadedAt = entry["configLoadedAt"] { text += " loaded \(loadedAt)" }
            daemons[name] = text
        }
        func items(_ key: String) -> [(name: String, properties: [String: Any])] {
            (document[key] as? [[String: Any]] ?? []).map {
                ($0["name"] as? String ?? "?", $0["properties"] as? [String: Any] ?? [:])
            }
        }
        var instances: [String: String] = [:]
        for (name, properties) in items("instances") {
            instances[name] = ["State", "Priority", "EffectivePriority", "LastTransition"].map {
                "\(properties[$0] ?? "-")"
            }.joined(separator: " ")
        }
        var scripts: [String: String] = [:]
        for (name, properties) in items("scripts") { scripts[name] = "\(properties["Status"] ?? "-")" }
        let addresses = try network.addresses(in: nodes[index].namespace, interface: nodes[index].interface)
        return NodeStatus(
            daemons: daemons, instances: instances, scripts: scripts,
            vips: vips.values.filter(addresses.contains).sorted())
    }

    /// Every node's status, in node order.
    func statuses(withLoadTimes: Bool = true) throws -> [NodeStatus] {
        try nodes.indices.map { try status($0, withLoadTimes: withLoadTimes) }
    }

    /// Waits (a hang guard) until a node's status is `expected`, failing with the difference.
    func waitForStatus(_ index: Int, _ expected: NodeStatus, _ what: String, withLoadTimes: Bool = true) async throws {
        var last: String?
        do {
            try await waitUntil(what, timeout: .seconds(30)) {
                let now = try status(index, withLoadTimes: withLoadTimes)
                last = "\(now)"
                return now == expected
            }
        } catch {
            throw TestFailure("\(what): expected \(expected)\n got \(last ?? "\(error)")")
        }
    }
}
