import VRRP

/// Something about the other routers on the link that an admin should hear of: logged at
/// most once a minute per kind and sender, and signalled as `Diagnostic(kind, sender, message)`.
struct Diagnostic: Sendable, Hashable {
    enum Kind: String, Sendable {
        /// Another router advertises our VRID with another address list or authentication.
        case vridClash = "vrid_clash"
        /// Another router is MASTER for our VRID while we are.
        case splitBrain = "split_brain"
        /// Another router advertises our VRID at another interval.
        case advertIntervalMismatch = "advert_interval_mismatch"
    }

    var kind: Kind
    var sender: InetAddress
    var message: String
}

/// Turns received adverts into diagnostics, rate-limited per kind and sender.
struct AdvertDiagnostics: Sendable {
    let instance: String
    let virtualRouterID: UInt8
    private var limiter = LogLimiter()
    /// Rivals heard while we were MASTER: when their adverts began and when the latest came.
    private var rivals: [InetAddress: (first: ContinuousClock.Instant, last: ContinuousClock.Instant)] = [:]

    init(instance: String, virtualRouterID: UInt8) {
        self.instance = instance
        self.virtualRouterID = virtualRouterID
    }

    /// A dropped advert: a clash or an interval mismatch when the reason says so.
    mutating func dropped(
        _ reason: AdvertDropReason, from sender: InetAddress, now: ContinuousClock.Instant
    ) -> Diagnostic? {
        let prefix = "VRRP_Instance(\(instance)) VRID \(virtualRouterID)"
        switch reason {
        case .addressCountMismatch, .addressListMismatch:
            return limited(.vridClash, sender, now, "\(prefix) clash: \(sender) advertises another address list")
        case .authTypeMismatch, .authFailure:
            return limited(.vridClash, sender, now, "\(prefix) clash: \(sender) uses other authentication")
        case .versionMismatch(let received, _):
            return limited(.vridClash, sender, now, "\(prefix) clash: \(sender) runs VRRPv\(received)")
        case .advertIntervalMismatch(let received, let expected):
            return limited(
                .advertIntervalMismatch, sender, now,
                "\(prefix): \(sender) advertises every \(VRRPDuration.centiseconds(Int64(received))), "
                    + "ours is \(VRRPDuration.centiseconds(Int64(expected)))")
        default:
            return nil
        }
    }

    /// A valid advert: a second MASTER when we are MASTER, or a v3 interval notice.
    ///
    /// `weAreMaster` means MASTER after the advert was handled. A rival is a split brain only
    /// once its adverts outlast one of our intervals: one in flight when it heard our first is
    /// just the end of a preemption.
    mutating func accepted(
        _ received: ReceivedVRRPAdvert, notices: AdvertNotices, weAreMaster: Bool, advertInterval: Duration,
        now: ContinuousClock.Instant
    ) -> [Diagnostic] {
        let prefix = "VRRP_Instance(\(instance)) VRID \(virtualRouterID)"
        let sender = received.source
        var found: [Diagnostic] = []
        if weAreMaster, received.advert.priority != 0,
            rivalOutlasts(sender, advertInterval: advertInterval, now: now),
            let diagnostic = limited(
                .splitBrain, sender, now,
                "\(prefix) split brain: \(sender) is MASTER too (priority \(received.advert.priority))")
        {
            found.append(diagnostic)
        }
        if notices.contains(.advertIntervalMismatch),
            let diagnostic = limited(
                .advertIntervalMismatch, sender, now,
                "\(prefix): \(sender) advertises every "
                    + "\(VRRPDuration.centiseconds(Int64(received.advert.advertIntervalCentiseconds)))")
        {
            found.append(diagnostic)
        }
        return found
    }

    /// Records a rival's advert; true once its adverts have gone on for an interval or more,
    /// without a master down interval's gap (three intervals) between two of them.
    private mutating func rivalOutlasts(
        _ sender: InetAddress, advertInterval: Duration, now: ContinuousClock.Instant
    ) -> Bool {
        var span = rivals[sender] ?? (now, now)
        if now - span.last > advertInterval * 3 { span.first = now }
        span.last = now
        rivals[sender] = span
        return now - span.first >= advertInterval
    }

    /// We left MASTER: whoever advertised meanwhile is no rival any more.
    mutating func forgetRivals() { rivals = [:] }

    private mutating func limited(
        _ kind: Diagnostic.Kind, _ sender: InetAddress, _ now: ContinuousClock.Instant, _ message: String
    ) -> Diagnostic? {
        guard limiter.allows("\(kind.rawValue) \(sender)", now: now) else { return nil }
        return Diagnostic(kind: kind, sender: sender, message: message)
    }
}
