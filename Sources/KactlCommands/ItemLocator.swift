import DBus

/// Finds the object a control command names, so a typo gets "no VRRP instance named X; known: ...".
struct ItemLocator {
    let connection: DBusConnection

    /// The object of `kind` named by `names` (one name, or virtual server and real server).
    ///
    /// Tries the contract's escaped path first, then any object of that kind whose name (its
    /// `Name` property, or its labels; for a real server also `VirtualServer`/`Address:Port`)
    /// matches, so both `VI_1` and the forms the daemon shows work.
    func find(_ kind: ItemKind, _ names: [String]) async throws(KactlFailure) -> BusItem {
        let status = try await DaemonStatus.read(kind.daemon, on: connection)
        guard status.isRunning else { throw .notRunning([kind.daemon]) }
        if let error = status.error { throw .refused(kind.daemon, DBusError.failed(error)) }
        let candidates = status.items.filter { $0.interface == kind.interface }
        var path = kind.daemon.rootPath.appending(escaping: kind.pathLabel)
        for name in names { path = path.appending(escaping: name) }
        if let exact = candidates.first(where: { $0.path == path }) { return exact }
        if let match = candidates.first(where: { matches($0, names) }) { return match }
        throw .noSuchObject(
            kind: kind, name: names.joined(separator: " "),
            known: candidates.map { display($0) }.sorted())
    }

    private func matches(_ item: BusItem, _ names: [String]) -> Bool {
        if names.count == 1 { return item.name == names[0] }
        let labels = item.name.split(separator: "/").map(String.init)
        let virtualServer = item["VirtualServer"].map { ValueFormatting.text($0) }
        let address = item["Address"].map { ValueFormatting.text($0) }
        let endpoint = address.map { "\($0):\(ValueFormatting.text(item["Port"]))" }
        let vsMatches = names[0] == virtualServer || labels.first == names[0]
        let rsMatches = names[1] == endpoint || names[1] == address || labels.last == names[1]
        return names.count == 2 && vsMatches && rsMatches
    }

    /// How the user can name the object: the instance name, or `VS RS`.
    private func display(_ item: BusItem) -> String {
        guard ItemKind(interface: item.interface) == .realServer else { return item.name }
        let labels = item.name.split(separator: "/").map(String.init)
        return labels.joined(separator: " ")
    }

    /// Calls a contract method on the object, letting polkit ask the user for a password.
    func call(_ item: BusItem, _ method: String, _ arguments: [DBusValue] = []) async throws(KactlFailure) {
        do {
            _ = try await connection.call(
                destination: item.daemon.busName, path: item.path, interface: item.interface, method: method,
                arguments: arguments, allowInteractiveAuthorization: true)
        } catch let error as DBusError {
            throw .refused(item.daemon, error)
        } catch {
            throw .refused(item.daemon, DBusError.failed("\(error)"))
        }
    }
}

/// Connects, finds the object, calls the method and says what was done.
func control(
    _ bus: BusOptions, _ kind: ItemKind, _ names: [String], _ method: String, _ arguments: [DBusValue] = [],
    done: String
) async throws {
    try await reportingFailures { () throws(KactlFailure) in
        let connection = try await bus.connect()
        defer { connection.close() }
        let locator = ItemLocator(connection: connection)
        let item = try await locator.find(kind, names)
        try await locator.call(item, method, arguments)
        printLine("\(names.joined(separator: " ")): \(done)")
    }
}
