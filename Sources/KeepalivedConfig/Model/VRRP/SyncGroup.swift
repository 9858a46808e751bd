/// `vrrp_sync_group NAME { group { ... } ... }`: instances that change state together, so
/// one instance going to FAULT or BACKUP takes the others with it.
public struct SyncGroup: Hashable, Sendable, Codable, ConfigRenderable {
    public var name: String
    /// `group { ... }`: the names of the member vrrp_instances.
    public var members: [String]
    public var notify: NotifyScripts
    /// `smtp_alert`: email on transitions (default from global smtp_alert/smtp_alert_vrrp).
    public var smtpAlert: Bool?
    /// `notify_priority_changes`: send priority changes to the notify FIFOs.
    public var notifyPriorityChanges: Bool?
    /// `global_tracking` (deprecated): members share their tracking settings.
    public var globalTracking: Bool
    /// `sync_group_tracking_weight`: allow members' tracking weights to differ from zero.
    public var syncGroupTrackingWeight: Bool
    /// `track_interface { ... }`: interfaces that change the state of every member.
    public var trackInterfaces: [TrackedItem]
    /// `track_script { ... }`: vrrp_scripts that change the state of every member.
    public var trackScripts: [TrackedItem]
    /// `track_file { ... }`: track_files that change the state of every member.
    public var trackFiles: [TrackedItem]
    /// Known keywords this model keeps as written: `track_process`, `track_bfd`.
    public var otherOptions: [RawStatement]
    public var origin: Origin

    public init(name: String, members: [String] = []) {
        self.name = name
        self.members = members
        notify = NotifyScripts()
        globalTracking = false
        syncGroupTrackingWeight = false
        trackInterfaces = []
        trackScripts = []
        trackFiles = []
        otherOptions = []
        origin = Origin()
    }

    static let instanceOnlyNotifies: Set<String> = ["notify_deleted", "notify_master_rx_lower_pri"]

    /// The Origin key under which a member name's location is kept.
    static func memberKey(_ name: String) -> String { "group/\(name)" }

    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        guard let name = statement.argument(0, &diagnostics, expected: "a sync group name") else { return nil }
        self.init(name: name.text)
        var origin = Origin(statement.location)
        var memberLocations: [String: SourceLocation] = [:]
        readBlock(statement.requireBlock(&diagnostics), of: "vrrp_sync_group", origin: &origin, &diagnostics) { s, d in
            // keepalived 2.2.7 knows neither notify_deleted nor notify_master_rx_lower_pri here.
            if !Self.instanceOnlyNotifies.contains(s.name), notify.read(s, &d) { return true }
            switch s.name {
            case "group":
                let words = s.listWords(&d)
                members += words.map(\.text)
                for word in words { memberLocations[Self.memberKey(word.text)] = word.location }
            case "smtp_alert": smtpAlert = s.boolean(&d)
            case "notify_priority_changes": notifyPriorityChanges = s.boolean(&d)
            case "global_tracking": globalTracking = true
            case "sync_group_tracking_weight": syncGroupTrackingWeight = true
            case "track_interface": trackInterfaces += TrackedItem.readList(s, &d)
            case "track_script": trackScripts += TrackedItem.readList(s, &d)
            case "track_file": trackFiles += TrackedItem.readList(s, &d)
            case "track_process", "track_bfd": otherOptions.append(RawStatement(s))
            default: return false
            }
            return true
        }
        origin.keywords.merge(memberLocations) { _, new in new }
        self.origin = origin
    }

    public func render(into writer: inout ConfigWriter) {
        writer.block("vrrp_sync_group", name) { w in
            w.block("group") { w in members.forEach { w.line($0) } }
            notify.render(into: &w)
            w.option("smtp_alert", smtpAlert)
            w.option("notify_priority_changes", notifyPriorityChanges)
            w.flag("global_tracking", globalTracking)
            w.flag("sync_group_tracking_weight", syncGroupTrackingWeight)
            TrackedItem.renderList("track_interface", trackInterfaces, into: &w)
            TrackedItem.renderList("track_script", trackScripts, into: &w)
            TrackedItem.renderList("track_file", trackFiles, into: &w)
            otherOptions.forEach { $0.render(into: &w) }
        }
    }
}
