import Testing

@testable import KeepalivedConfig

/// Lints configuration text the way `kactl config lint` lints a file: loaded by the real
/// `ConfigLoader`, with the written words from the real `SyntaxReader`.
enum LintTest {
    static func findings(
        _ text: String, userExists: @escaping @Sendable (String) -> Bool = ConfigLinter.systemUserExists
    ) throws -> [LintFinding] {
        let configuration = try VRRPModelText.model(text)
        let syntax = try SyntaxReader().read(text: text, file: "test.conf")
        return ConfigLinter(userExists: userExists).lint(configuration, syntax: syntax.statements)
    }

    static func rules(_ text: String) throws -> [LintRule] {
        try findings(text).map(\.rule)
    }

    /// One instance block; `body` goes inside after the usual lines.
    static func instance(
        _ name: String = "VI_1", state: String = "BACKUP", vrid: Int = 51, priority: Int = 100,
        interface: String = "eth0", vip: String = "192.0.2.10/24", _ body: String = ""
    ) -> String {
        """
        vrrp_instance \(name) {
            state \(state)
            interface \(interface)
            virtual_router_id \(vrid)
            priority \(priority)
            virtual_ipaddress {
                \(vip)
            }
        \(body)
        }

        """
    }
}
