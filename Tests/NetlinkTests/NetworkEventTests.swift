import Foundation
import Testing

@testable import Netlink

/// Collects events until `done` says the wanted ones arrived, or `limit` passes (then the test
/// fails on its own expectations with whatever arrived, rather than hanging).
private func collect(
    _ events: NetworkEvents, limit: Duration = .seconds(20), until done: @escaping @Sendable ([NetworkEvent]) -> Bool
) async -> [NetworkEvent] {
    await withTaskGroup(of: [NetworkEvent]?.self) { group in
        group.addTask {
            var seen: [NetworkEvent] = []
            for await event in events {
                seen.append(event)
                if done(seen) { break }
            }
            return seen
        }
        group.addTask {
            try? await Task.sleep(for: limit)
            return nil
        }
        var collected: [NetworkEvent] = []
        while let result = await group.next() {
            group.cancelAll()
            if let result { collected = result }
        }
        return collected
    }
}

/// Polls `condition` a bounded number of times; the socket closes on the watcher's queue.
private func eventually(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<200 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

private func linkName(_ event: NetworkEvent) -> (kind: String, name: String)? {
    switch event {
    case .linkUp(let link): ("up", link.name)
    case .linkDown(let link): ("down", link.name)
    case .linkAdded(let link): ("added", link.name)
    case .linkRemoved(let link): ("removed", link.name)
    default: nil
    }
}

@Suite(.enabled(if: isRoot, "needs root: creates network namespaces"))
struct NetworkEventTests {
    @Test func seesLinkDownAndUpAsTypedEvents() async throws {
        try await withTestNamespace { namespace in
            try addVeth("ev0", in: namespace)
            let netlink = try RouteNetlink(namespace: namespace)
            let events = try netlink.events()
            try ip("-n", namespace, "link", "set", "ev0", "down")
            try ip("-n", namespace, "link", "set", "ev0", "up")

            let seen = await collect(events) { seen in
                let changes = seen.compactMap(linkName).filter { $0.name == "ev0" }.map(\.kind)
                return changes.firstIndex(of: "down").map { changes[$0...].contains("up") } ?? false
            }
            let changes = seen.compactMap(linkName).filter { $0.name == "ev0" }.map(\.kind)
            let down = try #require(changes.firstIndex(of: "down"), "saw \(seen)")
            #expect(changes[down...].contains("up"), "saw \(seen)")
            #expect(!changes.contains("added"), "ev0 existed before the watch started")
        }
    }

    @Test func seesAddressesAndLinksComeAndGo() async throws {
        try await withTestNamespace { namespace in
            let index = try addVeth("ev1", in: namespace)
            let netlink = try RouteNetlink(namespace: namespace)
            let events = try netlink.events()
            try ip("-n", namespace, "addr", "add", "192.0.2.5/24", "dev", "ev1")
            try ip("-n", namespace, "addr", "add", "2001:db8::5/64", "dev", "ev1", "nodad")
            try ip("-n", namespace, "addr", "del", "192.0.2.5/24", "dev", "ev1")
            try ip("-n", namespace, "link", "add", "ev2", "type", "veth", "peer", "name", "ev2p")
            try ip("-n", namespace, "link", "del", "ev2")

            let v4 = try #require(IPAddress("192.0.2.5"))
            let v6 = try #require(IPAddress("2001:db8::5"))
            let wanted: @Sendable ([NetworkEvent]) -> Bool = { seen in
                let added = seen.contains { if case .addressAdded(let a) = $0 { a.address == v4 } else { false } }
                let added6 = seen.contains { if case .addressAdded(let a) = $0 { a.address == v6 } else { false } }
                let removed = seen.contains { if case .addressRemoved(let a) = $0 { a.address == v4 } else { false } }
                let links = seen.compactMap(linkName)
                let linkAdded = links.contains { $0 == ("added", "ev2") }
                let linkRemoved = links.contains { $0 == ("removed", "ev2") }
                return added && added6 && removed && linkAdded && linkRemoved
            }
            let seen = await collect(events, until: wanted)
            #expect(wanted(seen), "saw \(seen)")
            let added = seen.compactMap { if case .addressAdded(let a) = $0, a.address == v4 { a } else { nil } }.first
            #expect(added?.interfaceIndex == index)
            #expect(added?.prefixLength == 24)
            #expect(added?.label == "ev1")
        }
    }

    @Test func theSocketClosesWhenTheConsumerStops() async throws {
        try await withTestNamespace { namespace in
            let netlink = try RouteNetlink(namespace: namespace)

            // A consuming task that is cancelled ends its loop and closes the socket.
            let events = try netlink.events()
            let watcher = events.subscription.watcher
            let consumer = Task {
                var count = 0
                for await _ in events { count += 1 }
                return count
            }
            #expect(watcher.isOpen)
            consumer.cancel()
            _ = await consumer.value
            #expect(await eventually { !watcher.isOpen })

            // A sequence dropped without being iterated closes its socket too.
            var dropped: NetworkEvents? = try netlink.events()
            let droppedWatcher = try #require(dropped?.subscription.watcher)
            #expect(droppedWatcher.isOpen)
            dropped = nil
            #expect(dropped == nil)
            #expect(await eventually { !droppedWatcher.isOpen })
        }
    }
}
