import VRRP

extension VRRPSocket {
    /// Sends an `auth_type AH` advert to the multicast group or to every unicast peer, each
    /// packet with its own ICV (the destination is covered) and the same `sequenceNumber`, as
    /// keepalived does. The socket must have been opened with `authenticationHeader`.
    public func send(_ advert: VRRPAdvert, sequenceNumber: UInt32, key: VRRPAdvert.Password) throws(VRRPSocketError) {
        guard configuration.authenticationHeader else { throw .encoding(.authenticationHeaderNeedsVersion2AH) }
        var firstError: VRRPSocketError?
        for destination in destinations {
            do {
                try send(advert, to: destination, sequenceNumber: sequenceNumber, key: key)
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
    }

    private func send(
        _ advert: VRRPAdvert, to destination: InetAddress, sequenceNumber: UInt32, key: VRRPAdvert.Password
    ) throws(VRRPSocketError) {
        guard let target = destination.inAddr else { throw .unsupportedAddress(destination) }
        let packet: [UInt8]
        do {
            packet = try advert.encodedAuthenticatedIPv4Packet(
                source: sourceAddress, destination: destination, identification: nextIdentification(),
                sequenceNumber: sequenceNumber, key: key)
        } catch {
            throw .encoding(error)
        }
        try descriptor.withOpenDescriptor { (fd) throws(VRRPSocketError) in
            try sendDatagram(fd, packet, to: target, "sendto(\(destination)) on \(interface.name)")
        }
    }

    /// 1, 2, ... wrapping past 0, which would let the kernel choose one after the ICV.
    private func nextIdentification() -> UInt16 {
        while true {
            let value = identification.wrappingAdd(1, ordering: .relaxed).newValue
            if value != 0 { return value }
        }
    }
}
