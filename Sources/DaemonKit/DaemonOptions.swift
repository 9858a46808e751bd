import ArgumentParser

/// The command line every daemon shares, with keepalived's short options where it has them.
public struct DaemonOptions: ParsableArguments, Sendable {
    @Option(
        name: [.customShort("f"), .customLong("use-file"), .customLong("config")],
        help: "The configuration file (keepalived's -f).")
    public var configFile: String = "/etc/keepalived/keepalived.conf"

    @Option(
        name: [.customShort("i"), .customLong("config-id")],
        help: "Selects @id lines (default: the host name's first label).")
    public var configID: String?

    @Flag(
        name: [.customShort("t"), .customLong("config-test")],
        help: "Check the configuration and exit (keepalived's -t).")
    public var configTest = false

    @Option(help: "Connect to this D-Bus address instead of the system bus (DBUS_SYSTEM_BUS_ADDRESS also works).")
    public var busAddress: String?

    @Option(help: "Where the D-Bus interface XML files are.")
    public var interfacesDirectory: String = "/usr/share/dbus-1/interfaces"

    public init() {}
}
