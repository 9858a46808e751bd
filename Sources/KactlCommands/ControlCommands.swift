import ArgumentParser
import DBus

/// `kactl set-priority INSTANCE N`: overrides an instance's configured priority until reset.
struct SetPriorityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-priority", abstract: "Set a VRRP instance's priority (1-254) until reset-priority.")

    @OptionGroup var bus: BusOptions
    @Argument(help: "The vrrp_instance name.") var instance: String
    @Argument(help: "The new priority, 1 to 254.") var priority: UInt8

    func validate() throws {
        guard (1...254).contains(priority) else {
            throw ValidationError("priority must be 1 to 254 (0 means leaving, 255 the address owner)")
        }
    }

    func run() async throws {
        try await control(
            bus, .instance, [instance], "SetPriority", [.byte(priority)], done: "priority set to \(priority)")
    }
}

/// `kactl reset-priority INSTANCE`: back to the priority in keepalived.conf.
struct ResetPriorityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-priority", abstract: "Give a VRRP instance its configured priority back.")

    @OptionGroup var bus: BusOptions
    @Argument(help: "The vrrp_instance name.") var instance: String

    func run() async throws {
        try await control(bus, .instance, [instance], "ResetPriority", done: "priority reset to the configured one")
    }
}

/// `kactl switchover INSTANCE`: hand mastership to the best backup without editing the config.
struct SwitchoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchover", abstract: "Make a MASTER instance hand its VIPs to the best backup.")

    @OptionGroup var bus: BusOptions
    @Argument(help: "The vrrp_instance name.") var instance: String

    func run() async throws {
        try await control(bus, .instance, [instance], "Switchover", done: "switchover requested")
    }
}

/// The arguments of drain, enable and disable: which real server of which virtual server.
struct RealServerArguments: ParsableArguments {
    @OptionGroup var bus: BusOptions
    @Argument(help: "The virtual server, as `kactl status` shows it (e.g. 192.0.2.10:80).")
    var virtualServer: String
    @Argument(help: "The real server, as `kactl status` shows it (e.g. 192.0.2.20:80).")
    var realServer: String

    func call(_ method: String, done: String) async throws {
        try await control(bus, .realServer, [virtualServer, realServer], method, done: done)
    }
}

/// `kactl drain VS RS`: weight 0, existing connections finish.
struct DrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain", abstract: "Stop sending new connections to a real server; existing ones finish.")
    @OptionGroup var server: RealServerArguments
    func run() async throws { try await server.call("Drain", done: "drained") }
}

/// `kactl enable VS RS`: back in service, as its checks decide.
struct EnableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable", abstract: "Put a drained or disabled real server back in service.")
    @OptionGroup var server: RealServerArguments
    func run() async throws { try await server.call("Enable", done: "enabled") }
}

/// `kactl disable VS RS`: out of the IPVS table whatever its checks say.
struct DisableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable", abstract: "Take a real server out of service whatever its checks say.")
    @OptionGroup var server: RealServerArguments
    func run() async throws { try await server.call("Disable", done: "disabled") }
}
