/// Two vrrpd routers on one link, each with its own private bus: what most tests start from.
struct TwoRouters {
    let network: RouterNetwork
    let a: VRRPDProcess
    let b: VRRPDProcess

    /// Runs vrrpd in both namespaces with these instances, and cleans everything up.
    static func with<Result>(
        a instanceA: (RouterNetwork) -> TestInstance, b instanceB: (RouterNetwork) -> TestInstance,
        _ body: (TwoRouters) async throws -> Result
    ) async throws -> Result {
        try await RouterNetwork.with { network in
            try await PrivateBus.with { busA in
                try await PrivateBus.with { busB in
                    try await VRRPDProcess.with(
                        namespace: network.a, configuration: instanceA(network).configuration, bus: busA
                    ) { a in
                        try await VRRPDProcess.with(
                            namespace: network.b, configuration: instanceB(network).configuration, bus: busB
                        ) { b in
                            try await body(TwoRouters(network: network, a: a, b: b))
                        }
                    }
                }
            }
        }
    }

    func holdsVirtualAddress(_ router: VRRPDProcess) throws -> Bool {
        try network.holdsVirtualAddress(router.namespace)
    }
}
