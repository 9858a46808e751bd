/// The whole keepalived.conf as a typed model. Each daemon reads all of it and acts on its own
/// sections: vrrpd on `vrrp_*` and `static_*`, checkd on `vrrp_script` and the real-server
/// checkers, ipvsd on `virtual_server*`; every daemon on `global_defs`.
public struct KeepalivedConfiguration: Hashable, Sendable, Codable {
    public var globalDefinitions = GlobalDefinitions()
    public var staticAddresses: [VirtualAddress] = []
    public var staticRoutes: [VirtualRoute] = []
    public var staticRules: [VirtualRule] = []
    public var scripts: [VRRPScript] = []
    public var trackFiles: [TrackFile] = []
    public var syncGroups: [SyncGroup] = []
    public var instances: [VRRPInstance] = []
    public var virtualServerGroups: [VirtualServerGroup] = []
    public var virtualServers: [VirtualServer] = []
    /// The `SSL` block: SSL_GET's client certificate.
    public var ssl: SSLClient?
    /// Top-level blocks keepalived knows that the model keeps as written (`garp_group`,
    /// `vrrp_track_process`, `linkbeat_interfaces`, `track_group`, `bfd_instance`, ...).
    public var otherSections: [RawStatement] = []

    public init() {}

    /// Builds the model from parsed statements. Unknown top-level keywords warn, as keepalived's do.
    public init(statements: [Statement], diagnostics: inout Diagnostics) {
        for statement in statements {
            switch statement.name {
            case "global_defs":
                globalDefinitions.read(statement.requireBlock(&diagnostics), &diagnostics)
            case "static_ipaddress":
                staticAddresses += statement.requireBlock(&diagnostics).compactMap {
                    VirtualAddress(reading: $0, &diagnostics)
                }
            case "static_routes":
                staticRoutes += statement.requireBlock(&diagnostics).compactMap {
                    VirtualRoute(reading: $0, &diagnostics)
                }
            case "static_rules":
                staticRules += statement.requireBlock(&diagnostics).compactMap {
                    VirtualRule(reading: $0, &diagnostics)
                }
            case "vrrp_script":
                scripts.appendIfPresent(VRRPScript(reading: statement, &diagnostics))
            case "vrrp_track_file", "track_file":
                trackFiles.appendIfPresent(TrackFile(reading: statement, &diagnostics))
            case "vrrp_sync_group":
                syncGroups.appendIfPresent(SyncGroup(reading: statement, &diagnostics))
            case "vrrp_instance":
                instances.appendIfPresent(VRRPInstance(reading: statement, &diagnostics))
            case "virtual_server_group":
                virtualServerGroups.appendIfPresent(VirtualServerGroup(reading: statement, &diagnostics))
            case "virtual_server":
                virtualServers.appendIfPresent(VirtualServer(reading: statement, &diagnostics))
            case "SSL":
                if ssl != nil {
                    diagnostics.warning("SSL block already specified, replacing it", at: statement.location)
                }
                ssl = SSLClient(reading: statement, &diagnostics)
            case let keyword where Self.rawSections.contains(keyword):
                otherSections.append(RawStatement(statement))
            default:
                diagnostics.warning("unknown keyword '\(statement.name)', ignored", at: statement.location)
            }
        }
        validateReferences(&diagnostics)
    }

    /// Top-level keywords of keepalived 2.2 kept as written rather than typed.
    static let rawSections: Set<String> = [
        "linkbeat_interfaces", "interface_up_down_delays", "track_group", "vrrp_track_process",
        "garp_group", "bfd_instance", "net_namespace", "net_namespace_ipvs", "namespace_with_ipsets", "instance",
        "use_pid_dir", "linkbeat_use_polling", "child_wait_time",
    ]

    /// Every top-level block keyword: one of these inside another block is misplaced.
    public static let sectionKeywords: Set<String> = [
        "global_defs", "static_ipaddress", "static_routes", "static_rules", "vrrp_script", "vrrp_track_file",
        "vrrp_sync_group", "vrrp_instance", "virtual_server_group", "virtual_server", "linkbeat_interfaces",
        "interface_up_down_delays", "track_group", "vrrp_track_process", "garp_group", "bfd_instance", "SSL",
    ]

    /// Cross-section checks: names that one block uses and another must define.
    mutating func validateReferences(_ diagnostics: inout Diagnostics) {
        validateVRRPReferences(&diagnostics)
        validateLVSReferences(&diagnostics)
    }
}

extension KeepalivedConfiguration: ConfigRenderable {
    public func render(into writer: inout ConfigWriter) {
        globalDefinitions.render(into: &writer)
        if !staticAddresses.isEmpty {
            writer.block("static_ipaddress") { w in staticAddresses.forEach { $0.render(into: &w) } }
        }
        if !staticRoutes.isEmpty {
            writer.block("static_routes") { w in staticRoutes.forEach { $0.render(into: &w) } }
        }
        if !staticRules.isEmpty {
            writer.block("static_rules") { w in staticRules.forEach { $0.render(into: &w) } }
        }
        otherSections.forEach { $0.render(into: &writer) }
        ssl?.render(into: &writer)
        let sections: [any ConfigRenderable] =
            scripts + trackFiles + syncGroups + instances + virtualServerGroups + virtualServers
        sections.forEach { $0.render(into: &writer) }
    }

    /// The configuration printed as keepalived.conf text that reads back to an equal model.
    public var rendered: String {
        var writer = ConfigWriter()
        render(into: &writer)
        return writer.text
    }
}

/// A configuration that loaded, with the warnings found on the way.
public struct LoadedConfiguration: Sendable {
    public var configuration: KeepalivedConfiguration
    public var warnings: [Diagnostic]
}

/// Reads keepalived.conf files: the syntax (includes, macros, conditionals, sequences) and then
/// the model. Any error refuses the whole file, so a running daemon keeps its last good config.
public struct ConfigLoader: Sendable {
    /// Selects `@id` conditional lines; nil means the host name's first label, as keepalived does.
    public var configID: String?

    public init(configID: String? = nil) {
        self.configID = configID
    }

    public func load(file path: String) throws(ConfigError) -> LoadedConfiguration {
        try build(SyntaxReader(configID: configID).read(file: path))
    }

    public func load(text: String, file: String = "<text>") throws(ConfigError) -> LoadedConfiguration {
        try build(SyntaxReader(configID: configID).read(text: text, file: file))
    }

    private func build(_ syntax: ParsedSyntax) throws(ConfigError) -> LoadedConfiguration {
        var diagnostics = Diagnostics()
        diagnostics.append(contentsOf: syntax.diagnostics)
        let configuration = KeepalivedConfiguration(statements: syntax.statements, diagnostics: &diagnostics)
        if diagnostics.hasErrors { throw .invalid(diagnostics.all) }
        return LoadedConfiguration(configuration: configuration, warnings: diagnostics.warnings)
    }
}

extension Array {
    mutating func appendIfPresent(_ element: Element?) {
        if let element { append(element) }
    }
}
