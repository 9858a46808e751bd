import Foundation
import Testing

@testable import KeepalivedConfig

/// Loads test configurations through the real `ConfigLoader`, as the daemons do.
enum VRRPModelText {
    static let samplesDirectory = "/usr/share/doc/keepalived/samples"

    /// `ConfigLoader().load(text:file:)`.
    static func loader(_ text: String, file: String) throws(ConfigError) -> LoadedConfiguration {
        try ConfigLoader().load(text: text, file: file)
    }

    /// The configuration in `text`; a refused load fails the test with every diagnostic.
    static func load(_ text: String, file: String = "test.conf") throws -> LoadedConfiguration {
        do {
            return try loader(text, file: file)
        } catch {
            Issue.record("refused: \(error.diagnostics.map(\.description).joined(separator: "\n"))")
            throw error
        }
    }

    static func model(_ text: String) throws -> KeepalivedConfiguration {
        try load(text).configuration
    }

    /// The errors that refuse `text`; records an issue when it loads.
    static func errors(_ text: String, file: String = "bad.conf") -> [Diagnostic] {
        do {
            let loaded = try loader(text, file: file)
            Issue.record("loaded without error: \(loaded.configuration.rendered)")
            return []
        } catch {
            return error.diagnostics.filter { $0.severity == .error }
        }
    }

    /// Every keepalived.conf* sample shipped by the keepalived package.
    static func sampleFiles() throws -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: samplesDirectory) else {
            Issue.record("\(samplesDirectory) is missing: apt-get install keepalived")
            return []
        }
        return names.filter { $0.hasPrefix("keepalived.conf") }.sorted().map { "\(samplesDirectory)/\($0)" }
    }

    static func sample(_ name: String) throws -> LoadedConfiguration {
        try loadFile("\(samplesDirectory)/\(name)")
    }

    /// `ConfigLoader().load(file:)`.
    static func loadFile(_ path: String) throws(ConfigError) -> LoadedConfiguration {
        try ConfigLoader().load(file: path)
    }

    static func render(_ item: some ConfigRenderable) -> String {
        var writer = ConfigWriter()
        item.render(into: &writer)
        return writer.text
    }
}
