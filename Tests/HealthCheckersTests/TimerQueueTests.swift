import Testing

@testable import HealthCheckers

/// The connect poller's timers: a heap for deadlines in any order, FIFO lanes for timeouts of
/// one length; whatever holds an entry, they come out earliest first.
@Suite struct TimerQueueTests {
    let start = ContinuousClock.now

    private func entry(_ milliseconds: Int, id: UInt64) -> TimerQueue.Entry {
        TimerQueue.Entry(deadline: start + .milliseconds(milliseconds), id: id)
    }

    private func popAll(_ queue: inout TimerQueue, at milliseconds: Int) -> [UInt64] {
        var ids: [UInt64] = []
        queue.popAllDue(at: start + .milliseconds(milliseconds)) { ids.append($0.id) }
        return ids
    }

    @Test func heapEntriesComeOutInDeadlineOrderOnceDue() {
        var queue = TimerQueue()
        for (milliseconds, id) in [(50, 1), (10, 2), (30, 3), (20, 4), (40, 5)] {
            queue.insert(entry(milliseconds, id: UInt64(id)))
        }
        #expect(queue.first?.id == 2)
        #expect(popAll(&queue, at: 5) == [])
        #expect(popAll(&queue, at: 30) == [2, 4, 3])
        #expect(popAll(&queue, at: 100) == [5, 1])
        #expect(queue.isEmpty)
    }

    @Test func laneEntriesCountTowardsFirstAndComeOutWhenDue() {
        var queue = TimerQueue()
        queue.insert(entry(25, id: 1))
        queue.insert(entry(10, id: 2), lane: .milliseconds(10))
        queue.insert(entry(20, id: 3), lane: .milliseconds(10))
        queue.insert(entry(15, id: 4), lane: .milliseconds(15))
        #expect(queue.first?.id == 2)
        #expect(popAll(&queue, at: 12) == [2])
        #expect(queue.first?.id == 4)
        #expect(Set(popAll(&queue, at: 20)) == [3, 4])
        #expect(queue.first?.id == 1)
        #expect(popAll(&queue, at: 25) == [1])
        #expect(queue.isEmpty)
        #expect(queue.first == nil)
    }
}
