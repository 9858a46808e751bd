import Foundation

/// A packet socket in a namespace (a small Python helper): captures the first IPv4 frame of
/// `protocolNumber` that leaves (`outgoing`) or arrives on the interface and prints it; with
/// `resendAfter`, sends that very frame again so many seconds later (a replay).
struct PacketTool {
    let process: ChildProcess
    let directory: String

    static let script = """
        import socket, sys, time
        interface, protocol, outgoing, delay = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", float(sys.argv[4])
        # ETH_P_ALL: a socket bound to one protocol never sees what leaves the interface.
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        s.bind((interface, 0))
        while True:
            frame, address = s.recvfrom(65535)
            if (address[2] == socket.PACKET_OUTGOING) == outgoing and len(frame) > 23 \\
                    and frame[12:14] == b"\\x08\\x00" and frame[23] == protocol:
                break
        if delay >= 0:
            time.sleep(delay)
            s.send(frame)
        print(frame.hex(), flush=True)
        """

    init(namespace: String, interface: String, protocolNumber: Int, outgoing: Bool, resendAfter: Double? = nil) throws {
        directory = try makeTemporaryDirectory("kavd-packet")
        let path = directory + "/packet.py"
        try Self.script.write(toFile: path, atomically: true, encoding: .utf8)
        process = try ChildProcess(
            "/usr/sbin/ip",
            [
                "netns", "exec", namespace, "/usr/bin/python3", path, interface, "\(protocolNumber)",
                outgoing ? "1" : "0", "\(resendAfter ?? -1)",
            ],
            logPath: directory + "/packet.log")
    }

    /// Waits for the helper (killed after 15 s) and returns the frame it captured.
    func frame() async throws -> [UInt8] {
        let status = await process.wait(grace: .seconds(15))
        let output = process.log.trimmingCharacters(in: .whitespacesAndNewlines)
        try? FileManager.default.removeItem(atPath: directory)
        guard status == 0, output.count % 2 == 0, !output.isEmpty else {
            throw TestFailure("packet helper failed (exit \(status)): \(output)")
        }
        var bytes: [UInt8] = []
        var index = output.startIndex
        while index < output.endIndex {
            let next = output.index(index, offsetBy: 2)
            guard let byte = UInt8(output[index..<next], radix: 16) else { throw TestFailure("bad hex: \(output)") }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}

/// `00:00:5e:00:01:33` from six bytes.
func macText(_ bytes: ArraySlice<UInt8>) -> String {
    bytes.map { String(format: "%02x", $0) }.joined(separator: ":")
}
