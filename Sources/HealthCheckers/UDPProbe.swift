import KeepalivedConfig
import NIOCore

/// `UDP_CHECK`: send `payload` (random bytes when unset) on a connected socket. An ICMP
/// unreachable fails. Without `require_reply`, silence until connect_timeout passes; with it a
/// reply must come, its length within min/max_reply_length and, when a pattern is given, its
/// bytes must match the pattern up to the shorter of the two (`x` nibbles match anything).
public struct UDPProbe: RealServerProbe {
    public let target: ProbeTarget
    public let payload: [UInt8]?
    public let requireReply: Bool
    /// Pairs of (value, mask) per byte, from the `require_reply` hex with `x` wildcards.
    let pattern: [(value: UInt8, mask: UInt8)]
    public let minReplyLength: Int
    public let maxReplyLength: Int
    let group: any EventLoopGroup

    public var keyword: String { "UDP_CHECK" }

    public init(check: UDPCheck, target: ProbeTarget, eventLoopGroup: any EventLoopGroup)
        throws(ProbeConfigurationError)
    {
        self.target = target
        self.group = eventLoopGroup
        payload = try check.payload.map { hex throws(ProbeConfigurationError) in try Self.bytes(hex) }
        requireReply = check.requireReply
        pattern = try check.replyPattern.map { hex throws(ProbeConfigurationError) in try Self.pattern(hex) } ?? []
        minReplyLength = check.minReplyLength
        maxReplyLength = check.maxReplyLength
    }

    public func attempt() async -> ProbeResult {
        let remote: SocketAddress
        let local: SocketAddress?
        do {
            remote = try target.remoteAddress()
            local = try target.localAddress()
        } catch {
            return .failure(.from(error))
        }
        let data = payload ?? (0..<16).map { _ in UInt8.random(in: 0...255) }
        let outcome = await DatagramExchange.run(
            remote: remote, local: local, payload: ByteBuffer(bytes: data), timeout: target.timeAmount,
            socketOptions: target.socketOptions, on: group)
        switch outcome {
        case .failure(let failure):
            return .failure(failure)
        case .success(nil):
            return requireReply ? .failure(.udpNoReply) : .success(weight: nil)
        case .success(let reply?):
            guard requireReply else { return .success(weight: nil) }
            let bytes = Array(reply.readableBytesView)
            guard (minReplyLength...max(minReplyLength, maxReplyLength)).contains(bytes.count) else {
                return .failure(.replyLength(bytes.count))
            }
            for (byte, expected) in zip(bytes, pattern) where byte & expected.mask != expected.value {
                return .failure(.udpReplyMismatch)
            }
            return .success(weight: nil)
        }
    }

    static func bytes(_ hex: String) throws(ProbeConfigurationError) -> [UInt8] {
        try pattern(hex).map { pair throws(ProbeConfigurationError) in
            guard pair.mask == 0xff else { throw .badHex(hex) }
            return pair.value
        }
    }

    /// The model's normalised hex (pairs of digits or `x`) as value/mask bytes.
    static func pattern(_ hex: String) throws(ProbeConfigurationError) -> [(value: UInt8, mask: UInt8)] {
        let digits = Array(hex.lowercased())
        guard digits.count % 2 == 0 else { throw .badHex(hex) }
        var result: [(UInt8, UInt8)] = []
        var index = 0
        while index < digits.count {
            var value: UInt8 = 0
            var mask: UInt8 = 0
            for digit in digits[index...index + 1] {
                value <<= 4
                mask <<= 4
                if digit == "x" { continue }
                guard let nibble = digit.hexDigitValue else { throw .badHex(hex) }
                value |= UInt8(nibble)
                mask |= 0xf
            }
            result.append((value, mask))
            index += 2
        }
        return result
    }
}
