import KeepalivedConfig

/// keepalived's quorum rule for one virtual server (`quorum`, `hysteresis`), on the live weight:
/// the sum of the weights of the real servers that are up.
///
/// - At start the service is up when live weight >= quorum + hysteresis.
/// - A service that is down comes up when live weight >= quorum + hysteresis.
/// - A service that is up goes down when live weight < quorum - hysteresis, or is 0.
///
/// So with quorum 3 and hysteresis 1 it takes 4 to come up and going below 2 to go down: the
/// band in between holds whichever state the service was in.
public struct QuorumRule: Hashable, Sendable {
    public var quorum: Int
    public var hysteresis: Int

    public init(quorum: Int, hysteresis: Int) {
        self.quorum = quorum
        self.hysteresis = hysteresis
    }

    public init(_ server: VirtualServer) {
        self.init(quorum: server.quorum, hysteresis: server.hysteresis)
    }

    public func initiallyUp(liveWeight: Int) -> Bool { liveWeight >= quorum + hysteresis }

    /// The weight the current state is judged against: quorum - hysteresis while up,
    /// quorum + hysteresis while down.
    public func threshold(up: Bool) -> Int { up ? quorum - hysteresis : quorum + hysteresis }

    public func next(up: Bool, liveWeight: Int) -> Bool {
        if up { return liveWeight != 0 && liveWeight >= threshold(up: true) }
        return liveWeight >= threshold(up: false)
    }
}

/// A quorum change of one virtual server, with keepalived's log line and the script to run.
public struct QuorumEvent: Hashable, Sendable, CustomStringConvertible {
    public var virtualServer: String
    public var up: Bool
    public var liveWeight: Int
    public var rule: QuorumRule
    /// `quorum_up` or `quorum_down`, when configured.
    public var script: NotifyCommand?

    /// `Gained quorum 3+1=4 <= 5 for VS [10.0.0.1]:80`, `Lost quorum 3-1=2 > 1 for VS ...`.
    public var description: String {
        let (quorum, hysteresis) = (rule.quorum, rule.hysteresis)
        if up {
            return
                "Gained quorum \(quorum)+\(hysteresis)=\(quorum + hysteresis) <= \(liveWeight) for VS \(virtualServer)"
        }
        return "Lost quorum \(quorum)-\(hysteresis)=\(quorum - hysteresis) > \(liveWeight) for VS \(virtualServer)"
    }
}
