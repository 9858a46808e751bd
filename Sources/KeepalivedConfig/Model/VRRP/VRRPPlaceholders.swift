// TEMPORARY scaffolding for the model helpers: replace every type here with the real model
// (delete this file when done). Each type keeps these initialiser and render shapes.
public struct GlobalDefinitions: Hashable, Sendable, Codable, ConfigRenderable {
    public var origin = Origin()
    public init() {}
    mutating func read(_ block: [Statement], _ diagnostics: inout Diagnostics) {}
    public func render(into writer: inout ConfigWriter) {}
}
public struct VirtualAddress: Hashable, Sendable, Codable, ConfigRenderable {
    public var origin = Origin()
    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) { return nil }
    public func render(into writer: inout ConfigWriter) {}
}
public struct VirtualRoute: Hashable, Sendable, Codable, ConfigRenderable {
    public var origin = Origin()
    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) { return nil }
    public func render(into writer: inout ConfigWriter) {}
}
public struct VirtualRule: Hashable, Sendable, Codable, ConfigRenderable {
    public var origin = Origin()
    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) { return nil }
    public func render(into writer: inout ConfigWriter) {}
}
public struct VRRPScript: Hashable, Sendable, Codable, ConfigRenderable {
    public var origin = Origin()
    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) { return nil }
    public func render(into writer: inout ConfigWriter) {}
}
public struct TrackFile: Hashable, Sendable, Codable, ConfigRenderable {
    public var origin = Origin()
    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) { return nil }
    public func render(into writer: inout ConfigWriter) {}
}
public struct SyncGroup: Hashable, Sendable, Codable, ConfigRenderable {
    public var origin = Origin()
    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) { return nil }
    public func render(into writer: inout ConfigWriter) {}
}
public struct VRRPInstance: Hashable, Sendable, Codable, ConfigRenderable {
    public var origin = Origin()
    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) { return nil }
    public func render(into writer: inout ConfigWriter) {}
}
extension KeepalivedConfiguration {
    mutating func validateVRRPReferences(_ diagnostics: inout Diagnostics) {}
}
