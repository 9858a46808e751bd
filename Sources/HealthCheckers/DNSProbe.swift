import KeepalivedConfig
import NIOCore

/// `DNS_CHECK`: one query (`type`, `name`, recursion desired) over UDP; the reply must carry our
/// id and at least one answer record. No reply in connect_timeout is a timeout.
public struct DNSProbe: RealServerProbe {
    public let target: ProbeTarget
    public let type: DNSCheck.QueryType
    public let name: String
    let group: any EventLoopGroup

    public var keyword: String { "DNS_CHECK" }

    public init(check: DNSCheck, target: ProbeTarget, eventLoopGroup: any EventLoopGroup) {
        self.target = target
        self.type = check.type
        self.name = check.name
        self.group = eventLoopGroup
    }

    public func attempt() async -> ProbeResult {
        let id = UInt16.random(in: 0...UInt16.max)
        let query = DNSMessage.query(id: id, name: name, type: type.code)
        let remote: SocketAddress
        let local: SocketAddress?
        do {
            remote = try target.remoteAddress()
            local = try target.localAddress()
        } catch {
            return .failure(.from(error))
        }
        let outcome = await DatagramExchange.run(
            remote: remote, local: local, payload: ByteBuffer(bytes: query), timeout: target.timeAmount,
            socketOptions: target.socketOptions, on: group)
        switch outcome {
        case .failure(let failure): return .failure(failure)
        case .success(nil): return .failure(.timeout)
        case .success(let reply?):
            if let failure = DNSMessage.judge(Array(reply.readableBytesView), id: id) { return .failure(failure) }
            return .success(weight: nil)
        }
    }
}

extension DNSCheck.QueryType {
    /// The RR type number (RFC 1035, 3596, 4034).
    var code: UInt16 {
        switch self {
        case .a: 1
        case .ns: 2
        case .cname: 5
        case .soa: 6
        case .mx: 15
        case .txt: 16
        case .aaaa: 28
        case .rrsig: 46
        case .dnskey: 48
        }
    }
}

/// The few bytes of RFC 1035 a health check needs: a query out, the header of a reply in.
enum DNSMessage {
    static func query(id: UInt16, name: String, type: UInt16) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xff), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        for label in name.split(separator: ".") {
            let utf8 = Array(label.utf8.prefix(63))
            bytes.append(UInt8(utf8.count))
            bytes += utf8
        }
        bytes.append(0)
        bytes += [UInt8(type >> 8), UInt8(type & 0xff), 0, 1]
        return bytes
    }

    /// nil when the reply answers query `id`.
    static func judge(_ reply: [UInt8], id: UInt16) -> ProbeFailure? {
        guard reply.count >= 12 else { return .dnsReply("short reply of \(reply.count) bytes") }
        let replyID = UInt16(reply[0]) << 8 | UInt16(reply[1])
        guard replyID == id else { return .dnsReply("id \(replyID) does not match query id \(id)") }
        guard reply[2] & 0x80 != 0 else { return .dnsReply("not a response") }
        let answers = UInt16(reply[6]) << 8 | UInt16(reply[7])
        return answers > 0 ? nil : .dnsNoAnswer
    }
}
