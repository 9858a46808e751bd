import ArgumentParser
import DBus

/// The three daemons kactl talks to, by the names sysadmins know them by.
enum KeepaliveDaemon: String, CaseIterable, Sendable, ExpressibleByArgument {
    case vrrpd, checkd, ipvsd

    /// The well-known bus name the daemon owns.
    var busName: String {
        switch self {
        case .vrrpd: "org.keepalive.Vrrp1"
        case .checkd: "org.keepalive.Check1"
        case .ipvsd: "org.keepalive.Ipvs1"
        }
    }

    /// The root object (`/org/keepalive/Vrrp1`); its interface is the bus name.
    var rootPath: ObjectPath {
        // The bus names are constants made of valid labels, so this cannot fail.
        try! ObjectPath("/" + busName.split(separator: ".").joined(separator: "/"))
    }

    /// The daemon that owns `busName`, if it is one of ours.
    init?(busName: String) {
        guard let daemon = Self.allCases.first(where: { $0.busName == busName }) else { return nil }
        self = daemon
    }

    /// Where every keepalive object lives, for signal subscriptions.
    static let pathNamespace = try! ObjectPath("/org/keepalive")
}

/// The per-item interfaces of the D-Bus contract, each shown in its own status section.
enum ItemKind: String, CaseIterable, Sendable {
    case instance, syncGroup, script, realServer, service

    var interface: String {
        switch self {
        case .instance: "org.keepalive.Vrrp1.Instance"
        case .syncGroup: "org.keepalive.Vrrp1.SyncGroup"
        case .script: "org.keepalive.Check1.Script"
        case .realServer: "org.keepalive.Check1.RealServer"
        case .service: "org.keepalive.Ipvs1.Service"
        }
    }

    /// The daemon that serves these objects.
    var daemon: KeepaliveDaemon {
        switch self {
        case .instance, .syncGroup: .vrrpd
        case .script, .realServer: .checkd
        case .service: .ipvsd
        }
    }

    /// The path label between the root and the escaped name (`instance` in `/org/keepalive/Vrrp1/instance/VI_1`).
    var pathLabel: String {
        switch self {
        case .instance: "instance"
        case .syncGroup: "group"
        case .script: "script"
        case .realServer: "realserver"
        case .service: "service"
        }
    }

    /// The key of the section in `kactl status --json`.
    var jsonKey: String {
        switch self {
        case .instance: "instances"
        case .syncGroup: "syncGroups"
        case .script: "scripts"
        case .realServer: "realServers"
        case .service: "services"
        }
    }

    /// The heading of the section in `kactl status`.
    var title: String {
        switch self {
        case .instance: "VRRP instances"
        case .syncGroup: "Sync groups"
        case .script: "Scripts"
        case .realServer: "Real servers"
        case .service: "Virtual servers (IPVS)"
        }
    }

    /// What the user calls one of these, for "no VRRP instance named X".
    var noun: String {
        switch self {
        case .instance: "VRRP instance"
        case .syncGroup: "sync group"
        case .script: "script"
        case .realServer: "real server"
        case .service: "virtual server"
        }
    }

    init?(interface: String) {
        guard let kind = Self.allCases.first(where: { $0.interface == interface }) else { return nil }
        self = kind
    }
}
