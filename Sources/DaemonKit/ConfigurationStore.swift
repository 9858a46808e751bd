import KeepalivedConfig

#if canImport(Glibc)
    import Glibc
#endif

/// The running configuration of a daemon: always the last file that loaded without errors, so a
/// refused reload changes nothing.
public actor ConfigurationStore {
    public nonisolated let path: String
    public nonisolated let configID: String?
    public private(set) var current: KeepalivedConfiguration
    /// When `current` was loaded, in microseconds since the Unix epoch.
    public private(set) var loadedAt: UInt64

    /// What a successful reload changed.
    public struct Reload: Sendable {
        public var previous: KeepalivedConfiguration
        public var current: KeepalivedConfiguration
        public var warnings: [Diagnostic]
    }

    /// Loads the file once. Throws when it has errors: a daemon then refuses to start.
    public static func open(path: String, configID: String?) throws(ConfigError) -> (ConfigurationStore, [Diagnostic]) {
        let loaded = try ConfigLoader(configID: configID).load(file: path)
        return (
            ConfigurationStore(path: path, configID: configID, configuration: loaded.configuration), loaded.warnings
        )
    }

    init(path: String, configID: String?, configuration: KeepalivedConfiguration) {
        self.path = path
        self.configID = configID
        self.current = configuration
        self.loadedAt = WallClock.microsecondsSinceEpoch()
    }

    /// Reads the file again. On error the running configuration stays as it was and the error
    /// (every diagnostic) is thrown.
    public func reload() throws(ConfigError) -> Reload {
        let loaded = try ConfigLoader(configID: configID).load(file: path)
        let previous = current
        current = loaded.configuration
        loadedAt = WallClock.microsecondsSinceEpoch()
        return Reload(previous: previous, current: loaded.configuration, warnings: loaded.warnings)
    }
}

/// Wall-clock time for properties people read (`ConfigLoadedAt`, `LastTransition`); protocol
/// timing uses monotonic clocks instead.
public enum WallClock {
    public static func microsecondsSinceEpoch() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }
}
