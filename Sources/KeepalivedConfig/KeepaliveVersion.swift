/// The version every keepalive binary reports: on the command line, and as the daemons'
/// `Version` property. Lives here because every binary links the configuration library.
public enum KeepaliveVersion {
    public static let current = "0.1.0"
}
