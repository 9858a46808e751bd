import ArgumentParser
import Foundation
import VRRP
import VRRPSockets

/// `kactl scan IFACE`: listens to the VRRP adverts on a link and lists every VRID heard, with
/// the clashes between its senders — what people otherwise piece together from tcpdump.
struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "List the VRRP routers heard on an interface, and the clashes between them.",
        discussion: """
            Needs root (a raw socket). Listens for VRRP adverts to 224.0.0.18 and ff02::12 on the interface and lists every \
            VRID heard: its senders' addresses, priority, version, auth type, interval, virtual \
            addresses, advert count and when each was last seen (seconds into the scan). Adverts with a TTL other than 255 are \
            listed too. Passwords are never printed, only whether they differ. A clash is one VRID \
            with different address lists, versions, intervals, auth types or passwords, or two \
            senders advertising at the same time (only the master advertises: split brain or a VRID \
            used twice). Exit status: 0 no clash, 1 a clash was found or the scan failed, 2 bad usage.
            """
    )

    @Argument(help: "The interface to listen on.")
    var interface: String

    @Option(help: "How long to listen, in seconds.")
    var seconds: Double = 5

    @Flag(help: "Print the survey as JSON.")
    var json = false

    func validate() throws {
        guard seconds.isFinite, seconds > 0, seconds <= 86_400 else {
            throw ValidationError("--seconds must be a number of seconds above 0 (at most 86400), not \(seconds)")
        }
    }

    func run() async throws {
        var sockets: [VRRPSocket] = []
        do {
            // Never sends: the source address only satisfies the socket's configuration, so an
            // interface without an IPv4 address can be scanned too.
            sockets.append(
                try VRRPSocket(.init(interface: interface, sourceAddress: .v4(0), receiveQueueLimit: 4096)))
        } catch {
            printError("kactl scan: cannot listen on \(interface): \(error)\(getuid() == 0 ? "" : " (needs root)")")
            throw ExitCode.failure
        }
        // IPv6 adverts go to ff02::12. Bound to :: for the same reason, so a link-local address
        // still in duplicate address detection (or none at all) does not stop the scan.
        do {
            sockets.append(
                try VRRPSocket(
                    .init(
                        interface: interface, destination: .multicast(group: VRRPAdvert.ipv6MulticastGroup),
                        sourceAddress: .v6(high: 0, low: 0), receiveQueueLimit: 4096)))
        } catch {
            printError("kactl scan: not listening for IPv6 adverts on \(interface): \(error)")
        }
        let survey = await Self.listen(on: sockets, for: .milliseconds(Int64((seconds * 1000).rounded())))
        let report = ScanReport(interface: interface, seconds: seconds, survey: survey)
        if json {
            print(report.json)
        } else {
            print(report.table(palette: .standardOutput), terminator: "")
        }
        if survey.hasClash { throw ExitCode.failure }
    }

    /// Collects adverts from every socket until `duration` has passed, then closes the sockets,
    /// which ends them.
    static func listen(on sockets: [VRRPSocket], for duration: Duration) async -> VRIDSurvey {
        let clock = ContinuousClock()
        let start = clock.now
        let (arrivals, arrival) = AsyncStream.makeStream(
            of: (Result<ReceivedVRRPAdvert, AdvertDropReason>, Duration).self)
        return await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // One reader per socket feeds the merged stream, which ends when they all have.
                await withTaskGroup(of: Void.self) { readers in
                    for socket in sockets {
                        readers.addTask {
                            // TTL is not checked: a sender whose adverts every router drops is
                            // what a scan is for.
                            for await result in socket.adverts(options: .init(requireTTL255: false)) {
                                arrival.yield((result, clock.now - start))
                            }
                        }
                    }
                }
                arrival.finish()
            }
            group.addTask {
                try? await Task.sleep(for: duration)
                for socket in sockets { socket.close() }
            }
            var survey = VRIDSurvey()
            for await (result, elapsed) in arrivals {
                switch result {
                case .success(let advert): survey.record(advert, at: elapsed)
                case .failure(let reason): survey.recordDrop(reason)
                }
            }
            group.cancelAll()
            return survey
        }
    }
}

/// A survey as kactl prints it: a table for people, JSON with sorted keys for scripts.
struct ScanReport: Encodable {
    struct SenderRecord: Encodable {
        var address: String
        var priority: Int
        var version: Int
        var authType: String
        var advertIntervalSeconds: Double
        var virtualAddresses: [String]
        var adverts: Int
        var firstSeenSeconds: Double
        var lastSeenSeconds: Double
        var ttl: Int
    }

    struct ClashRecord: Encodable {
        var kind: String
        var senders: [String]?
        var message: String
    }

    struct RouterRecord: Encodable {
        var vrid: Int
        /// `ipv4` or `ipv6`: one VRID can run over both, as two virtual routers.
        var family: String
        var senders: [SenderRecord]
        var clashes: [ClashRecord]
    }

    var interface: String
    var seconds: Double
    var virtualRouters: [RouterRecord]
    /// Packets that were VRRP but could not be read, by reason.
    var dropped: [String: Int]
    var clash: Bool

    init(interface: String, seconds: Double, survey: VRIDSurvey) {
        self.interface = interface
        self.seconds = seconds
        dropped = survey.drops
        clash = survey.hasClash
        virtualRouters = survey.virtualRouters.map { router in
            RouterRecord(
                vrid: Int(router.virtualRouterID), family: router.family == .ipv4 ? "ipv4" : "ipv6",
                senders: router.senders.map { sender in
                    SenderRecord(
                        address: sender.source.description, priority: Int(sender.priority),
                        version: Int(sender.version.rawValue), authType: Self.name(of: sender.authType),
                        advertIntervalSeconds: Double(sender.advertIntervalCentiseconds) / 100,
                        virtualAddresses: sender.addresses.map(\.description), adverts: sender.advertCount,
                        firstSeenSeconds: Self.seconds(sender.firstSeen),
                        lastSeenSeconds: Self.seconds(sender.lastSeen),
                        ttl: Int(sender.ttl))
                },
                clashes: router.clashes.map(Self.record(of:)))
        }
    }

    /// keepalived's `auth_type` words.
    static func name(of type: VRRPAdvert.AuthType) -> String {
        switch type {
        case .none: "none"
        case .simplePassword: "PASS"
        case .ipsecAH: "AH"
        }
    }

    /// Milliseconds are plenty, and keep the JSON short.
    static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return (Double(whole) + Double(attoseconds / 1_000_000_000_000_000) / 1000)
    }

    static func record(of clash: VRIDSurvey.Clash) -> ClashRecord {
        switch clash {
        case .addressLists: ClashRecord(kind: "address_lists", message: "the senders advertise different addresses")
        case .versions: ClashRecord(kind: "versions", message: "the senders run different VRRP versions")
        case .advertIntervals: ClashRecord(kind: "advert_intervals", message: "the senders' advert_int differ")
        case .authTypes: ClashRecord(kind: "auth_types", message: "the senders' auth_type differ")
        case .passwords: ClashRecord(kind: "passwords", message: "the senders' auth_pass differ")
        case .twoMasters(let one, let two):
            ClashRecord(
                kind: "two_masters", senders: [one.description, two.description],
                message: "\(one) and \(two) are both master")
        }
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }

    func table(palette: Palette) -> String {
        var text = ""
        let header = ["SENDER", "PRIO", "VER", "AUTH", "INTERVAL", "ADVERTS", "LAST SEEN", "TTL", "VIPS"]
        for router in virtualRouters {
            let verdict =
                router.clashes.isEmpty
                ? palette.green("ok") : palette.red("CLASH: " + router.clashes.map(\.message).joined(separator: "; "))
            let family = router.family == "ipv6" ? " (IPv6)" : ""
            text += palette.bold("VRID \(router.vrid)\(family)") + "  \(verdict)\n"
            let rows = router.senders.map { sender in
                [
                    sender.address, "\(sender.priority)", "v\(sender.version)", sender.authType,
                    Self.format(sender.advertIntervalSeconds) + "s", "\(sender.adverts)",
                    Self.format(sender.lastSeenSeconds) + "s",
                    sender.ttl == 255 ? "255" : palette.yellow("\(sender.ttl)"),
                    sender.virtualAddresses.joined(separator: " "),
                ]
            }
            text += Self.align([header] + rows).map { "  " + $0 + "\n" }.joined()
        }
        let clashing = virtualRouters.filter { !$0.clashes.isEmpty }.count
        text += "\(plural(virtualRouters.count, "VRID")) heard on \(interface) in \(Self.format(seconds))s"
        text += clashing == 0 ? ", no clash\n" : ", " + palette.red("\(clashing) with a clash") + "\n"
        if !dropped.isEmpty {
            let counts = dropped.keys.sorted().map { "\($0) \(dropped[$0]!)" }.joined(separator: ", ")
            text += palette.yellow("unreadable VRRP packets: \(counts)") + "\n"
        }
        return text
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }

    /// Pads every column but the last to its widest cell, colour codes not counted.
    static func align(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in
            rows.map { column < $0.count ? visibleWidth($0[column]) : 0 }.max() ?? 0
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1
                    ? cell : cell + String(repeating: " ", count: widths[index] - visibleWidth(cell))
            }.joined(separator: "  ")
        }
    }

    /// Characters a terminal shows: ANSI colour sequences (`ESC [ ... m`) take no room.
    static func visibleWidth(_ text: String) -> Int {
        var width = 0
        var inEscape = false
        for character in text {
            if inEscape {
                if character == "m" { inEscape = false }
            } else if character == "\u{1B}" {
                inEscape = true
            } else {
                width += 1
            }
        }
        return width
    }
}
