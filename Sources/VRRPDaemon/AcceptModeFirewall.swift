import Glibc
import Logging
import VRRP

/// `no_accept` the way keepalived does it with nftables: a table of vrrpd's own (`inet
/// keepalive`) whose input and output chains drop traffic to and from the addresses in two
/// sets, which hold the VIPs of every MASTER that is not the address owner. Neighbour discovery
/// still passes, so neighbours can resolve the VIPs that route traffic through this router.
///
/// One per daemon. Commands run in order on a worker task, never on the transition's path;
/// `nft` failures are logged. The table is created at first use (replacing a crashed
/// predecessor's) and deleted by `finish()`.
final class AcceptModeFirewall: Sendable {
    static let family = "inet"
    static let table = "keepalive"

    /// One `nft` command line; `mayFail` for deletions of what may already be gone.
    private struct Command: Sendable {
        var text: String
        var mayFail = false
    }

    private let jobs: AsyncStream<Command>.Continuation
    private let worker: Task<Void, Never>

    /// Debian's path, else whatever PATH finds (`apt-get install nftables`).
    static var nftExecutable: String { access("/usr/sbin/nft", X_OK) == 0 ? "/usr/sbin/nft" : "nft" }

    init(logger: Logger, nft: String = AcceptModeFirewall.nftExecutable) {
        let (stream, continuation) = AsyncStream.makeStream(of: Command.self)
        jobs = continuation
        worker = Task {
            for await command in stream {
                switch await NotifyRunner.run([nft, command.text]) {
                case .success(0): break
                case .success(let code) where !command.mayFail:
                    logger.error("nft \(command.text) exited with status \(code)")
                case .failure(let error) where !command.mayFail:
                    logger.error("cannot run nft for no_accept: \(error)")
                default: break
                }
            }
        }
        let table = "\(Self.family) \(Self.table)"
        jobs.yield(Command(text: "delete table \(table)", mayFail: true))
        jobs.yield(
            Command(
                text: [
                    "add table \(table)",
                    "add set \(table) vips4 { type ipv4_addr; }",
                    "add set \(table) vips6 { type ipv6_addr; }",
                    "add chain \(table) input { type filter hook input priority -1; policy accept; }",
                    "add rule \(table) input icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept",
                    "add rule \(table) input ip daddr @vips4 drop",
                    "add rule \(table) input ip6 daddr @vips6 drop",
                    "add chain \(table) output { type filter hook output priority -1; policy accept; }",
                    "add rule \(table) output icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept",
                    "add rule \(table) output ip saddr @vips4 drop",
                    "add rule \(table) output ip6 saddr @vips6 drop",
                ].joined(separator: "; ")))
    }

    /// Deletes a table a crashed vrrpd left behind, so no VIP stays blocked until an instance
    /// needs `no_accept` again. Waits for `nft`; without nft there is nothing to remove.
    static func removeLeftover(logger: Logger, nft: String = AcceptModeFirewall.nftExecutable) async {
        let result = await NotifyRunner.run([nft, "delete", "table", family, table], quiet: true)
        if case .success(0) = result {
            logger.info("Removed nftables table \(family) \(table) left by an earlier run")
        }
    }

    /// A MASTER without accept mode took these addresses: traffic to them is dropped.
    func block(_ addresses: [InetAddress]) {
        for command in Self.elements("add", addresses) { jobs.yield(Command(text: command)) }
    }

    /// The addresses left (or accept mode no longer applies): their traffic passes again.
    func unblock(_ addresses: [InetAddress]) {
        for command in Self.elements("delete", addresses) { jobs.yield(Command(text: command, mayFail: true)) }
    }

    /// Deletes the table after every queued change, then stops the worker.
    func finish() async {
        jobs.yield(Command(text: "delete table \(Self.family) \(Self.table)", mayFail: true))
        jobs.finish()
        await worker.value
    }

    /// One `add|delete element` command per family that has addresses.
    static func elements(_ verb: String, _ addresses: [InetAddress]) -> [String] {
        let v4 = addresses.filter { $0.family == .ipv4 }.map(\.description)
        let v6 = addresses.filter { $0.family == .ipv6 }.map(\.description)
        return [("vips4", v4), ("vips6", v6)].compactMap { set, members in
            members.isEmpty
                ? nil : "\(verb) element \(family) \(table) \(set) { \(members.joined(separator: ", ")) }"
        }
    }
}
