import Foundation

/// Where the tests find the repository's files and the binaries built beside the test bundle.
public enum Repository {
    /// The repository root: this file is `<root>/Tests/TestSupport/Repository.swift`.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `<root>/dbus`: interface XML and bus policy files.
    public static var dbusDirectory: String { root + "/dbus" }

    /// The directory of the running test bundle, where `swift build` put the executables too.
    public static let binaryDirectory: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }()

    /// A built executable such as `vrrpd`. Fails the calling test with a clear message when it was
    /// not built (run `swift build --build-tests`, as scripts/test does).
    public static func binary(_ name: String) throws -> String {
        let path = binaryDirectory + "/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw MissingBinary(path: path)
        }
        return path
    }

    public struct MissingBinary: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "\(path) is not built: run `swift build --build-tests` first" }
    }

    /// A fresh directory under /tmp, readable by everyone (tests run some clients unprivileged).
    public static func temporaryDirectory(_ prefix: String) throws -> String {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw MissingBinary(path: "mkdtemp /tmp/\(prefix)") }
        let path = String(cString: made)
        chmod(path, 0o755)
        return path
    }
}
