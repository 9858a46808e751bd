import Foundation
import KeepaliveTestSupport
import Testing

/// scripts/install and scripts/uninstall, run for real into a temporary DESTDIR with the debug
/// binaries this test run was built with (building release here would take minutes).
@Suite("scripts/install and scripts/uninstall")
struct InstallTests {
    @Test("installs every file where systemd, dbus and polkit read it", arguments: ["/usr", "/usr/local"])
    func installsTheWholeTree(prefix: String) throws {
        let stage = try Stage(prefix: prefix)
        defer { stage.remove() }
        try stage.install()

        let layout = Layout(prefix: prefix)
        let found = try stage.files()
        for path in layout.files {
            #expect(found.contains(path), "missing \(path)")
        }
        let extras = found.subtracting(layout.files).subtracting([layout.manifest])
        #expect(extras.allSatisfy(layout.isCompletion), "unexpected files: \(extras.sorted())")

        for name in Layout.executables {
            let installed = stage.root + layout.binaryPath(name)
            #expect(FileManager.default.isExecutableFile(atPath: installed), "\(installed) is not executable")
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: installed))
                    == Data(contentsOf: builtBinaries.appending(path: name)))
        }
        for (source, target) in layout.copiedVerbatim {
            let installed = try Data(contentsOf: URL(fileURLWithPath: stage.root + target))
            #expect(
                installed == (try Data(contentsOf: repositoryRoot.appending(path: source))),
                "\(target) differs from \(source)")
        }
        for daemon in Layout.daemons {
            let unit = try String(
                contentsOfFile: stage.root + layout.unitDirectory + "/\(daemon).service", encoding: .utf8)
            #expect(unit.firstMatch(of: #/@[A-Z_]+@/#) == nil, "\(daemon).service has a placeholder left")
            #expect(unit.split(separator: "\n").contains(Substring(layout.execStart(daemon))))
        }

        let manifest = try stage.manifest()
        #expect(manifest == found.subtracting([layout.manifest]), "the manifest must list exactly the installed files")
    }

    @Test(
        "systemd-analyze verify accepts the installed units",
        .enabled(if: FileManager.default.isExecutableFile(atPath: systemdAnalyze), "needs systemd-analyze (systemd)"),
        arguments: ["/usr", "/usr/local"])
    func unitsPassSystemdAnalyzeVerify(prefix: String) throws {
        let stage = try Stage(prefix: prefix)
        defer { stage.remove() }
        try stage.install()

        // `--root=DESTDIR` finds ExecStart= inside DESTDIR, but it also looks for everything else
        // there (sysinit.target, /bin/kill), which a staged install does not have. So verify against
        // this machine's systemd with copies whose ExecStart= points into DESTDIR.
        let layout = Layout(prefix: prefix)
        let copies = stage.root + "-units"
        try FileManager.default.createDirectory(atPath: copies, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: copies) }
        var units: [String] = []
        for name in Layout.units {
            let unit = try String(contentsOfFile: stage.root + layout.unitDirectory + "/" + name, encoding: .utf8)
            let copy = copies + "/" + name
            let staged = "ExecStart=\(stage.root)\(prefix)/sbin/"
            let rewritten = unit.replacingOccurrences(of: "ExecStart=\(prefix)/sbin/", with: staged)
            try rewritten.write(toFile: copy, atomically: true, encoding: .utf8)
            units.append(copy)
        }

        let verify = try run(systemdAnalyze, ["verify", "--man=no"] + units)
        #expect(verify.status == 0, "systemd-analyze verify failed:\n\(verify.output)")
        // An unknown key or a bad value is only a warning (exit status 0): read the output too.
        let aboutOurs = verify.output.split(separator: "\n").filter { line in
            Layout.units.contains { line.contains($0) }
        }
        #expect(aboutOurs.isEmpty, "systemd-analyze verify complained:\n\(aboutOurs.joined(separator: "\n"))")
    }

    @Test("uninstall removes every installed file and is idempotent", arguments: ["/usr", "/usr/local"])
    func uninstallLeavesNoFiles(prefix: String) throws {
        let stage = try Stage(prefix: prefix)
        defer { stage.remove() }
        try stage.install()
        #expect(try !stage.files().isEmpty)

        try stage.uninstall()
        let left = try stage.files()
        #expect(left.isEmpty, "left behind: \(left.sorted())")

        let again = try stage.uninstall()
        #expect(again.contains("nothing to do"))
    }

    @Test("installing twice gives the same tree and manifest")
    func installingTwiceIsIdempotent() throws {
        let stage = try Stage(prefix: "/usr/local")
        defer { stage.remove() }
        try stage.install()
        let first = try stage.snapshot()
        try stage.install()
        #expect(try stage.snapshot() == first)

        try stage.uninstall()
        #expect(try stage.files().isEmpty)
    }

    @Test("a real keepalived.conf is never overwritten nor removed")
    func keepsARealConfiguration() throws {
        let stage = try Stage(prefix: "/usr")
        defer { stage.remove() }
        let real = stage.root + "/etc/keepalived/keepalived.conf"
        try FileManager.default.createDirectory(
            atPath: stage.root + "/etc/keepalived", withIntermediateDirectories: true)
        try "! the admin's own configuration\n".write(toFile: real, atomically: true, encoding: .utf8)

        try stage.install()
        try stage.uninstall()
        #expect(try stage.files() == ["/etc/keepalived/keepalived.conf"])
        #expect(try String(contentsOfFile: real, encoding: .utf8) == "! the admin's own configuration\n")
    }

    @Test(
        "bad input fails clearly before anything is written",
        arguments: [
            (["--bindir-from", "/nonexistent/bin"], "error: no executable /nonexistent/bin/vrrpd"),
            (["--prefix", "usr"], "error: PREFIX must be an absolute path, got 'usr'"),
            (["--prefix", "/opt/key alive"], "error: PREFIX may hold only letters"),
            (["--colour"], "error: unknown argument '--colour'"),
        ])
    func badInputFailsClearly(arguments: [String], message: String) throws {
        let stage = try Stage(prefix: "/usr/local")
        defer { stage.remove() }
        let result = try run(
            repositoryRoot.appending(path: "scripts/install").path,
            ["--destdir", stage.root, "--bindir-from", builtBinaries.path] + arguments)
        #expect(result.status != 0)
        #expect(result.output.contains(message), "got: \(result.output)")
        #expect(try stage.files().isEmpty)
    }

    @Test(
        "the bus hands each installed name to its systemd unit",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/dbus-daemon"), "needs dbus-daemon"),
        .timeLimit(.minutes(1)))
    func busActivationAsksSystemdForTheUnit() throws {
        let stage = try Stage(prefix: "/usr")
        defer { stage.remove() }
        try stage.install()

        // A private system bus reading the installed activation files and policy, with systemd
        // activation on: activating a name must send systemd an ActivationRequest for its unit.
        let busDirectory = stage.root + "-bus"
        try FileManager.default.createDirectory(atPath: busDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: busDirectory) }
        let configuration = busDirectory + "/system.conf"
        try """
        <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
         "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
        <busconfig>
          <type>system</type>
          <listen>unix:path=\(busDirectory)/socket</listen>
          <auth>EXTERNAL</auth>
          <servicedir>\(stage.root)/usr/share/dbus-1/system-services</servicedir>
          <includedir>\(stage.root)/usr/share/dbus-1/system.d</includedir>
          <policy context="default">
            <allow user="*"/><allow send_destination="*"/><allow receive_sender="*"/>
          </policy>
        </busconfig>
        """.write(toFile: configuration, atomically: true, encoding: .utf8)
        let bus = try Spawned(
            "/usr/bin/dbus-daemon",
            ["--config-file=\(configuration)", "--nofork", "--systemd-activation", "--print-address=1"])
        defer { bus.stop() }
        let address = try #require(bus.nextLine(), "dbus-daemon did not start: \(bus.stop())")

        let monitor = try Spawned("/usr/bin/dbus-monitor", ["--address", address])
        defer { monitor.stop() }
        // dbus-monitor reports losing its unique name once it has become a monitor.
        while let line = monitor.nextLine(), !line.contains("member=NameLost") {}

        for (name, unit) in zip(Layout.busNames, Layout.daemons) {
            let path = "/org/keepalive/\(name)"
            let send = try run(
                "/usr/bin/dbus-send",
                ["--bus=\(address)", "--dest=org.keepalive.\(name)", path, "org.freedesktop.DBus.Peer.Ping"])
            try #require(send.status == 0, "dbus-send failed: \(send.output)")
            while let line = monitor.nextLine(), !line.contains("member=ActivationRequest") {}
            let argument = try #require(monitor.nextLine(), "dbus-monitor ended before the request's unit")
            #expect(argument.trimmingCharacters(in: .whitespaces) == "string \"\(unit).service\"")
        }

        let log = bus.stop()
        #expect(!log.contains("Encountered error"), "dbus-daemon refused an installed file:\n\(log)")
    }

    @Test("uninstall refuses a manifest line that escapes DESTDIR")
    func uninstallRefusesEscapingPaths() throws {
        let stage = try Stage(prefix: "/usr/local")
        defer { stage.remove() }
        try stage.install()
        let manifest = stage.root + Layout(prefix: "/usr/local").manifest
        let kept = try String(contentsOfFile: manifest, encoding: .utf8)
        try (kept + "/usr/../../etc/passwd\n").write(toFile: manifest, atomically: true, encoding: .utf8)

        let result = try run(
            repositoryRoot.appending(path: "scripts/uninstall").path,
            ["--destdir", stage.root, "--prefix", "/usr/local"])
        #expect(result.status != 0)
        #expect(result.output.contains("refusing manifest line '/usr/../../etc/passwd'"))
        #expect(try stage.files().count == kept.split(separator: "\n").count + 1, "nothing may be removed")
    }
}

/// Where scripts/install puts each file for a PREFIX, written down independently of the script.
private struct Layout {
    static let daemons = ["vrrpd", "checkd", "ipvsd"]
    static let executables = daemons + ["kactl"]
    static let units = ["keepalive.target"] + daemons.map { "\($0).service" }
    static let busNames = ["Vrrp1", "Check1", "Ipvs1"]
    /// Every interface XML the repository ships (root and per-item interfaces) is installed.
    static let interfaceFiles: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Repository.dbusDirectory)) ?? []
        return names.filter { $0.hasSuffix(".xml") }.sorted()
    }()

    let prefix: String

    var unitDirectory: String { prefix == "/usr" ? "/lib/systemd/system" : prefix + "/lib/systemd/system" }
    var manifest: String { prefix + "/share/keepalive/install-manifest.txt" }

    func binaryPath(_ name: String) -> String { prefix + (name == "kactl" ? "/bin/" : "/sbin/") + name }

    func execStart(_ daemon: String) -> String {
        let interfaces = prefix == "/usr" ? "" : " --interfaces-directory \(prefix)/share/dbus-1/interfaces"
        return "ExecStart=\(prefix)/sbin/\(daemon)\(interfaces) $OPTIONS"
    }

    /// Repository file -> installed path, for every file installed unchanged.
    var copiedVerbatim: [(String, String)] {
        Layout.interfaceFiles.map { ("dbus/\($0)", "\(prefix)/share/dbus-1/interfaces/\($0)") }
        + Layout.busNames.flatMap { name in
            [
                ("dbus/org.keepalive.\(name).conf", "/usr/share/dbus-1/system.d/org.keepalive.\(name).conf"),
                (
                    "dbus/org.keepalive.\(name).service",
                    "/usr/share/dbus-1/system-services/org.keepalive.\(name).service"
                ),
            ]
        } + [
            ("polkit/org.keepalive.policy", "/usr/share/polkit-1/actions/org.keepalive.policy"),
            ("examples/keepalived.conf", "/etc/keepalived/keepalived.conf.example"),
        ]
    }

    var files: Set<String> {
        Set(Layout.executables.map(binaryPath))
            .union(Layout.units.map { unitDirectory + "/" + $0 })
            .union(copiedVerbatim.map(\.1))
    }

    func isCompletion(_ path: String) -> Bool {
        ["/share/bash-completion/completions/", "/share/zsh/site-functions/", "/share/fish/vendor_completions.d/"]
            .contains { path.hasPrefix(prefix + $0) }
    }
}

/// A temporary DESTDIR and the scripts run against it.
private struct Stage {
    let root: String
    let prefix: String

    init(prefix: String) throws {
        root = FileManager.default.temporaryDirectory.appending(path: "keepalive-install-\(UUID().uuidString)").path
        self.prefix = prefix
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    /// Runs scripts/install with PREFIX and DESTDIR in the environment, as a packager would.
    @discardableResult
    func install() throws -> String {
        try script("install", ["--bindir-from", builtBinaries.path])
    }

    @discardableResult
    func uninstall() throws -> String { try script("uninstall", []) }

    private func script(_ name: String, _ arguments: [String]) throws -> String {
        let result = try run(
            repositoryRoot.appending(path: "scripts/\(name)").path, arguments,
            environment: ["DESTDIR": root, "PREFIX": prefix])
        try #require(result.status == 0, "scripts/\(name) failed:\n\(result.output)")
        return result.output
    }

    /// Every regular file under the stage, as its path on the target system.
    func files() throws -> Set<String> {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: Set<String> = []
        while let relative = walker.nextObject() as? String {
            if walker.fileAttributes?[.type] as? FileAttributeType != .typeDirectory { found.insert("/" + relative) }
        }
        return found
    }

    func manifest() throws -> Set<String> {
        let text = try String(contentsOfFile: root + Layout(prefix: prefix).manifest, encoding: .utf8)
        return Set(text.split(separator: "\n").map(String.init))
    }

    struct Entry: Equatable {
        let contents: Data
        let permissions: Int?
    }

    /// Paths with their contents and permissions, to compare whole trees.
    func snapshot() throws -> [String: Entry] {
        var tree: [String: Entry] = [:]
        for path in try files() {
            let attributes = try FileManager.default.attributesOfItem(atPath: root + path)
            tree[path] = Entry(
                contents: try Data(contentsOf: URL(fileURLWithPath: root + path)),
                permissions: attributes[.posixPermissions] as? Int)
        }
        return tree
    }
}

private let systemdAnalyze = "/usr/bin/systemd-analyze"

/// The repository this file is in.
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The directory of the running test bundle, where `swift test` also put vrrpd, checkd, ipvsd
/// and kactl: right whatever --scratch-path the tests were built with.
private let builtBinaries: URL = {
    let bundle =
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return URL(fileURLWithPath: bundle).deletingLastPathComponent()
}()

/// A program running beside the test: stdout is read line by line, stderr once it has stopped.
private final class Spawned {
    private let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private var buffer = Data()

    init(_ executable: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = errors
        try process.run()
    }

    /// The next line of stdout, or nil once the program has closed it.
    func nextLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            let more = output.fileHandleForReading.availableData
            if more.isEmpty { return nil }
            buffer.append(more)
        }
    }

    /// Stops the program (if it still runs) and returns what it wrote to stderr. SIGKILL, because
    /// a program spawned from a test's thread inherits its blocked signals, SIGTERM among them.
    @discardableResult
    func stop() -> String {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
}

/// Runs a program to completion and returns its exit status with stdout and stderr together.
private func run(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:]
) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var inherited = ProcessInfo.processInfo.environment
    inherited["DESTDIR"] = nil
    inherited["PREFIX"] = nil
    process.environment = inherited.merging(environment) { $1 }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}
