#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What `ipvsadm -Ln` shows, parsed from its text: the independent witness of the kernel table.
struct IpvsadmTable {
    struct Service {
        /// "TCP  10.0.0.1:80", "FWM  7", "FWM  7 IPv6": the form `IPVSService.Key.description` uses.
        var key: String
        var scheduler: String
        /// What follows the scheduler: "persistent 300 mask 255.255.255.0", "ops", ...
        var options: [String]
        var destinations: [Destination]
    }

    struct Destination {
        var endpoint: String
        var forward: String
        var weight: Int
        var activeConnections: Int
        var inactiveConnections: Int
    }

    var services: [Service] = []

    func service(_ key: String) -> Service? { services.first { $0.key == key } }

    /// Runs `ipvsadm -Ln` and parses it.
    static func read() throws -> IpvsadmTable {
        try IpvsadmTable(parsing: run("ipvsadm -Ln"))
    }

    init(parsing text: String) throws {
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            if line.hasPrefix("  -> ") {
                guard words.count >= 6, !line.contains("RemoteAddress") else { continue }
                guard !services.isEmpty, let weight = Int(words[3]), let active = Int(words[4]),
                    let inactive = Int(words[5])
                else { throw CaseFailure("ipvsadm destination line not understood: \(line)") }
                services[services.count - 1].destinations.append(
                    Destination(
                        endpoint: words[1], forward: words[2], weight: weight, activeConnections: active,
                        inactiveConnections: inactive))
            } else if ["TCP", "UDP", "SCTP", "FWM"].contains(words.first ?? "") {
                var rest = words.dropFirst(2)
                var key = "\(words[0])  \(words[1])"
                if words[0] == "FWM", rest.first == "IPv6" {
                    key += " IPv6"
                    rest = rest.dropFirst()
                }
                guard let scheduler = rest.first else { throw CaseFailure("ipvsadm service line: \(line)") }
                services.append(
                    Service(key: key, scheduler: scheduler, options: Array(rest.dropFirst()), destinations: []))
            }
        }
    }
}

/// Runs a shell command (busybox sh: name iproute2 as /sbin/ip, or the shell runs its own `ip`
/// applet) and returns its standard output and error; throws when it exits non-zero.
func run(_ command: String) throws -> String {
    guard let pipe = popen("\(command) 2>&1", "r") else { throw CaseFailure("cannot run \(command)") }
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = fread(&buffer, 1, buffer.count, pipe)
        if count <= 0 { break }
        output.append(contentsOf: buffer[0..<count])
    }
    let status = pclose(pipe)
    let text = String(decoding: output, as: UTF8.self)
    guard status == 0 else { throw CaseFailure("\(command) failed (status \(status)): \(text)") }
    return text
}

/// Why a case failed; its text ends up on the FAIL line.
struct CaseFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func expect(_ condition: Bool, _ why: @autoclosure () -> String) throws {
    if !condition { throw CaseFailure(why()) }
}

func require<T>(_ value: T?, _ why: @autoclosure () -> String) throws -> T {
    guard let value else { throw CaseFailure(why()) }
    return value
}
