import Foundation

/// ANSI colours for standard output, only when it is a terminal and `NO_COLOR` is unset.
struct Palette: Sendable {
    let enabled: Bool

    static var standardOutput: Palette {
        Palette(enabled: isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
    }

    func paint(_ text: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { paint(text, "1") }
    func green(_ text: String) -> String { paint(text, "32") }
    func red(_ text: String) -> String { paint(text, "31") }
    func yellow(_ text: String) -> String { paint(text, "33") }
    func dim(_ text: String) -> String { paint(text, "2") }

    /// A VRRP, script or admin state in the colour that says whether it is good news.
    func state(_ text: String) -> String {
        switch text {
        case "MASTER", "OK", "ENABLED", "healthy": green(text)
        case "FAULT", "FAILED", "DISABLED", "unhealthy": red(text)
        case "BACKUP", "DRAINED", "INIT": yellow(text)
        default: text
        }
    }
}
