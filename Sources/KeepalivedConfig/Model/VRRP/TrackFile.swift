/// `track_file NAME { ... }` (`vrrp_track_file` is the older spelling): a file holding a
/// number, multiplied by `weight` and added to the priority of the instances that track it.
public struct TrackFile: Hashable, Sendable, Codable, ConfigRenderable {
    public var name: String
    /// `file`: the path to watch.
    public var file: String
    /// `weight` (default 1); 0 means a non-zero value in the file is a failure.
    public var weight: Int
    /// `weight N reverse`: subtract rather than add.
    public var reverse: Bool
    /// `init_file [VALUE] [overwrite]`: write VALUE at startup if the file is missing, or always
    /// with `overwrite`.
    public var initFile: InitFile?
    public var origin: Origin

    public struct InitFile: Hashable, Sendable, Codable {
        public var value: Int
        public var overwrite: Bool
        public init(value: Int = 0, overwrite: Bool = false) {
            self.value = value
            self.overwrite = overwrite
        }
    }

    public init(name: String, file: String) {
        self.name = name
        self.file = file
        weight = 1
        reverse = false
        origin = Origin()
    }

    static let weights = -254...254

    init?(reading statement: Statement, _ diagnostics: inout Diagnostics) {
        guard let name = statement.argument(0, &diagnostics, expected: "a track file name") else { return nil }
        self.init(name: name.text, file: "")
        var origin = Origin(statement.location)
        var file: String?
        readBlock(statement.requireBlock(&diagnostics), of: statement.name, origin: &origin, &diagnostics) { s, d in
            switch s.name {
            case "file": file = s.argument(0, &d, expected: "a file path")?.text
            case "weight":
                let setting = s.weightAndReverse(in: Self.weights, &d)
                setting.weight.map { weight = $0 }
                setting.reverse.map { reverse = $0 }
            case "init_file":
                var initFile = InitFile()
                for word in s.arguments {
                    if word.text == "overwrite" {
                        initFile.overwrite = true
                    } else if let value = word.integer(in: Int(Int32.min)...Int(Int32.max), for: "init_file", &d) {
                        initFile.value = value
                    }
                }
                self.initFile = initFile
            default: return false
            }
            return true
        }
        self.origin = origin
        guard let file, !file.isEmpty else {
            diagnostics.warning("no file set for track_file \(name.text), removed", at: statement.location)
            return nil
        }
        self.file = file
    }

    public func render(into writer: inout ConfigWriter) {
        writer.block("track_file", name) { w in
            w.line("file", file)
            w.line(["weight", String(weight)] + (reverse ? ["reverse"] : []))
            if let initFile {
                w.line(["init_file", String(initFile.value)] + (initFile.overwrite ? ["overwrite"] : []))
            }
        }
    }
}
