// TEMPORARY scaffolding for the LVS model helper: replace every type here with the real model
// (delete this file when done). Each type keeps these initialiser and render shapes.
public struct VirtualServerGroup: Hashable, Sendable, Codable, ConfigRenderable {
    public var origin = Origin()
    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) { return nil }
    public func render(into writer: inout ConfigWriter) {}
}
public struct VirtualServer: Hashable, Sendable, Codable, ConfigRenderable {
    public var origin = Origin()
    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) { return nil }
    public func render(into writer: inout ConfigWriter) {}
}
extension KeepalivedConfiguration {
    mutating func validateLVSReferences(_ diagnostics: inout Diagnostics) {}
}
