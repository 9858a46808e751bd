/// keepalived's anti-replay counter for `auth_type AH`: one per instance, shared by what it
/// sends and what it receives. A MASTER numbers its adverts on from the highest number it
/// has seen, so after a failover its peers, which saw that number too, still accept them.
public struct AHSequenceCounter: Hashable, Sendable {
    /// The last number sent or accepted; 0 before the first.
    public private(set) var last: UInt32
    /// Set when the numbers ran out (after 2^32 - 3 adverts); cleared on becoming MASTER.
    public private(set) var hasCycled: Bool

    public init(last: UInt32 = 0) {
        self.last = last
        hasCycled = false
    }

    /// The number for the next advert sent. At the end of the range it stays put and marks
    /// the counter cycled, as keepalived does.
    public mutating func next() -> UInt32 {
        if last > 0xFFFF_FFFD {
            hasCycled = true
        } else {
            last += 1
        }
        return last
    }

    /// Accepts a received number only when it is above the last one sent or accepted: an
    /// advert seen before (or an older one) is a replay.
    public mutating func accept(_ received: UInt32) throws(AdvertDropReason) {
        guard received > last else { throw .replayedSequenceNumber(received: received, last: last) }
        last = received
    }

    /// Becoming MASTER with a cycled counter starts the numbers again from 0.
    public mutating func becomingMaster() {
        guard hasCycled else { return }
        hasCycled = false
        last = 0
    }

    /// A MASTER that hears a lower priority advert numbers on from it (keepalived's "Syncing
    /// seq_num"): a peer that restarted from 0 and took over catches up with us this way.
    public mutating func synchronise(afterLowerPriority received: UInt32) {
        last = received == UInt32.max ? received : received + 1
        hasCycled = false
    }
}
