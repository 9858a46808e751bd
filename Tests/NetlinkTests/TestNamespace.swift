import Foundation
import Synchronization

/// Tests that change the network need root; they are skipped (and say so) otherwise.
let isRoot = getuid() == 0

struct CommandFailed: Error, CustomStringConvertible {
    let command: [String]
    let status: Int32
    let output: String
    var description: String { "\(command.joined(separator: " ")) exited \(status): \(output)" }
}

/// Runs `ip ARGS...` and returns its standard output; throws with its stderr when it fails.
@discardableResult
func ip(_ arguments: String...) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw CommandFailed(
            command: ["ip"] + arguments, status: process.terminationStatus,
            output: String(decoding: errorData, as: UTF8.self))
    }
    return String(decoding: data, as: UTF8.self)
}

/// Runs `ip -j ARGS...` and decodes its JSON array of objects.
func ipJSON(_ arguments: String...) throws -> [[String: Any]] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
    process.arguments = ["-j"] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw CommandFailed(command: ["ip", "-j"] + arguments, status: process.terminationStatus, output: "")
    }
    if data.allSatisfy({ $0 == 0x0a || $0 == 0x20 }) { return [] }
    return try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
}

private let namespaceCounter = Atomic<Int>(0)

/// Creates a network namespace with a unique name (pid + counter, so tests run in parallel),
/// runs `body` with its name, and deletes it on every path.
func withTestNamespace<T>(_ body: (String) async throws -> T) async throws -> T {
    let number = namespaceCounter.add(1, ordering: .relaxed).newValue
    let name = "nltest-\(getpid())-\(number)"
    try ip("netns", "add", name)
    defer { _ = try? ip("netns", "del", name) }
    try ip("-n", name, "link", "set", "lo", "up")
    return try await body(name)
}

/// Adds a veth pair `name` / `name`p in `namespace` (this kernel has no dummy driver), sets
/// both ends up when asked, and returns the index of `name`.
@discardableResult
func addVeth(_ name: String, in namespace: String, up: Bool = true) throws -> Int {
    try ip("-n", namespace, "link", "add", name, "type", "veth", "peer", "name", name + "p")
    if up {
        try ip("-n", namespace, "link", "set", name + "p", "up")
        try ip("-n", namespace, "link", "set", name, "up")
    }
    let links = try ipJSON("-n", namespace, "link", "show", "dev", name)
    guard let index = links.first?["ifindex"] as? Int else {
        throw CommandFailed(command: ["ip", "link", "show", name], status: 0, output: "no ifindex")
    }
    return index
}
