extension InetAddress {
    /// True for fe80::/10: an address that means something on one link only, so a socket
    /// needs the interface (its scope) to send to or from it.
    public var isIPv6LinkLocal: Bool {
        guard case .v6(let high, _) = self else { return false }
        return high >> 54 == 0x3FA
    }
}
