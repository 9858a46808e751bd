/// A span of time in whole centiseconds: VRRP's own unit (RFC 5798 advert intervals), so every
/// timer the state machine computes is exact and tests can assert deadlines to the tick.
public struct VRRPDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var centiseconds: Int64

    public init(centiseconds: Int64) {
        self.centiseconds = centiseconds
    }

    public static func centiseconds(_ value: Int64) -> VRRPDuration {
        VRRPDuration(centiseconds: value)
    }

    public static func seconds(_ value: Int64) -> VRRPDuration {
        VRRPDuration(centiseconds: value * 100)
    }

    public static let zero = VRRPDuration(centiseconds: 0)

    /// The same span as a standard library `Duration`, for the daemon's real clock.
    public var duration: Duration {
        .milliseconds(centiseconds * 10)
    }

    /// Whether the span is a whole number of seconds (VRRPv2 intervals must be).
    public var isWholeSeconds: Bool {
        centiseconds % 100 == 0
    }

    public var description: String {
        let sign = centiseconds < 0 ? "-" : ""
        let magnitude = centiseconds.magnitude
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)s"
    }

    public static func < (lhs: VRRPDuration, rhs: VRRPDuration) -> Bool {
        lhs.centiseconds < rhs.centiseconds
    }

    public static func + (lhs: VRRPDuration, rhs: VRRPDuration) -> VRRPDuration {
        VRRPDuration(centiseconds: lhs.centiseconds + rhs.centiseconds)
    }

    public static func - (lhs: VRRPDuration, rhs: VRRPDuration) -> VRRPDuration {
        VRRPDuration(centiseconds: lhs.centiseconds - rhs.centiseconds)
    }

    public static func * (lhs: VRRPDuration, rhs: Int64) -> VRRPDuration {
        VRRPDuration(centiseconds: lhs.centiseconds * rhs)
    }

    public static func * (lhs: Int64, rhs: VRRPDuration) -> VRRPDuration {
        rhs * lhs
    }
}

/// A point on a monotonic clock, counted in centiseconds from an origin the caller chooses
/// (the daemon: its start; tests: zero). The state machine never reads a clock itself.
public struct VRRPInstant: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var centisecondsSinceOrigin: Int64

    public init(centisecondsSinceOrigin: Int64) {
        self.centisecondsSinceOrigin = centisecondsSinceOrigin
    }

    /// The instant `elapsed` after the origin, rounded down to the centisecond, so a timer
    /// woken at or after its deadline always sees `now >= deadline`.
    public init(sinceOrigin elapsed: Duration) {
        let (seconds, attoseconds) = elapsed.components
        let centiseconds = seconds * 100 + attoseconds / 10_000_000_000_000_000
        let roundsDown = attoseconds < 0 && attoseconds % 10_000_000_000_000_000 != 0
        self.centisecondsSinceOrigin = roundsDown ? centiseconds - 1 : centiseconds
    }

    public static let origin = VRRPInstant(centisecondsSinceOrigin: 0)

    /// The span from the origin, for arming a real timer at this instant.
    public var sinceOrigin: Duration {
        VRRPDuration(centiseconds: centisecondsSinceOrigin).duration
    }

    public func duration(to other: VRRPInstant) -> VRRPDuration {
        VRRPDuration(centiseconds: other.centisecondsSinceOrigin - centisecondsSinceOrigin)
    }

    public var description: String {
        "T+" + VRRPDuration(centiseconds: centisecondsSinceOrigin).description
    }

    public static func < (lhs: VRRPInstant, rhs: VRRPInstant) -> Bool {
        lhs.centisecondsSinceOrigin < rhs.centisecondsSinceOrigin
    }

    public static func + (lhs: VRRPInstant, rhs: VRRPDuration) -> VRRPInstant {
        VRRPInstant(centisecondsSinceOrigin: lhs.centisecondsSinceOrigin + rhs.centiseconds)
    }

    public static func - (lhs: VRRPInstant, rhs: VRRPDuration) -> VRRPInstant {
        VRRPInstant(centisecondsSinceOrigin: lhs.centisecondsSinceOrigin - rhs.centiseconds)
    }

    public static func - (lhs: VRRPInstant, rhs: VRRPInstant) -> VRRPDuration {
        rhs.duration(to: lhs)
    }
}
