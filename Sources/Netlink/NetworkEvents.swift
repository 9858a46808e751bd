import CNetlink
import Dispatch

extension RouteNetlink {
    /// Link and address changes in this handle's namespace, from now on, as typed events.
    ///
    /// A dedicated netlink socket joins RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR
    /// and is read by a dispatch source, so no Swift concurrency thread ever blocks on it. The
    /// sequence ends, and the socket closes, when the consuming task is cancelled or the
    /// sequence and its iterator are dropped. `addressAdded` may repeat for an address whose
    /// flags changed (IPv6 DAD finishing, for example). Call this before reading the state you
    /// track, so nothing changes unseen in between; iterate it from one task only.
    public func events() throws -> NetworkEvents {
        let watcher = try EventWatcher(source: self)
        return NetworkEvents(stream: watcher.start(), subscription: Subscription(watcher: watcher))
    }
}

/// A change seen by `RouteNetlink.events()`.
public enum NetworkEvent: Hashable, Sendable {
    case linkAdded(Link)
    case linkRemoved(Link)
    /// The link became up and running.
    case linkUp(Link)
    /// The link stopped being up and running.
    case linkDown(Link)
    /// Something else changed (name, MAC, MTU, ...).
    case linkChanged(Link)
    case addressAdded(InterfaceAddress)
    case addressRemoved(InterfaceAddress)
    /// The kernel dropped notifications (socket buffer full): re-read the state you track.
    case eventsLost
}

/// An `AsyncSequence` of `NetworkEvent`s; see `RouteNetlink.events()`.
public struct NetworkEvents: AsyncSequence, Sendable {
    public typealias Element = NetworkEvent

    let stream: AsyncStream<NetworkEvent>
    let subscription: Subscription

    public func makeAsyncIterator() -> Iterator {
        Iterator(base: stream.makeAsyncIterator(), subscription: subscription)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var base: AsyncStream<NetworkEvent>.Iterator
        let subscription: Subscription

        public mutating func next() async -> NetworkEvent? {
            await base.next()
        }
    }
}

/// Stops the watcher when the last sequence or iterator holding it goes away.
final class Subscription: Sendable {
    let watcher: EventWatcher
    init(watcher: EventWatcher) { self.watcher = watcher }
    deinit { watcher.stop() }
}

/// Reads notifications off one netlink socket and turns them into events.
///
/// `@unchecked Sendable`: every mutable field is touched only on `queue` (the dispatch source's
/// handlers and the libnl callbacks they run), except `init`, which runs before the source starts.
final class EventWatcher: @unchecked Sendable {
    private let queue = DispatchQueue(label: "keepalive.netlink.events")
    private let requests: RouteNetlink
    private var socket: NetlinkSocket?
    private var readSource: DispatchSourceRead?
    private var continuation: AsyncStream<NetworkEvent>.Continuation?
    /// The last state seen of each link, to tell up/down from other changes.
    private var knownLinks: [Int: Link] = [:]

    init(source requests: RouteNetlink) throws {
        self.requests = requests
        let socket = try NetlinkSocket(protocol: NETLINK_ROUTE, namespace: requests.namespace)
        nl_socket_disable_seq_check(socket.handle)
        for group in [RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR] {
            try socket.perform("join netlink group \(group.rawValue)") {
                nl_socket_add_membership($0, Int32(group.rawValue))
            }
        }
        try socket.perform("make netlink socket non-blocking") { nl_socket_set_nonblocking($0) }
        _ = nl_socket_set_buffer_size(socket.handle, 1 << 20, 0)
        self.socket = socket
        // Joined before the snapshot, so no change between the two is missed.
        for link in try requests.links() { knownLinks[link.index] = link }
    }

    func start() -> AsyncStream<NetworkEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: NetworkEvent.self)
        continuation.onTermination = { [weak self] _ in self?.stop() }
        queue.sync {
            guard let socket else { return }
            self.continuation = continuation
            let context = Unmanaged.passUnretained(self).toOpaque()
            _ = nl_socket_modify_cb(socket.handle, NL_CB_VALID, NL_CB_CUSTOM, onValidMessage, context)
            let source = DispatchSource.makeReadSource(fileDescriptor: socket.fileDescriptor, queue: queue)
            source.setEventHandler { [self] in drain() }
            source.setCancelHandler { [self] in close() }
            readSource = source
            source.resume()
        }
        return stream
    }

    /// Ends the sequence and closes the socket; safe to call more than once, from anywhere.
    func stop() {
        queue.async { [self] in
            if let readSource {
                readSource.cancel()  // its cancel handler closes the socket
            } else {
                close()
            }
        }
    }

    /// Whether the socket is still open (for tests: it closes asynchronously after `stop`).
    var isOpen: Bool { queue.sync { socket != nil } }

    private func close() {
        readSource = nil
        socket = nil
        continuation?.finish()
        continuation = nil
    }

    private func drain() {
        guard let socket else { return }
        while true {
            let result = nl_recvmsgs_default(socket.handle)
            if result >= 0 { continue }
            if result == -NLE_AGAIN { return }
            if result == -NLE_NOMEM {  // ENOBUFS: the kernel dropped notifications
                continuation?.yield(.eventsLost)
                resynchronize()
                continue
            }
            return
        }
    }

    private func resynchronize() {
        guard let links = try? requests.links() else { return }
        knownLinks = Dictionary(links.map { ($0.index, $0) }, uniquingKeysWith: { $1 })
    }

    /// Called by libnl (on `queue`, inside `drain`) for each parsed object.
    fileprivate func handle(object: OpaquePointer) {
        switch Int(nl_object_get_msgtype(object)) {
        case Int(RTM_NEWLINK):
            let link = Link(rtnlLink: object)
            let previous = knownLinks.updateValue(link, forKey: link.index)
            if let previous {
                if previous.isOperational != link.isOperational {
                    continuation?.yield(link.isOperational ? .linkUp(link) : .linkDown(link))
                } else if previous != link {
                    continuation?.yield(.linkChanged(link))
                }
            } else {
                continuation?.yield(.linkAdded(link))
            }
        case Int(RTM_DELLINK):
            let link = Link(rtnlLink: object)
            knownLinks[link.index] = nil
            continuation?.yield(.linkRemoved(link))
        case Int(RTM_NEWADDR):
            if let address = InterfaceAddress(rtnlAddr: object) { continuation?.yield(.addressAdded(address)) }
        case Int(RTM_DELADDR):
            if let address = InterfaceAddress(rtnlAddr: object) { continuation?.yield(.addressRemoved(address)) }
        default:
            break
        }
    }
}

private func onValidMessage(message: OpaquePointer?, context: UnsafeMutableRawPointer?) -> Int32 {
    if let message { nl_msg_parse(message, onParsedObject, context) }
    return Int32(NL_OK.rawValue)
}

private func onParsedObject(object: OpaquePointer?, context: UnsafeMutableRawPointer?) {
    guard let object, let context else { return }
    Unmanaged<EventWatcher>.fromOpaque(context).takeUnretainedValue().handle(object: object)
}
