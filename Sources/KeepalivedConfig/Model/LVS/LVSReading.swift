/// Value readers shared by the LVS blocks. Like the base readers, each reports a bad value at
/// the word that holds it and returns nil so reading goes on.
extension Statement {
    /// keepalived's TIMER: seconds, with decimals down to microseconds (`warmup`,
    /// `delay_before_retry`, `misc_timeout`), where 0 is allowed.
    func timer(_ diagnostics: inout Diagnostics) -> Double? {
        decimal(in: 0...Double(UInt32.max), &diagnostics)
    }

    /// `delay_loop`: at least one microsecond, as keepalived requires.
    func delayLoop(_ diagnostics: inout Diagnostics) -> Double? {
        decimal(in: 0.000001...Double(UInt32.max), &diagnostics)
    }

    /// `connect_timeout`: one microsecond up to 4294.967295 seconds (UINT_MAX microseconds).
    func connectTimeout(_ diagnostics: inout Diagnostics) -> Double? {
        decimal(in: 0.000001...4294.967295, &diagnostics)
    }

    /// `retry` of a virtual or real server: at least 1 (a checker's own retry may be 0).
    func serverRetry(_ diagnostics: inout Diagnostics) -> Int? {
        integer(in: 1...Int(UInt32.max), &diagnostics)
    }

    /// A word that must be one of an enum's raw values, such as `lvs_sched rr`.
    func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ diagnostics: inout Diagnostics) -> T?
    where T.RawValue == String {
        let names = T.allCases.map(\.rawValue).joined(separator: ", ")
        guard let word = argument(0, &diagnostics, expected: "one of \(names)") else { return nil }
        guard let value = T(rawValue: word.text) else {
            diagnostics.error("'\(name)' expects one of \(names), got '\(word.text)'", at: word.location)
            return nil
        }
        return value
    }

    /// `NAT`, `DR` or `TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]`, checked the way
    /// keepalived checks tunnel options.
    func forwardingMethod(_ diagnostics: inout Diagnostics) -> ForwardingMethod? {
        guard let word = argument(0, &diagnostics, expected: "NAT, DR or TUN") else { return nil }
        guard let kind = ForwardingMethod.Kind(rawValue: word.text) else {
            diagnostics.error("'\(name)' expects NAT, DR or TUN, got '\(word.text)'", at: word.location)
            return nil
        }
        var method = ForwardingMethod(kind)
        var rest = arguments.dropFirst()
        if kind == .tun, let type = rest.first, type.text == "type" {
            rest = rest.dropFirst()
            guard let typeWord = rest.popFirst() else {
                diagnostics.error("'\(name)' expects a tunnel type after 'type'", at: type.location)
                return nil
            }
            guard let tunnelType = ForwardingMethod.TunnelType(rawValue: typeWord.text) else {
                diagnostics.error(
                    "'\(name)' expects tunnel type ipip, gue or gre, got '\(typeWord.text)'", at: typeWord.location)
                return nil
            }
            method.tunnelType = tunnelType
            if tunnelType == .gue {
                guard rest.first?.text == "port", let portWord = rest.dropFirst().first else {
                    diagnostics.error("'\(name)': a gue tunnel needs 'port NUMBER'", at: typeWord.location)
                    return nil
                }
                guard let port = portWord.integer(in: 1...65535, for: "\(name) port", &diagnostics) else { return nil }
                method.tunnelPort = port
                rest = rest.dropFirst(2)
            }
        }
        if kind == .tun, let checksumWord = rest.first,
            let checksum = ForwardingMethod.TunnelChecksum(rawValue: checksumWord.text)
        {
            switch (method.tunnelType ?? .ipip, checksum) {
            case (.ipip, _):
                diagnostics.error("'\(name)': ipip tunnels do not support a checksum option", at: checksumWord.location)
                return nil
            case (.gre, .remcsum):
                diagnostics.error(
                    "'\(name)': gre tunnels do not support the remote checksum option", at: checksumWord.location)
                return nil
            default:
                method.tunnelChecksum = checksum
                rest = rest.dropFirst()
            }
        }
        if let extra = rest.first {
            diagnostics.error("'\(name)': unexpected '\(extra.text)' after the forwarding method", at: extra.location)
            return nil
        }
        return method
    }

    /// The `<IPADDR> [<PORT>]` of a real or sorry server, starting at argument `index`.
    func serverAddress(
        at index: Int = 0, _ diagnostics: inout Diagnostics
    ) -> (address: IPAddress, port: Int?)? {
        guard let word = argument(index, &diagnostics, expected: "an IP address and an optional port"),
            let address = word.address(for: name, &diagnostics)
        else { return nil }
        var port: Int?
        if arguments.count > index + 1 {
            guard let value = arguments[index + 1].integer(in: 1...65535, for: "\(name) port", &diagnostics) else {
                return nil
            }
            port = value
        }
        if arguments.count > index + 2 {
            diagnostics.error("'\(name)': unexpected '\(arguments[index + 2].text)'", at: arguments[index + 2].location)
            return nil
        }
        return (address, port)
    }
}

extension ConfigWriter {
    /// `keyword script [user [group]]` when the script is set.
    mutating func script(_ keyword: String, _ script: NotifyCommand?) {
        script?.render(keyword, into: &self)
    }

    /// `keyword on|off` when the boolean is set.
    mutating func boolean(_ keyword: String, _ value: Bool?) {
        guard let value else { return }
        line(keyword, value ? "on" : "off")
    }

    mutating func method(_ keyword: String, _ method: ForwardingMethod?) {
        guard let method else { return }
        line([keyword] + method.words)
    }
}
