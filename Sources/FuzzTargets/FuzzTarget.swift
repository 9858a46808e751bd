import DBus
import KeepalivedConfig
import VRRP

/// What the daemons take from outside, each reachable with arbitrary bytes: one fuzz target per
/// decoder. Whatever the bytes, a target returns: errors are expected, crashes and hangs are bugs.
/// A broken round trip (decode, encode, decode gives something else) is a bug too, and traps.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// VRRP adverts as the raw sockets deliver them: IPv4 with its header, IPv6 bare.
    case vrrpAdvert = "vrrp-advert"
    /// keepalived.conf text through the syntax reader, the model and the linter.
    case config
    /// A D-Bus message as it arrives on the wire, down to our argument values.
    case dbusArguments = "dbus-arguments"

    public func run(_ bytes: [UInt8]) {
        switch self {
        case .vrrpAdvert: Self.vrrpAdvert(bytes)
        case .config: Self.config(bytes)
        case .dbusArguments: Self.dbusArguments(bytes)
        }
    }

    private static let expectations = [
        ReceiveExpectations(
            virtualRouterID: 51, version: .v2, authentication: .password(.init("ka51pw")),
            virtualAddresses: [InetAddress(10, 99, 0, 100)]),
        ReceiveExpectations(
            virtualRouterID: 52, version: .v2, authentication: .ipsecAH(.init("ka52ah")),
            virtualAddresses: [InetAddress(10, 98, 0, 100)]),
        ReceiveExpectations(
            virtualRouterID: 54, version: .v3, advertIntervalCentiseconds: 10,
            virtualAddresses: [InetAddress(10, 0, 0, 1), InetAddress(10, 0, 0, 2)]),
    ]

    private static func vrrpAdvert(_ bytes: [UInt8]) {
        if let received = try? ReceivedVRRPAdvert(ipv4Packet: bytes) {
            _ = try? received.validate(againstInterface: expectations)
            // AH: the HMAC over the whole packet, as keepalived computes it.
            _ = try? received.authenticationHeader?.verify(
                key: .init("ka52ah"), source: received.source, unicast: false)
        }
        // The source of the captured IPv6 goldens, so their checksums hold.
        let linkLocal = InetAddress("fe80::ff:fe00:60a")!
        let group = InetAddress("ff02::12")!
        if let received = try? ReceivedVRRPAdvert(
            message: bytes[...], source: linkLocal, destination: group, ttl: 255)
        {
            let v6 = ReceiveExpectations(
                virtualRouterID: received.advert.virtualRouterID, version: .v3,
                virtualAddresses: [InetAddress("2001:db8::1")!])
            _ = try? received.validate(against: v6)
        }
    }

    private static func config(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let loaded = try? ConfigLoader(configID: "fuzz").load(text: text, file: "fuzz.conf") else { return }
        _ = ConfigLinter(userExists: { $0 == "root" }).lint(loaded.configuration)
        _ = loaded.configuration.rendered
    }

    private static func dbusArguments(_ bytes: [UInt8]) {
        guard let message = try? DBusWireMessage(decoding: bytes) else { return }
        let signature = message.arguments.map(\.signature).joined()
        precondition(signature == message.signature, "decoded (\(signature)) from a (\(message.signature)) body")
        // Re-encoding what we decoded must give the same values back.
        guard
            let again = try? DBusWireMessage.methodCallBytes(
                path: ObjectPath.root.appending(escaping: "fuzz"), interface: nil, member: "Fuzz",
                arguments: message.arguments)
        else { return }
        let decoded = try? DBusWireMessage(decoding: again)
        precondition(
            decoded?.arguments.map(\.description) == message.arguments.map(\.description),
            "arguments changed across a round trip")
    }
}
