/// Deadlines in order, each with the id of what is due then: a binary min-heap. Cancelled ids
/// are left in place and skipped by the owner when they come up (cheaper than a search).
struct TimerQueue {
    struct Entry {
        var deadline: ContinuousClock.Instant
        var id: UInt64
        /// The descriptor of the connect this entry times out; nil for a timer with an action.
        var fd: Int32? = nil
    }

    private var heap: [Entry] = []

    var isEmpty: Bool { heap.isEmpty }

    /// The earliest deadline.
    var first: Entry? { heap.first }

    mutating func insert(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry when it is due at `now`.
    mutating func popDue(at now: ContinuousClock.Instant) -> Entry? {
        guard let top = heap.first, top.deadline <= now else { return nil }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return top }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count, heap[right].deadline < heap[smallest].deadline { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
