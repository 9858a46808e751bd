import IPVS
import Netlink

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `ipvs-vm-test bench`: the IPVS apply benchmark's in-VM half (Benchmarks/ipvs-apply.sh). The
/// same table is applied three ways in one VM run, each from an empty table: one netlink request
/// per entry through the IPVS module, then `ipvsadm -R`; then 1% of the weights changed both ways.
/// Prints `BENCH name ms` lines and asserts nothing beyond the table being what was asked.
struct ApplyBenchmark {
    let ipvs: IPVS
    var services = 100
    var destinationsPerService = 100

    /// The benchmark's table: service `s` is 10.100.(s/250).(s%250+1):80, its destinations
    /// 10.(101 + s/250).(s%250).(d+1):8080, NAT, weight 1 + d % 10.
    var table: [(IPVSService, [IPVSDestination])] {
        (0..<services).map { s in
            let key = IPVSService.Key.address(.tcp, address("10.100.\(s / 250).\(s % 250 + 1)"), port: 80)
            let destinations = (0..<destinationsPerService).map { d in
                IPVSDestination(
                    address("10.\(101 + s / 250).\(s % 250).\(d + 1)"), port: 8080, weight: Int32(1 + d % 10))
            }
            return (IPVSService(key, scheduler: "wlc"), destinations)
        }
    }

    /// Every 100th destination, its weight raised by 100: 1% of the weights.
    func changed(_ table: [(IPVSService, [IPVSDestination])]) -> [(IPVSService.Key, IPVSDestination)] {
        var changes: [(IPVSService.Key, IPVSDestination)] = []
        var index = 0
        for (service, destinations) in table {
            for var destination in destinations {
                if index % 100 == 0 {
                    destination.weight += 100
                    changes.append((service.key, destination))
                }
                index += 1
            }
        }
        return changes
    }

    func perform() throws {
        let table = table
        let changes = changed(table)
        let total = table.reduce(0) { $0 + $1.1.count }
        say("BENCH table \(table.count) services \(total) destinations, \(changes.count) weight changes")

        try ipvs.flush()
        let apply = try measure {
            for (service, destinations) in table {
                try ipvs.addService(service)
                for destination in destinations { try ipvs.addDestination(destination, to: service.key) }
            }
        }
        try expectCount(total)
        say("BENCH ipvs-module-apply \(apply) ms")
        let reweigh = try measure {
            for (key, destination) in changes { try ipvs.editDestination(destination, of: key) }
        }
        try expectWeights(changes)
        say("BENCH ipvs-module-reweigh \(reweigh) ms")
        let read = try measure { _ = try ipvs.services().map { try ipvs.destinations(of: $0.key) } }
        say("BENCH ipvs-module-read-table \(read) ms")

        try ipvs.flush()
        try writeRestoreFiles(table, changes)
        let restore = try measure { _ = try run("ipvsadm -R < /tmp/bench-table") }
        try expectCount(total)
        say("BENCH ipvsadm-R-apply \(restore) ms")
        let restoreEdits = try measure { _ = try run("ipvsadm -R < /tmp/bench-reweigh") }
        try expectWeights(changes)
        say("BENCH ipvsadm-R-reweigh \(restoreEdits) ms")
        let listing = try measure { _ = try run("ipvsadm -Ln > /dev/null") }
        say("BENCH ipvsadm-Ln \(listing) ms")
        try ipvs.flush()
    }

    private func writeRestoreFiles(
        _ table: [(IPVSService, [IPVSDestination])], _ changes: [(IPVSService.Key, IPVSDestination)]
    ) throws {
        var text = ""
        for (service, destinations) in table {
            let vip = endpoint(service.key)
            text += "-A -t \(vip) -s \(service.scheduler)\n"
            for destination in destinations {
                text += "-a -t \(vip) -r \(destination.address):\(destination.port) -m -w \(destination.weight)\n"
            }
        }
        try write(text, to: "/tmp/bench-table")
        try write(
            changes.map { "-e -t \(endpoint($0.0)) -r \($0.1.address):\($0.1.port) -m -w \($0.1.weight)\n" }.joined(),
            to: "/tmp/bench-reweigh")
    }

    private func endpoint(_ key: IPVSService.Key) -> String {
        guard case .address(_, let address, let port) = key else { return "\(key)" }
        return "\(address):\(port)"
    }

    private func expectCount(_ total: Int) throws {
        let found = try ipvs.services().reduce(0) { $0 + (try ipvs.destinations(of: $1.key).count) }
        try expect(found == total, "the table has \(found) destinations, expected \(total)")
    }

    private func expectWeights(_ changes: [(IPVSService.Key, IPVSDestination)]) throws {
        for (key, wanted) in changes.prefix(5) {
            let weight = try ipvs.destinations(of: key).first { $0.address == wanted.address }?.weight
            try expect(weight == wanted.weight, "\(wanted.address) of \(key) has weight \(String(describing: weight))")
        }
    }
}

/// Milliseconds `body` took, with a tenth of a millisecond.
func measure(_ body: () throws -> Void) throws -> String {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    let elapsed = clock.now - start
    let tenths = elapsed.components.seconds * 10_000 + elapsed.components.attoseconds / 100_000_000_000_000
    return "\(tenths / 10).\(tenths % 10)"
}

func write(_ text: String, to path: String) throws {
    guard let file = fopen(path, "w") else { throw CaseFailure("cannot write \(path)") }
    defer { fclose(file) }
    let bytes = Array(text.utf8)
    guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { throw CaseFailure("short write to \(path)") }
}
