import IPVS
import KeepalivedConfig
import Netlink
import Testing

@testable import IPVSDaemon

/// keepalived.conf text through the real loader; a refused text fails the test.
func configuration(_ text: String) throws -> KeepalivedConfiguration {
    try ConfigLoader(configID: "test").load(text: text).configuration
}

func address(_ text: String) -> Netlink.IPAddress {
    Netlink.IPAddress(text)!
}

func tcp(_ host: String, _ port: UInt16) -> IPVSService.Key {
    .address(.tcp, address(host), port: port)
}

func endpoint(_ host: String, _ port: UInt16) -> Endpoint {
    Endpoint(address(host), port)
}

func id(_ vs: String, _ rs: String) -> RealServerID {
    RealServerID(virtualServer: vs, realServer: rs)
}

extension TableState {
    /// Plans against `kernel`, checks that the plan reaches the desired table, and returns it
    /// with the kernel as it would be afterwards.
    mutating func converge(_ kernel: IPVSTable) -> (Step, IPVSTable) {
        let step = step(kernel: kernel)
        let after = kernel.applying(step.operations)
        for key in step.desired.sortedKeys {
            #expect(after.entries[key]?.service.hasSameSettings(as: step.desired.entries[key]!.service) == true)
            if !step.views.contains(where: { $0.suspended && $0.keys.contains(key) }) {
                #expect(
                    after.entries[key]?.destinations.mapValues(\.settingsOnly)
                        == step.desired.entries[key]?.destinations.mapValues(\.settingsOnly),
                    "destinations of \(key)")
            }
        }
        return (step, after)
    }
}

extension IPVSTable {
    func weight(_ key: IPVSService.Key, _ endpoint: Endpoint) -> Int32? {
        entries[key]?.destinations[endpoint]?.weight
    }
}

/// Two real servers behind one TCP service, the shape most tests start from.
let twoServers = """
    virtual_server 10.0.0.1 80 {
        lvs_sched rr
        protocol TCP
        real_server 10.0.0.2 80 { weight 2 }
        real_server 10.0.0.3 80 { weight 3 }
    }
    """
