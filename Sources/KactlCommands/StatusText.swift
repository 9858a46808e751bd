import DBus

/// `kactl status` for a person: daemons first, then one section per kind of object.
struct StatusText {
    let snapshot: StatusSnapshot
    let palette: Palette

    var rendered: String {
        var lines: [String] = []
        for daemon in snapshot.daemons { lines += daemonLines(daemon) }
        for kind in ItemKind.allCases {
            let items = snapshot.items(kind)
            let serving = snapshot.status(of: kind.daemon)?.isRunning == true
            // A section whose daemon is down says so once instead of showing nothing.
            if items.isEmpty {
                let why = serving ? "none" : "none, \(kind.daemon.rawValue) not running"
                lines += ["", palette.bold(kind.title) + ": " + palette.dim(why)]
                continue
            }
            lines += ["", palette.bold(kind.title)] + section(kind, items)
        }
        let others = snapshot.otherItems
        if !others.isEmpty {
            lines += ["", palette.bold("Other objects")]
            lines += others.map { "  \($0.daemon.rawValue) \($0.path) \($0.interface)  \(generic($0, except: []))" }
        }
        return lines.joined(separator: "\n")
    }

    private func daemonLines(_ status: DaemonStatus) -> [String] {
        let name = status.daemon.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
        guard let owner = status.owner else {
            return [
                palette.dim("○") + " \(name) " + palette.red("not running")
                    + palette.dim("  (\(status.daemon.busName))")
            ]
        }
        var lines = [
            palette.green("●") + " \(palette.bold(name)) " + palette.green("running")
                + "  \(status.daemon.busName) (\(owner))  version \(ValueFormatting.text(status.root["Version"]))"
        ]
        if let error = status.error {
            lines.append("    " + palette.red("cannot read: \(error)"))
        } else {
            lines.append(
                "    config \(ValueFormatting.text(status.root["ConfigFile"])), loaded "
                    + ValueFormatting.text(status.root["ConfigLoadedAt"], property: "ConfigLoadedAt"))
        }
        return lines
    }

    private func section(_ kind: ItemKind, _ items: [BusItem]) -> [String] {
        switch kind {
        case .instance: items.flatMap(instance)
        case .script: items.map(script)
        case .realServer: realServers(items)
        case .syncGroup: items.map(syncGroup)
        case .service: items.map { "  \(palette.bold($0.name))  \(generic($0, except: ["Name"]))" }
        }
    }

    private func instance(_ item: BusItem) -> [String] {
        let state = ValueFormatting.text(item["State"])
        var first = "  \(palette.bold(item.name))  \(palette.state(state))"
        first +=
            "  priority \(ValueFormatting.text(item["Priority"]))/\(ValueFormatting.text(item["EffectivePriority"]))"
        first += "  \(ValueFormatting.text(item["Interface"])) vrid \(ValueFormatting.text(item["VirtualRouterId"]))"
        if item["Version"] != nil { first += " v\(ValueFormatting.text(item["Version"]))" }
        let master = ValueFormatting.text(item["MasterAddress"])
        let vips = ValueFormatting.text(item["VirtualAddresses"])
        var second = "    master \(master.isEmpty ? "unknown" : master)  VIPs \(vips.isEmpty ? "none" : vips)"
        second += since(item)
        return [first, second]
    }

    private func syncGroup(_ item: BusItem) -> String {
        var line = "  \(palette.bold(item.name))  \(palette.state(ValueFormatting.text(item["State"])))"
        if let members = item["Members"] { line += "  members \(ValueFormatting.text(members))" }
        return line + since(item)
    }

    /// `  since 2026-11-22 21:10:00 (reason)`, or nothing before the first transition.
    private func since(_ item: BusItem) -> String {
        guard let micros = item["LastTransition"]?.uint64Value, micros > 0 else { return "" }
        var text = "  since \(ValueFormatting.text(.uint64(micros), property: "LastTransition"))"
        if let reason = item["LastReason"]?.stringValue, !reason.isEmpty { text += " (\(reason))" }
        return text
    }

    private func script(_ item: BusItem) -> String {
        var line = "  \(palette.bold(item.name))  \(palette.state(ValueFormatting.text(item["Status"])))"
        line += "  exit \(ValueFormatting.text(item["LastExitStatus"]))  weight \(ValueFormatting.text(item["Weight"]))"
        line += "  last run \(ValueFormatting.text(item["LastRun"], property: "LastRun"))"
        return line
    }

    /// Real servers grouped under their virtual server.
    private func realServers(_ items: [BusItem]) -> [String] {
        var groups: [String: [BusItem]] = [:]
        for item in items { groups[virtualServer(of: item), default: []].append(item) }
        return groups.keys.sorted().flatMap { vs in
            ["  \(palette.bold(vs))"] + groups[vs]!.map(realServer)
        }
    }

    private func virtualServer(of item: BusItem) -> String {
        if let vs = item["VirtualServer"] { return ValueFormatting.text(vs) }
        return item.name.split(separator: "/").first.map(String.init) ?? item.name
    }

    private func realServer(_ item: BusItem) -> String {
        let address =
            item["Address"].map { "\(ValueFormatting.text($0)):\(ValueFormatting.text(item["Port"]))" }
            ?? item.name
        let health = item["Healthy"]?.boolValue.map { $0 ? "healthy" : "unhealthy" } ?? "-"
        var line = "    \(address)  \(palette.state(health))  weight \(ValueFormatting.text(item["Weight"]))"
        line += "  \(palette.state(ValueFormatting.text(item["AdminState"])))"
        if let checkers = item["Checkers"] { line += "  checkers \(ValueFormatting.text(checkers))" }
        if let error = item["LastError"]?.stringValue, !error.isEmpty { line += "  " + palette.red(error) }
        return line
    }

    /// Every property but `except`, as `Key=value`.
    private func generic(_ item: BusItem, except: Set<String>) -> String {
        item.properties.keys.sorted().filter { !except.contains($0) }
            .map { "\($0)=\(ValueFormatting.text(item[$0], property: $0))" }.joined(separator: "  ")
    }
}

/// `kactl status --json`: a stable document, keys sorted, property names as on the bus.
enum StatusJSON {
    static func document(_ snapshot: StatusSnapshot) -> JSONValue {
        var daemons: [String: JSONValue] = [:]
        for status in snapshot.daemons {
            var entry: [String: JSONValue] = [
                "busName": .string(status.daemon.busName),
                "running": .bool(status.isRunning),
                "owner": status.owner.map(JSONValue.string) ?? .null,
            ]
            if status.isRunning {
                entry["version"] = status.root["Version"].map(JSONValue.init) ?? .null
                entry["configFile"] = status.root["ConfigFile"].map(JSONValue.init) ?? .null
                entry["configLoadedAt"] = status.root["ConfigLoadedAt"].map(JSONValue.init) ?? .null
                if let stats = status.root["Stats"] { entry["stats"] = JSONValue(stats) }
                if let error = status.error { entry["error"] = .string(error) }
            }
            daemons[status.daemon.rawValue] = .object(entry)
        }
        var document: [String: JSONValue] = ["daemons": .object(daemons)]
        for kind in ItemKind.allCases { document[kind.jsonKey] = .array(snapshot.items(kind).map(item)) }
        document["otherObjects"] = .array(snapshot.otherItems.map(item))
        return .object(document)
    }

    /// One object: where it lives, and its properties under their bus names.
    static func item(_ item: BusItem) -> JSONValue {
        .object([
            "daemon": .string(item.daemon.rawValue), "path": .string(item.path.rawValue),
            "interface": .string(item.interface), "name": .string(item.name),
            "properties": JSONValue(properties: item.properties),
        ])
    }
}
