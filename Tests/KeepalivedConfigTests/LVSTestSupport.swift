import Foundation
import Testing

@testable import KeepalivedConfig

/// Reads LVS test text through the real syntax reader and `ConfigLoader`.
enum LVSText {
    static let samples = "/usr/share/doc/keepalived/samples"

    /// The model and every diagnostic found reading `text`, kept even when there are errors so a
    /// test can look at both (`ConfigLoader` would throw the model away).
    static func read(_ text: String, file: String = "test.conf") -> (KeepalivedConfiguration, Diagnostics) {
        var diagnostics = Diagnostics()
        do {
            let syntax = try SyntaxReader().read(text: text, file: file)
            diagnostics.append(contentsOf: syntax.diagnostics)
            let configuration = KeepalivedConfiguration(statements: syntax.statements, diagnostics: &diagnostics)
            return (configuration, diagnostics)
        } catch {
            diagnostics.append(contentsOf: error.diagnostics)
            return (KeepalivedConfiguration(), diagnostics)
        }
    }

    /// Loads `text` with `ConfigLoader`; a refused text records an issue for every error.
    static func model(_ text: String, file: String = "test.conf") -> KeepalivedConfiguration {
        do {
            return try ConfigLoader().load(text: text, file: file).configuration
        } catch {
            for diagnostic in error.diagnostics where diagnostic.severity == .error {
                Issue.record("unexpected \(diagnostic)")
            }
            return KeepalivedConfiguration()
        }
    }

    /// Loads one of keepalived's sample files with `ConfigLoader`.
    static func sample(_ name: String) throws -> KeepalivedConfiguration {
        try ConfigLoader().load(file: "\(samples)/\(name)").configuration
    }

    /// The configuration printed and read back.
    static func reprinted(_ configuration: KeepalivedConfiguration) -> KeepalivedConfiguration {
        model(configuration.rendered, file: "reprinted.conf")
    }
}

extension HealthChecker {
    var tcp: ConnectCheck? { if case .tcp(let check) = self { check } else { nil } }
    var http: HTTPCheck? {
        switch self {
        case .httpGet(let check), .sslGet(let check): check
        default: nil
        }
    }
    var smtp: SMTPCheck? { if case .smtp(let check) = self { check } else { nil } }
    var misc: MiscCheck? { if case .misc(let check) = self { check } else { nil } }
    var udp: UDPCheck? { if case .udp(let check) = self { check } else { nil } }
    var dns: DNSCheck? { if case .dns(let check) = self { check } else { nil } }
    var file: FileCheck? { if case .file(let check) = self { check } else { nil } }
}
